from django.apps import AppConfig


class WireConfig(AppConfig):
    name = "masthead.wire"
    label = "wire"
    verbose_name = "Wire"

    def ready(self):
        # Formats and transports are registered here, explicitly, never on import.
        from masthead.wire import parsers, transports

        parsers.register_builtin()
        transports.register_builtin()
