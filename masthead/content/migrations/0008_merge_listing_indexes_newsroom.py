from django.db import migrations


class Migration(migrations.Migration):
    """The archive's listing indexes and the newsroom (roles, corrections, picks order) came in parallel."""

    dependencies = [
        ("content", "0007_archive_listing_indexes"),
        ("content", "0007_newsroom"),
    ]

    operations = []
