from django.apps import AppConfig
from django.conf import settings
from django.contrib.admin import apps as admin_apps


class MastheadAdminConfig(admin_apps.AdminConfig):
    """Django's admin on Masthead's site (a throttled login); listed in INSTALLED_APPS."""

    default = False  # named in INSTALLED_APPS by its path; "masthead.core" stays CoreConfig
    default_site = "masthead.core.admin_site.MastheadAdminSite"


class CoreConfig(AppConfig):
    name = "masthead.core"
    label = "core"
    verbose_name = "Background tasks"

    def ready(self) -> None:
        # Explicit registration: the failure recorder and the periodic schedule.
        from masthead import schedule
        from masthead.core import tasks

        tasks.register_failure_recorder()
        schedule.register()
        if settings.MASTHEAD_SENTRY_DSN:
            from masthead.core.logs import start_error_reporting

            start_error_reporting(settings.MASTHEAD_SENTRY_DSN, settings.MASTHEAD_SENTRY_ENVIRONMENT)

        from django.core.signals import setting_changed

        from masthead.core import cache

        setting_changed.connect(cache.settings_changed, dispatch_uid="masthead.core.cache.settings_changed")
