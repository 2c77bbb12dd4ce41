from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "masthead.billing"
    label = "billing"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from masthead.access.read import register_offer_provider
        from django.db.models.signals import m2m_changed

        from masthead.billing.models import Gift, Offer, Plan, Subscription
        from masthead.billing.offer import visible_offers

        # The paywall (access) shows the plans on sale; access never imports billing.
        register_offer_provider(visible_offers)
        # A subscriber's gift link opens one story through the one read path.
        from masthead.access.read import register_read_grant
        from masthead.billing.article_gifts import grant

        register_read_grant(grant)

        # Receivers that only bump versions (core.cache): a subscription's change retires its
        # reader's kept benefits; a plan's change retires every reader's and the offers.
        for signal in (post_save, post_delete):
            signal.connect(_subscription_changed, sender=Subscription, dispatch_uid=f"billing.sub.{signal}")
            signal.connect(_plan_changed, sender=Plan, dispatch_uid=f"billing.plan.{signal}")
            # A redeemed (or refunded) gift changes its recipient's benefits.
            signal.connect(_gift_changed, sender=Gift, dispatch_uid=f"billing.gift.{signal}")
            # An offer's price shows on the paywall and /subscribe: a change is seen at once.
            signal.connect(_offer_changed, sender=Offer, dispatch_uid=f"billing.offer.{signal}")
        m2m_changed.connect(_offer_changed, sender=Offer.plans.through, dispatch_uid="billing.offer.plans")


def _subscription_changed(sender, instance, **kwargs):
    from masthead.access.entitlements import reader_changed

    reader_changed(instance.user_id)


def _gift_changed(sender, instance, **kwargs):
    from masthead.access.entitlements import reader_changed

    reader_changed(instance.redeemed_by_id)


def _plan_changed(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= {"gateway_refs"}:
        return  # the provider's ids for the plan: no reader's benefits or offer change
    from masthead.access.entitlements import readers_changed
    from masthead.access.read import forget_offers

    readers_changed()
    forget_offers()


def _offer_changed(sender, instance=None, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) <= {"gateway_refs"}:
        return
    from masthead.access.read import forget_offers

    forget_offers()
