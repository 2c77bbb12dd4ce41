"""A reader's personal data held by the ePaper: export and erasure (DPDP Act / GDPR).

What it keeps about a reader: the pages they saved and the clips they shared. Erasure
removes both; a shared clip's link stops opening and its image is deleted.
"""

from __future__ import annotations

from masthead.epaper import files
from masthead.epaper.models import Clip, SavedPage


def export(user) -> dict:
    """The reader's saved pages and shared clips, as they appear on the account."""
    saved = SavedPage.objects.filter(user=user).select_related("page__edition")
    clips = Clip.objects.filter(user=user).select_related("page__edition")
    return {
        "saved_pages": [{"edition": str(s.page.edition), "page": s.page.number, "saved_at": s.saved_at.isoformat()}
                        for s in saved],
        "shared_clips": [{"edition": str(c.page.edition), "page": c.page.number, "created_at": c.created_at.isoformat(),
                          "expires_at": c.expires_at.isoformat(),
                          "revoked_at": c.revoked_at.isoformat() if c.revoked_at else None} for c in clips],
    }


def erase(user) -> None:
    """Forget the reader's saved pages and clips (their links stop opening at once)."""
    SavedPage.objects.filter(user=user).delete()
    clips = list(Clip.objects.filter(user=user).values_list("image", flat=True))
    Clip.objects.filter(user=user).delete()
    files.delete(*clips)
