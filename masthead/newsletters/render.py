"""An issue as one recipient receives it: HTML with inlined CSS, and a plain-text part.

Each story is shown as that recipient may see it, decided by the one read path
(`access.read.read_for_recipient`): a recipient whose benefits open it gets what the list
promises (its headline and standfirst, or the whole story); anyone else gets the
headline, the standfirst and a link, never the gated text.

Recipients whose decisions agree on every story get the same copy, so an issue is
rendered (and its CSS inlined) once per combination of decisions, not once per recipient;
the per-recipient links are put in afterwards in place of a marker.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass, field

import css_inline
from django.template.loader import render_to_string
from django.utils.html import strip_tags

from masthead.access.decision import Access
from masthead.access.read import read_for_recipient
from masthead.content import rendering
from masthead.content.models import Article
from masthead.content.publication import current_publication
from masthead.core import clock
from masthead.newsletters.models import Issue, NewsletterList

# Stand-ins for the recipient's own links, replaced per message (URL-safe, so the CSS
# inliner and autoescaping leave them alone).
UNSUBSCRIBE_MARK = "https://masthead.invalid/unsubscribe-mark"
PREFERENCES_MARK = "https://masthead.invalid/preferences-mark"


@dataclass(frozen=True)
class Recipient:
    """Who an issue goes to: an address, its account if it has one, and what they hold."""

    email: str
    user: object = None
    signup_id: int | None = None
    benefits: frozenset = field(default=frozenset())


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str

    def for_links(self, unsubscribe_url: str, preferences_url: str) -> "Rendered":
        def fill(value: str) -> str:
            return value.replace(UNSUBSCRIBE_MARK, unsubscribe_url).replace(PREFERENCES_MARK, preferences_url)
        return Rendered(self.subject, fill(self.text), fill(self.html))


def issue_facts(issue: Issue) -> list:
    """The issue's stories, in order, that readers can see now (a withdrawn one drops out)."""
    now = clock.now()
    articles = (
        Article.objects.filter(pk__in=issue.items.values("article_id"))
        .select_related("section").prefetch_related("tags")
    )
    order = {item.article_id: item.position for item in issue.items.all()}
    live = [a for a in articles if a.is_live(now)]
    live.sort(key=lambda a: (order.get(a.pk, 0), a.pk))
    return [rendering.facts_of(a) for a in live]


def _plain(html: str) -> str:
    """Readable text from story HTML: one paragraph a block, entities decoded."""
    text = re.sub(r"</(p|h[1-6]|li|blockquote|figure)>", "\n\n", str(html), flags=re.I)
    text = re.sub(r"<br\s*/?>", "\n", text, flags=re.I)
    text = html_lib.unescape(strip_tags(text))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]


class IssueRenderer:
    """Renders one issue for many recipients (one renderer per send)."""

    def __init__(self, issue: Issue, facts: list | None = None):
        self.issue = issue
        self.newsletter: NewsletterList = issue.newsletter
        self.facts = issue_facts(issue) if facts is None else facts
        self.publication = current_publication()
        self._copies: dict[tuple, Rendered] = {}
        self._by_holding: dict[tuple, Rendered] = {}

    def reads(self, recipient: Recipient) -> list:
        """The one read path's answer for each story, for this recipient (the meter untouched)."""
        return [read_for_recipient(recipient.user, facts, benefits=recipient.benefits) for facts in self.facts]

    def render(self, recipient: Recipient) -> Rendered:
        """This recipient's copy, with the link marks still in (see Rendered.for_links).

        A recipient read depends on the recipient only through whether they have an account
        and what they hold, so recipients alike in both share the answers (asked of the read
        path once per kind of recipient in a send, not once per recipient).
        """
        holding = (getattr(recipient.user, "is_authenticated", False), recipient.benefits)
        copy = self._by_holding.get(holding)
        if copy is None:
            reads = self.reads(recipient)
            key = tuple(r.granted for r in reads)
            copy = self._copies.get(key)
            if copy is None:
                copy = self._copies[key] = self._render(reads)
            self._by_holding[holding] = copy
        return copy

    def _stories(self, reads) -> list[dict]:
        full = self.newsletter.shows == NewsletterList.Shows.FULL_TEXT
        stories = []
        for result in reads:
            parts = result.parts
            if parts is None:  # deleted while the issue was being sent
                continue
            story = {
                "headline": parts.headline,
                "standfirst": parts.standfirst,
                "url": parts.absolute_url,
                "premium": result.decision.access is Access.PREMIUM,
                "granted": result.granted,
                "body_html": "",
                "body_text": "",
            }
            if result.granted and full:
                # Only a granted read carries the rest of the body (Read.rest_html).
                story["body_html"] = str(result.teaser_html) + str(result.rest_html)
                story["body_text"] = _plain(story["body_html"])
            stories.append(story)
        return stories

    def _render(self, reads) -> Rendered:
        context = {
            "issue": self.issue,
            "newsletter": self.newsletter,
            "publication": self.publication,
            "introduction": _paragraphs(self.issue.introduction),
            "stories": self._stories(reads),
            "unsubscribe_url": UNSUBSCRIBE_MARK,
            "preferences_url": PREFERENCES_MARK,
            "site_url": rendering.public_url(self.publication),
        }
        html = render_to_string("newsletters/email/issue.html", context)
        text = render_to_string("newsletters/email/issue.txt", context)
        inlined = css_inline.inline(html)
        return Rendered(self.issue.subject, re.sub(r"\n{3,}", "\n\n", text).strip() + "\n", inlined)
