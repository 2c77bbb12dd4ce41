"""Plans carry benefits from the registry (masthead.access.benefits) instead of marketing text.

Until now every subscriber got every benefit whatever the plan's text said, so existing
plans keep exactly that: every benefit Masthead delivers.
"""

from django.db import migrations, models

# The sellable benefits when this migration was written (frozen here: a migration must not
# follow later edits of the registry).
DELIVERED = ["premium", "partner", "archive", "ad_free", "devices"]


def grant_what_subscribers_had(apps, schema_editor):
    Plan = apps.get_model("billing", "Plan")
    Plan.objects.update(benefits=DELIVERED)


class Migration(migrations.Migration):
    dependencies = [("billing", "0003_buyer_gst_details")]

    operations = [
        migrations.RemoveField(model_name="plan", name="benefits"),
        migrations.AddField(
            model_name="plan",
            name="benefits",
            field=models.JSONField(
                blank=True, default=list,
                help_text="The benefits a subscription to this plan opens (codes from the benefit registry); "
                          "the offer copy lists them.",
            ),
        ),
        migrations.RunPython(grant_what_subscribers_had, migrations.RunPython.noop),
    ]
