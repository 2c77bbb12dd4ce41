"""The full-text search index: PostgreSQL's tsvector table or SQLite's FTS5 table, by the
database in use (masthead.content.search). Built empty; stories already published are
indexed on the way (small archives) or by `masthead search reindex`."""

from django.db import migrations


def _engine(connection):
    if connection.vendor == "postgresql":
        from masthead.content.search import postgres

        return postgres
    from masthead.content.search import sqlite

    return sqlite


def create(apps, schema_editor):
    engine = _engine(schema_editor.connection)
    for statement in engine.CREATE:
        schema_editor.execute(statement)
    from masthead.content.search.text import language

    publication = apps.get_model("content", "Publication").objects.order_by("pk").first()
    engine.configure(language(publication.locale if publication else "en"))
    Article = apps.get_model("content", "Article")
    ids = list(Article.objects.filter(status__in=["published", "scheduled"]).values_list("pk", flat=True)[:50001])
    if len(ids) <= 50000:  # a large archive is indexed by the command, with its progress bar
        engine.refresh(ids)


def drop(apps, schema_editor):
    engine = _engine(schema_editor.connection)
    for statement in engine.DROP:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("content", "0003_legal_pages")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
