from django.apps import AppConfig


class NewslettersConfig(AppConfig):
    name = "masthead.newsletters"
    label = "newsletters"
    verbose_name = "Newsletters"

    def ready(self):
        # Hard bounces and complaints reported by an e-mail service (django-anymail's
        # tracking webhooks) suppress the address.
        from anymail.signals import tracking

        from masthead.newsletters.suppression import on_tracking_event

        tracking.connect(on_tracking_event, dispatch_uid="masthead.newsletters.tracking")
