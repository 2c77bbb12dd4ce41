from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "masthead.access"
    label = "access"
    verbose_name = "Paywall and meter"

    def ready(self):
        # user_logged_in fires for every login path (password, code, allauth, admin), so
        # the anonymous meter merges into the account whichever way the reader logs in.
        from django.contrib.auth.signals import user_logged_in

        from masthead.access.login import merge_meter_at_login

        user_logged_in.connect(merge_meter_at_login, dispatch_uid="masthead.access.merge_meter_at_login")

        # The funnel buffer lives in each server process: write what is left when it exits.
        # (Not under tests: their database is gone by the time the process exits.)
        import atexit

        from django.conf import settings

        from masthead.access import funnel

        if not settings.TESTING:
            atexit.register(funnel.flush_quietly)
