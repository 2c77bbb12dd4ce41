from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "masthead.analytics"
    label = "analytics"
    verbose_name = "Revenue desk"

    def ready(self):
        # Access decides with the reader's experiment arm and tells us about each read;
        # it never imports analytics, so both hooks are registered here.
        from masthead.access import funnel, variants

        from masthead.analytics import events, experiments

        variants.register_variant_provider(experiments.variant_for_reader)
        funnel.register_observer(events.observe)

        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(experiments.carry_to_account, dispatch_uid="masthead.analytics.carry_to_account")

        # Raw events wait in a per-process buffer: write what is left when a server exits.
        import atexit

        from django.conf import settings

        if not settings.TESTING:
            atexit.register(events.flush_quietly)
            atexit.register(experiments.flush_quietly)
