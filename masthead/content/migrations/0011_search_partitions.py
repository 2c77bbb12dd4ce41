"""PostgreSQL's search index moves to a table partitioned by the year of publication
(content.search.postgres): the entries are copied across, partition by partition, and
the old table dropped in one transaction (about three minutes for a million stories),
then VACUUM sets the new partitions' visibility (outside any transaction; without it the
first searches write hint bits on every page they read: p50 125 ms against 65 after).
SQLite's is unchanged."""

from django.db import migrations, transaction

from masthead.content.search import postgres

OLD = f"{postgres.TABLE}_unpartitioned"


def partition(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        copied = _copy(cursor)
    if copied:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {postgres.TABLE}")


def _copy(cursor) -> bool:
    """Make the partitioned table, moving any unpartitioned one's entries into it; True
    when entries were moved."""
    cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [postgres.TABLE])
    row = cursor.fetchone()
    if row is not None and row[0] == "p":
        return False  # made partitioned (a new database: content.0004 makes it so)
    if row is not None:
        cursor.execute(f"ALTER TABLE {postgres.TABLE} RENAME TO {OLD}")
        for index in ("gin", "published"):
            cursor.execute(f"DROP INDEX IF EXISTS {postgres.TABLE}_{index}")
    for statement in postgres.CREATE:
        cursor.execute(statement)
    if row is None:
        return False
    cursor.execute(f"SELECT DISTINCT extract(year FROM published_at AT TIME ZONE 'UTC')::int FROM {OLD}")
    postgres.ensure_years(cursor, [year for (year,) in cursor.fetchall()])
    cursor.execute(f"INSERT INTO {postgres.TABLE} (article_id, published_at, section_id, access, document) "
                   f"SELECT article_id, published_at, section_id, access, document FROM {OLD}")
    cursor.execute(f"DROP TABLE {OLD}")
    return True


class Migration(migrations.Migration):
    atomic = False  # for the VACUUM; the copy is one transaction of its own

    dependencies = [("content", "0010_archive_days")]

    operations = [migrations.RunPython(partition, migrations.RunPython.noop, elidable=False)]
