from django.apps import AppConfig


class EpaperConfig(AppConfig):
    name = "masthead.epaper"
    label = "epaper"
    verbose_name = "ePaper"
    default_auto_field = "django.db.models.BigAutoField"
