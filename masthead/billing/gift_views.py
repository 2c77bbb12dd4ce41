"""The subscriber's gift links to stories: make one, see them all, revoke one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from masthead.billing import article_gifts
from masthead.billing.models import ArticleGift
from masthead.content import rendering
from masthead.content.models import Article
from masthead.core import clock


@login_required
@require_http_methods(["GET", "POST"])
def gifted_articles(request):
    """GET lists the reader's gift links; POST (article=<id>) makes one for a story."""
    now = clock.now()
    if request.method == "POST":
        facts = rendering.facts_for_slug(request.POST.get("article", "")[:300])
        if facts is None or not facts.is_live(now):
            raise Http404("No such article")
        headline = Article.objects.filter(pk=facts.pk).values_list("headline", flat=True).first() or ""
        try:
            gift = article_gifts.gift_article(request.user, facts, headline=headline, now=now)
        except article_gifts.GiftRefused as exc:
            messages.error(request, str(exc))
            return redirect("billing:article_gifts")
        link = request.build_absolute_uri(article_gifts.link_for(gift))
        messages.success(request, f"Your gift link is ready. Anyone with it can read the story for "
                                  f"{article_gifts.DAYS} days: {link}")
        return redirect("billing:article_gifts")
    gifts = [(gift, article_gifts.status(gift, now), request.build_absolute_uri(article_gifts.link_for(gift)))
             for gift in ArticleGift.objects.filter(sender=request.user)]
    return render(request, "billing/article_gifts.html", {
        "gifts": gifts,
        "left": article_gifts.left_this_month(request.user, now),
        "may_gift": article_gifts.may_gift(request.user, now),
        "days": article_gifts.DAYS,
    })


@login_required
@require_POST
def revoke_article_gift(request, pk: int):
    gift = get_object_or_404(ArticleGift, pk=pk, sender=request.user)
    article_gifts.revoke(gift, request.user)
    messages.success(request, "That gift link no longer opens the story.")
    return redirect("billing:article_gifts")
