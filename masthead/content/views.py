"""The reader site's listing pages. (The article page is article_view.py.)"""

from django.http import HttpResponse
from django.shortcuts import render

from masthead.content.models import Article


def home(request):
    articles = Article.objects.live().for_listing()[:20]
    return render(request, "content/home.html", {"articles": articles})


def _todo(request, *args, **kwargs):
    return HttpResponse("Not built yet", status=501)


section = author = tag = archive_index = archive_year = archive_month = archive_day = _todo


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
