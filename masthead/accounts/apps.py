from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "masthead.accounts"
    label = "accounts"
    verbose_name = "Readers"

    def ready(self):
        # Organisations and ad slots are kept in every process under the accounts version:
        # any save or delete (admin, ORM, queryset) bumps it.
        from django.db.models.signals import post_delete, post_save

        from masthead.accounts import groups
        from masthead.accounts.models import AdSlot, Organisation
        from masthead.content import page_cache
        from masthead.core import cache

        for model in (Organisation, AdSlot):
            for signal in (post_save, post_delete):
                signal.connect(cache.bumper("accounts"), sender=model, weak=False,
                               dispatch_uid=f"masthead.accounts.bump.{signal is post_save}.{model.__name__}")

        # An organisation's IP ranges can make an anonymous page ad-free: cached pages are
        # kept per set of benefits an address carries.
        page_cache.vary_pages_by(groups.address_variant)
        page_cache.pages_depend_on("accounts")  # ad slots are on every page
