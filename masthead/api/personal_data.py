"""A reader's saved stories and reading history: export and erasure (data rights)."""

from __future__ import annotations

from masthead.api.models import ReadingHistory, SavedStory


def export(user) -> dict:
    """Every saved story and history entry, by article id and time."""
    return {
        "saved_stories": [
            {"article_id": s.article_id, "saved_at": s.saved_at.isoformat()}
            for s in SavedStory.objects.filter(user=user).order_by("saved_at", "id")
        ],
        "reading_history": [
            {"article_id": h.article_id, "read_at": h.read_at.isoformat()}
            for h in ReadingHistory.objects.filter(user=user).order_by("read_at", "id")
        ],
    }


def erase(user) -> None:
    SavedStory.objects.filter(user=user).delete()
    ReadingHistory.objects.filter(user=user).delete()
