from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "masthead.accounts"
    label = "accounts"
    verbose_name = "Readers"

    def ready(self):
        from allauth.account.models import EmailAddress
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from masthead.accounts import groups
        from masthead.accounts.models import (
            AdSlot, ComplimentaryGrant, Device, Organisation, OrganisationMember,
        )
        from masthead.content import page_cache
        from masthead.core import cache

        # Organisations and ad slots are kept in every process under the accounts version:
        # any save or delete (admin, ORM, queryset) bumps it.
        for model in (Organisation, AdSlot):
            for signal in (post_save, post_delete):
                signal.connect(cache.bumper("accounts"), sender=model, weak=False,
                               dispatch_uid=f"masthead.accounts.bump.{signal is post_save}.{model.__name__}")

        # An organisation's IP ranges can make an anonymous page ad-free: cached pages are
        # kept per set of benefits an address carries.
        page_cache.vary_pages_by(groups.address_variant)
        page_cache.pages_depend_on("accounts")  # ad slots are on every page

        # Receivers that only bump versions (core.cache): what one reader holds (a grant, a
        # seat, a verified address, a device, the user row) retires that reader's kept
        # benefits and user; an organisation's change retires every reader's benefits.
        for signal in (post_save, post_delete):
            for model in (ComplimentaryGrant, OrganisationMember, EmailAddress, Device):
                signal.connect(_reader_changed, sender=model, dispatch_uid=f"accounts.{model.__name__}.{signal}")
            signal.connect(_readers_changed, sender=Organisation, dispatch_uid=f"accounts.organisation.{signal}")
            # The user row itself (kept by masthead.accounts.backends).
            signal.connect(_user_changed, sender=get_user_model(), dispatch_uid=f"accounts.user.{signal}")


def _reader_changed(sender, instance, **kwargs):
    from masthead.access.entitlements import reader_changed

    reader_changed(instance.user_id)


def _readers_changed(sender, instance, **kwargs):
    from masthead.access.entitlements import readers_changed

    readers_changed()


def _user_changed(sender, instance, **kwargs):
    from masthead.access.entitlements import reader_changed

    reader_changed(instance.pk)
