"""On PostgreSQL, the meter's check-and-count as one server-side function: one round trip.

The function does what meter/sql.py does in a transaction elsewhere (create the
reader-period row if missing, lock it, count the article if it is new and under the
limit) and turns off the commit flush for its own transaction (see the README). SQLite
gets nothing: there the store runs its statements in a BEGIN IMMEDIATE transaction.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION access_meter_check_and_count(
    p_reader varchar, p_period varchar, p_item bigint, p_limit integer, p_now timestamptz
) RETURNS TABLE (allowed boolean, counted_now boolean, already_counted boolean, used integer)
LANGUAGE plpgsql AS $$
DECLARE
    v_used integer;
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    INSERT INTO access_meterperiod (reader_key, period_key, used) VALUES (p_reader, p_period, 0)
        ON CONFLICT (reader_key, period_key) DO NOTHING;
    SELECT mp.used INTO v_used FROM access_meterperiod mp
        WHERE mp.reader_key = p_reader AND mp.period_key = p_period FOR UPDATE;
    IF EXISTS (SELECT 1 FROM access_meterread mr WHERE mr.reader_key = p_reader
               AND mr.period_key = p_period AND mr.item_id = p_item) THEN
        RETURN QUERY SELECT true, false, true, v_used;
        RETURN;
    END IF;
    IF v_used >= p_limit THEN
        RETURN QUERY SELECT false, false, false, v_used;
        RETURN;
    END IF;
    INSERT INTO access_meterread (reader_key, period_key, item_id, read_at)
        VALUES (p_reader, p_period, p_item, p_now);
    UPDATE access_meterperiod SET used = access_meterperiod.used + 1
        WHERE access_meterperiod.reader_key = p_reader AND access_meterperiod.period_key = p_period;
    RETURN QUERY SELECT true, true, false, v_used + 1;
END;
$$;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS access_meter_check_and_count(varchar, varchar, bigint, integer, timestamptz)")


class Migration(migrations.Migration):
    dependencies = [("access", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
