"""A reader's personal data held by this app: export and erasure (DPDP Act / GDPR).

What the paywall keeps about a reader: the metered articles counted on their account's
meter, per period. (An anonymous meter is tied to a browser cookie, not a person, so it
is not part of an account's data; it expires with its period on Redis.)
"""

from __future__ import annotations

from masthead.access.meter.base import get_store
from masthead.access.periods import recent_period_keys
from masthead.access.rules import current_rules
from masthead.core import clock

PERIODS_KEPT = 3


def _periods():
    from masthead.content.publication import current_publication

    rules = current_rules()
    return recent_period_keys(clock.now(), rules.period, current_publication().zone, PERIODS_KEPT)


def export(user) -> dict:
    """The reader's meter history: for each recent period, the articles counted."""
    from masthead.content.models import Article

    store = get_store()
    key = f"u:{user.pk}"
    history = []
    for period in _periods():
        ids = store.items(key, period)
        if not ids:
            continue
        titles = dict(Article.objects.filter(pk__in=ids).values_list("pk", "headline"))
        history.append({
            "period": period,
            "articles_counted": len(ids),
            "articles": [{"id": i, "headline": titles.get(i, "")} for i in ids],
        })
    return {"meter": history}


def erase(user) -> None:
    """Forget the reader's meter (every period the store still holds)."""
    get_store().forget(f"u:{user.pk}", _periods())
