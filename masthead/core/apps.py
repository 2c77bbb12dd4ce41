from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "masthead.core"
    label = "core"
    verbose_name = "Masthead"

    def ready(self) -> None:
        # Explicit registration: the failure recorder and the periodic schedule.
        from masthead import schedule
        from masthead.core import tasks

        tasks.register_failure_recorder()
        schedule.register()
