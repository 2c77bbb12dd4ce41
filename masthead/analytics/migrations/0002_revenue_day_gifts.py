"""Gifts in the revenue desk: RevenueDay counts the gifts paid under each plan, and their
money is in its revenue and refunds. The days since the first gift's payment are rolled up
again, so the figures already there include the gifts sold before this change."""

from django.db import migrations, models

from masthead.analytics import rollup
from masthead.core import clock


def roll_up_gift_days(apps, schema_editor):
    LedgerEntry = apps.get_model("billing", "LedgerEntry")
    first = LedgerEntry.objects.filter(gift__isnull=False).order_by("created_at").values_list("created_at", flat=True).first()
    if first is None:
        return
    tz = rollup.zone()
    rollup.rollup_days(first.astimezone(tz).date(), clock.now().astimezone(tz).date())


class Migration(migrations.Migration):

    dependencies = [
        ('analytics', '0001_initial'),
        ('billing', '0006_gift_subscriptions'),
        ('content', '0011_search_partitions'),
    ]

    operations = [
        migrations.AddField(
            model_name='revenueday',
            name='gifts',
            field=models.PositiveIntegerField(default=0, help_text='Gift subscriptions of the plan paid that day.'),
        ),
        migrations.AlterField(
            model_name='revenueday',
            name='revenue',
            field=models.BigIntegerField(default=0, help_text="Paise charged after GST, gifts' payments included."),
        ),
        migrations.RunPython(roll_up_gift_days, migrations.RunPython.noop),
    ]
