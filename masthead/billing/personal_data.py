"""A reader's personal data held by this app: export and erasure (DPDP Act / GDPR)."""

from __future__ import annotations


def export(user) -> dict:
    return {}


def erase(user) -> None:
    return None
