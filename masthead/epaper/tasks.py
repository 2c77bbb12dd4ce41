"""Background work for the ePaper (Huey): processing an uploaded edition."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from masthead.epaper import actions


@db_task(name="epaper.process_edition")
def process_edition_task(edition_id: int) -> str:
    """Render and index an edition's pages (epaper.actions.process_edition)."""
    edition = actions.process_edition(edition_id)
    return f"{edition}: {edition.get_state_display()}"
