"""What the apps keep for a signed-in reader: saved stories and reading history.

Both point at the article and the reader; deleting either deletes the rows (a story
withdrawn from readers simply drops out of the lists, which show live stories only).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SavedStory(models.Model):
    """A story the reader saved to read later (one row per reader and story)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_stories")
    article = models.ForeignKey("content.Article", on_delete=models.CASCADE, related_name="+")
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "article"], name="api_saved_once")]
        indexes = [models.Index(fields=["user", "-saved_at", "-id"], name="api_saved_newest")]
        verbose_name_plural = "saved stories"


class ReadingHistory(models.Model):
    """The last time a signed-in reader opened a story in full through the apps' API."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_history")
    article = models.ForeignKey("content.Article", on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "article"], name="api_read_once")]
        indexes = [models.Index(fields=["user", "-read_at", "-id"], name="api_history_newest")]
        verbose_name_plural = "reading history"
