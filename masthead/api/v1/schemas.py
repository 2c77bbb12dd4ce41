"""The shapes /api/v1/ answers with (the OpenAPI schema is generated from these).

v1 is frozen once released: fields may be added, never renamed, retyped or removed.
No shape here has a field for an article's body except `ArticleDetail.body`, which the
read path fills only when the reader may read it.
"""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class SectionRef(Schema):
    slug: str
    name: str


class Byline(Schema):
    name: str
    url: str


class ArticleSummary(Schema):
    """A story as a list shows it: never its body."""

    id: int
    headline: str
    standfirst: str
    url: str
    section: SectionRef
    access: str  # "free", "metered" or "premium" under the current rules
    byline: str
    authors: list[Byline]
    is_wire: bool
    image_url: str
    image_alt: str
    published_at: dt.datetime
    updated_at: dt.datetime | None


class ArticlePage(Schema):
    """One page of a list: `next_cursor` fetches the next (null on the last page)."""

    results: list[ArticleSummary]
    next_cursor: str | None


class Section(Schema):
    slug: str
    name: str
    description: str
    is_premium: bool
    in_navigation: bool
    url: str


class Publication(Schema):
    name: str
    tagline: str
    url: str
    time_zone: str
    currency: str
    locale: str
    free_limit: int
    meter_period: str
    sections: list[Section]
    subscribe_url: str
    login_url: str
    signup_url: str


class SectionBlock(Schema):
    section: SectionRef
    articles: list[ArticleSummary]


class Home(Schema):
    top_stories: list[ArticleSummary]
    editors_picks: list[ArticleSummary]
    latest: list[ArticleSummary]
    sections: list[SectionBlock]


class Tag(Schema):
    slug: str
    name: str
    url: str


class Author(Schema):
    slug: str
    name: str
    role: str
    bio: str
    url: str


class Period(Schema):
    """A year, month or day of the archive (its first day) and how many stories it holds."""

    start: dt.date
    count: int


class Meter(Schema):
    used: int
    remaining: int
    limit: int
    notice: str


class Offer(Schema):
    """A plan on sale, as the paywall and /subscribe show it."""

    code: str
    name: str
    price: int          # paise (minor units), tax included
    currency: str
    price_text: str     # "₹2,700"
    term: str           # "1 year"
    term_months: int
    per_month_text: str  # "₹225/Month"
    benefits: list[str]
    grants: list[str]   # benefit codes
    highlight: str
    renewal: str
    subscribe_url: str  # where the app sends the reader on the web to buy it


class Paywall(Schema):
    reason: str
    title: str
    text: str
    limit: int
    used: int | None
    remaining: int | None
    needs: str | None
    subscribe_url: str
    login_url: str
    signup_url: str | None
    offers: list[Offer]


class ArticleDetail(ArticleSummary):
    tags: list[SectionRef]
    disclaimer: str
    granted: bool
    reason: str
    meter: Meter | None
    teaser: str
    body: str | None    # the whole body, only when granted
    paywall: Paywall | None


class SearchResults(Schema):
    query: str
    results: list[ArticleSummary]


class PaywallCopy(Schema):
    """What each kind of paywall says, with the live limit, for apps that draw their own."""

    reason: str
    title: str
    text: str


class PaywallInfo(Schema):
    free_limit: int
    period: str
    period_phrase: str
    teaser_paragraphs: int
    archive_days: int
    copy_by_reason: list[PaywallCopy]
    login_prompt: str
    subscribe_url: str
    login_url: str
    offers: list[Offer]


# --- the reader ------------------------------------------------------------------------------

class Benefit(Schema):
    code: str
    label: str


class Subscription(Schema):
    reference: str
    plan_code: str
    plan_name: str
    state: str
    state_label: str
    renews: bool
    renews_at: dt.datetime | None     # the next renewal, when it renews
    access_until: dt.datetime | None
    manage_url: str


class Device(Schema):
    id: int
    name: str
    kind: str
    location: str
    first_seen: dt.datetime
    last_seen: dt.datetime
    current: bool


class Me(Schema):
    id: int
    email: str
    benefits: list[Benefit]
    subscription: Subscription | None
    meter: Meter | None      # null when the reader's benefits open every metered story
    devices: list[Device]
    device_limit: int
    subscribe_url: str
    account_url: str


class DeviceList(Schema):
    results: list[Device]
    device_limit: int


class SavedStory(Schema):
    saved_at: dt.datetime
    article: ArticleSummary


class SavedPage(Schema):
    results: list[SavedStory]
    next_cursor: str | None


class HistoryEntry(Schema):
    read_at: dt.datetime
    article: ArticleSummary


class HistoryPage(Schema):
    results: list[HistoryEntry]
    next_cursor: str | None


class Token(Schema):
    """A new app token: shown once; send it as `Authorization: Bearer <token>`."""

    token: str


class Done(Schema):
    detail: str


# --- newsletters and the ePaper --------------------------------------------------------------

class NewsletterPreference(Schema):
    """A newsletter list, and whether this reader receives it and may join it."""

    slug: str
    name: str
    description: str
    cadence: str            # "daily", "weekly" or "issues" (when the editors send one)
    for_subscribers: bool   # joining needs the newsletters benefit
    joined: bool
    may_join: bool
    wording: str            # what the reader agrees to by joining (kept with the consent)


class NewsletterPreferences(Schema):
    results: list[NewsletterPreference]
    subscribe_url: str      # the plans with the newsletters benefit, on the web


class NewsletterChoice(Schema):
    """`joined: true` joins the list (one click: the account's address is verified);
    `false` leaves it. Either is recorded as consent given or withdrawn, source "app"."""

    joined: bool


class Edition(Schema):
    """An edition of the printed paper, as the list shows it."""

    id: int
    date: dt.date
    name: str
    slug: str
    pages: int              # how many pages it has
    url: str                # the edition in the web viewer


class EditionPage(Schema):
    results: list[Edition]
    next_cursor: str | None


class PrintedPage(Schema):
    """One page's images: signed addresses that open for this reader only, for minutes
    (send the same `Authorization` header; reopen the edition for fresh ones)."""

    number: int
    width: float            # in PDF points, for the aspect ratio
    height: float
    thumbnail_url: str
    screen_url: str
    zoom_url: str


class EditionDetail(Edition):
    granted: bool           # whether the reader holds the ePaper
    images_expire_in: int   # seconds the page addresses stay valid
    page_images: list[PrintedPage] | None   # only when granted
    paywall: Paywall | None                 # only when refused
