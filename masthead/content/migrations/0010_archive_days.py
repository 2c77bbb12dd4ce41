"""The archive's day rows (content.rollup), counted from the stories already there: about a
second per 100,000 stories."""

from django.db import migrations, models


def count_days(apps, schema_editor):
    from masthead.content import rollup

    rollup.rebuild()


class Migration(migrations.Migration):

    dependencies = [
        ('content', '0009_merge_pictures_newsroom'),
    ]

    operations = [
        migrations.CreateModel(
            name='ArchiveDay',
            fields=[
                ('day', models.DateField(primary_key=True, serialize=False)),
                ('stories', models.PositiveIntegerField()),
                ('last_modified', models.DateTimeField(help_text="The latest update or publication time among the day's stories.")),
            ],
            options={
                'ordering': ['-day'],
            },
        ),
        migrations.RunPython(count_days, migrations.RunPython.noop, elidable=False),
    ]
