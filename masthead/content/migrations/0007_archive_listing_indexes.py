"""The front page's partial indexes, and SQLite's search index keyed in publication order.

The FTS5 table's rowid was the story id; it is now the publication second and then the id
(masthead.content.search.sqlite.key), so the newest matches are found first whatever order
stories were written in. The SQLite index is rebuilt here, as 0004 built it: at once for an
archive of up to 50,000 stories, else empty until `masthead search reindex` (with its
progress bar). PostgreSQL's index is unchanged.
"""

from django.conf import settings
from django.db import migrations, models


def rebuild_sqlite_search(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from masthead.content.search import sqlite

    for statement in sqlite.DROP + sqlite.CREATE:
        schema_editor.execute(statement)
    Article = apps.get_model("content", "Article")
    ids = list(Article.objects.filter(status__in=["published", "scheduled"]).values_list("pk", flat=True)[:50001])
    if len(ids) <= 50000:
        sqlite.refresh(ids)


class Migration(migrations.Migration):

    dependencies = [
        ('content', '0006_merge_wire_search'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='article',
            index=models.Index(condition=models.Q(('is_top_story', True)), fields=['published_at', 'status'], name='article_top_stories'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(condition=models.Q(('is_editors_pick', True)), fields=['published_at', 'status'], name='article_editors_picks'),
        ),
        # Rebuilt, not reversed: the older layout is rebuilt by `masthead search reindex`.
        migrations.RunPython(rebuild_sqlite_search, migrations.RunPython.noop, elidable=False),
    ]
