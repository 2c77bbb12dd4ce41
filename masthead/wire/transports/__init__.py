"""Transports: how the bytes arrive (a watched folder, HTTP polling, admin uploads), kept
apart from what they mean (`wire.parsers`). Registered by `WireConfig.ready()`."""

from __future__ import annotations

from django.utils.module_loading import import_string

from masthead.wire.transports.base import Document, TooLarge, TransportError

BUILTIN = (
    "masthead.wire.transports.folder.Folder",
    "masthead.wire.transports.http.Http",
    "masthead.wire.transports.upload.Upload",
)
_transports: dict = {}


def register(transport) -> None:
    _transports[transport.name] = transport


def register_builtin() -> None:
    for path in BUILTIN:
        register(import_string(path)())


def transport_for(name: str):
    if name not in _transports:
        raise TransportError(f"no transport named {name!r}")
    return _transports[name]


__all__ = ["Document", "TooLarge", "TransportError", "register", "register_builtin", "transport_for"]
