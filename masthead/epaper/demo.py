"""The demo's ePaper: an edition for each of the last 14 days, printed from its own stories.

Each edition is a PDF made here (epaper.pdfs: a front page with the masthead, the lead
story and more headlines, and inner pages of stories in columns) and processed through the
same action as an upload. Editions already there are left alone, so seeding twice makes
nothing twice.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils.html import strip_tags

from masthead.content.publication import current_publication
from masthead.core import clock, dates
from masthead.epaper import actions
from masthead.epaper.models import Edition
from masthead.epaper.pdfs import Story, edition_pdf

DAYS = 14
PAGES = 4             # the front page and three inner pages
STORIES_PER_PAGE = 5
EDITION = "Main"


def _paragraphs(article) -> list[str]:
    """The story's text as plain paragraphs (the PDF carries text, not HTML)."""
    parts = re.split(r"</p>|</h[2-6]>|<br\s*/?>", article.body or "")
    found = [" ".join(strip_tags(part).split()) for part in parts]
    text = [p for p in found if p]
    if article.standfirst:
        text.insert(0, " ".join(strip_tags(article.standfirst).split()))
    return text[:8]


def stories_for(day: dt.date, articles: list) -> list[list[Story]]:
    """The pages of a day's paper: that day's stories first, then others, never twice an edition."""
    zone = current_publication().zone
    same_day = [a for a in articles if a.published_at and a.published_at.astimezone(zone).date() == day]
    others = [a for a in articles if a not in same_day]
    # Each day leads with a different run of the older stories when it has few of its own.
    start = day.toordinal() % max(len(others), 1)
    chosen = (same_day + others[start:] + others[:start])[: PAGES * STORIES_PER_PAGE]
    stories = [Story(a.headline, _paragraphs(a)) for a in chosen]
    return [stories[n * STORIES_PER_PAGE:(n + 1) * STORIES_PER_PAGE] for n in range(PAGES)]


def seed_epaper(progress=print, days: int = DAYS) -> int:
    """Print and process the missing editions of the last `days` days; returns how many were made."""
    from masthead.content.models import Article

    publication = current_publication()
    today = publication.local(clock.now()).date()
    articles = list(Article.objects.filter(status=Article.Status.PUBLISHED).order_by("-published_at")[:400])
    if not articles:
        progress("ePaper: no stories to print yet")
        return 0
    made = 0
    for back in range(days):
        day = today - dt.timedelta(days=back)
        if Edition.objects.filter(date=day, slug="main", state=Edition.State.PUBLISHED).exists():
            continue
        data = edition_pdf(publication=publication.name, date_line=dates.long_date(day), edition=EDITION,
                           pages=stories_for(day, articles))
        edition = actions.receive_edition(date=day, name=EDITION, data=data, process=False)
        actions.process_edition(edition.pk)
        made += 1
    progress(f"ePaper: {made} editions printed, {days - made} already there")
    return made
