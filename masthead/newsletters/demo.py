"""The demo's newsletters: several lists and an issue ready for the demo editor to send."""

from __future__ import annotations

from masthead.content.models import Article, Section
from masthead.newsletters.models import Issue, IssueArticle, NewsletterList

LISTS = [
    # slug, name, topic, audience, kind, cadence, shows, sections, editors' picks, description
    ("morning-brief", "The Morning Brief", "News", "free", "digest", "daily", "summaries", ["news"], True,
     "The day's essential stories, chosen by our editors, every morning at 7."),
    ("markets-weekly", "Markets Weekly", "Markets", "subscribers", "digest", "weekly", "full",
     ["markets", "markets-analysis"], False,
     "Market analysis and investment ideas from our markets desk, every Monday. For subscribers."),
    ("policy-letter", "The Policy Letter", "Politics and economy", "free", "curated", "issues", "summaries",
     [], False, "Our editors on politics, policy and public money, when there is something to say."),
    ("tech-letter", "The Tech Letter", "Technology", "free", "curated", "weekly", "summaries", [], False,
     "Gadgets, software and the business of tech, picked by our technology desk."),
]

DEMO_ISSUE = "This week in technology and markets"


def seed_newsletters(progress=print) -> None:
    sections = {s.slug: s for s in Section.objects.all()}
    for order, (slug, name, topic, audience, kind, cadence, shows, section_slugs, picks, description) in enumerate(LISTS):
        newsletter, _ = NewsletterList.objects.update_or_create(slug=slug, defaults=dict(
            name=name, topic=topic, audience=audience, kind=kind, cadence=cadence, shows=shows,
            digest_editors_picks=picks, description=description, order=order, is_active=True,
            send_hour=8 if cadence == "weekly" else 7,
        ))
        newsletter.digest_sections.set([sections[s] for s in section_slugs if s in sections])
    tech = NewsletterList.objects.get(slug="tech-letter")
    issue, created = Issue.objects.get_or_create(newsletter=tech, subject=DEMO_ISSUE, defaults={
        "introduction": "Good morning. Three stories from our technology desk this week, and one of our "
                        "markets analysts' calls (subscribers read it in full).",
    })
    if created:
        live = Article.objects.live().select_related("section")
        stories = list(live.filter(section__slug="technology")[:3])
        premium = live.filter(access=Article.Access.PREMIUM).first() or live.filter(section__is_premium=True).first()
        if premium is not None:
            stories.append(premium)
        IssueArticle.objects.bulk_create(
            [IssueArticle(issue=issue, article=a, position=n) for n, a in enumerate(stories)])
    progress(f"Newsletters: {len(LISTS)} lists; issue {issue.pk} ready to send (admin > Newsletters > Issues)")
