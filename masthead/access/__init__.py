"""Access: the server-side metered paywall. `access.decide(reader, item, now)` is the one
decision every channel asks (see CONTEXT.md). Names are re-exported lazily so importing
the package loads no models."""

__all__ = ["decide"]


def __getattr__(name):
    if name == "decide":
        from masthead.access.service import decide

        return decide
    raise AttributeError(name)
