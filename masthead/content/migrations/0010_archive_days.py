"""The archive's day rows (content.rollup), counted from the stories already there (a year
at a time; about 30 s for a million stories on SQLite)."""

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
                ('year', models.PositiveSmallIntegerField()),
                ('month', models.PositiveSmallIntegerField()),
                ('stories', models.PositiveIntegerField()),
                ('last_modified', models.DateTimeField(help_text="The latest update or publication time among the day's stories.")),
            ],
            options={
                'ordering': ['-day'],
                'indexes': [models.Index(fields=['year', 'month'], name='archive_day_by_month')],
            },
        ),
        migrations.RunPython(count_days, migrations.RunPython.noop, elidable=False),
    ]
