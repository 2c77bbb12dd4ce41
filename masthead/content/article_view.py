"""The article page: the hot path. Access is decided by masthead.access."""

from django.http import HttpResponse


def article(request, year, month, day, slug):
    return HttpResponse("Not built yet", status=501)


def preview(request, pk):
    return HttpResponse("Not built yet", status=501)
