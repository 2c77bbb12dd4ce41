"""A reader's personal data held by the revenue desk: export and erasure (DPDP Act / GDPR).

Raw funnel events and experiment assignments carry a keyed hash of the reader's meter key;
the signed-in reader's are found by their account's. Rollups hold no personal data.
"""

from __future__ import annotations


def _key(user) -> str:
    from masthead.analytics.events import reader_hash

    return reader_hash(f"u:{user.pk}")


def export(user) -> dict:
    """The reads recorded for the funnel and the experiments the account was in."""
    from masthead.analytics.models import Assignment, Event

    key = _key(user)
    return {
        "funnel_events": [
            {"at": e.at.isoformat(), "kind": e.kind, "reason": e.reason, "article_id": e.article_id,
             "referrer": e.referrer, "device": e.device}
            for e in Event.objects.filter(reader=key).order_by("at")
        ],
        "experiments": [
            {"experiment": a.experiment.name, "variant": a.arm, "since": a.day.isoformat()}
            for a in Assignment.objects.filter(reader=key).select_related("experiment")
        ],
    }


def erase(user) -> None:
    """Delete the account's raw events and assignments (the daily counts they made stay)."""
    from masthead.analytics.models import Assignment, Event

    key = _key(user)
    Event.objects.filter(reader=key).delete()
    Assignment.objects.filter(reader=key).delete()
