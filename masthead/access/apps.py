from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "masthead.access"
    label = "access"
    verbose_name = "Paywall and meter"

    def ready(self):
        # Listings show the Premium badge by the access rules (content cannot import access).
        from masthead.access.read import register_listing_rule

        register_listing_rule()

        # user_logged_in fires for every login path (password, code, allauth, admin), so
        # the anonymous meter merges into the account whichever way the reader logs in.
        from django.contrib.auth.signals import user_logged_in

        from masthead.access.login import merge_meter_at_login

        user_logged_in.connect(merge_meter_at_login, dispatch_uid="masthead.access.merge_meter_at_login")

        # The rules are cached under the "rules" version: the row and its lists (saved
        # after the row by the admin) bump it, whichever way they change.
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from masthead.access.models import AccessRules
        from masthead.access.rules import rules_changed

        post_save.connect(rules_changed, sender=AccessRules, dispatch_uid="masthead.access.rules_saved")
        post_delete.connect(rules_changed, sender=AccessRules, dispatch_uid="masthead.access.rules_deleted")
        for field in ("free_sections", "premium_sections", "market_sections", "free_tags", "premium_tags"):
            m2m_changed.connect(rules_changed, sender=getattr(AccessRules, field).through,
                                dispatch_uid=f"masthead.access.rules_{field}")

        # The defaults come from MASTHEAD_* settings, which tests change.
        from django.core.signals import setting_changed

        from masthead.access.rules import defaults_changed

        setting_changed.connect(defaults_changed, dispatch_uid="masthead.access.rules_defaults")
        # A kept free article page is free by these rules.
        from masthead.content import page_cache

        page_cache.pages_depend_on("rules")

        # The funnel buffer lives in each server process: write what is left when it exits.
        # (Not under tests: their database is gone by the time the process exits.)
        import atexit

        from django.conf import settings

        from masthead.access import funnel

        if not settings.TESTING:
            atexit.register(funnel.flush_quietly)
