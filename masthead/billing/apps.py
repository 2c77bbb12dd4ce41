from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "masthead.billing"
    label = "billing"

    def ready(self):
        # The paywall's offer is kept under the offers version: any plan change bumps it.
        from django.db.models.signals import post_delete, post_save

        from masthead.billing.models import Plan
        from masthead.core import cache

        for signal in (post_save, post_delete):
            signal.connect(cache.bumper("offers"), sender=Plan, weak=False,
                           dispatch_uid=f"masthead.billing.bump_offers.{signal is post_save}")
