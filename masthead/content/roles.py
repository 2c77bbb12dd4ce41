"""The newsroom's roles: Django groups (created by migration 0007_newsroom) and the checks
the actions and the admin make.

    reporter    writes and edits drafts; cannot publish
    editor      publishes, schedules, withdraws; adds corrections and updates
    desk chief  an editor who also runs sections and the editors' picks (home page order)
    commercial  ads, plans and offers
    analyst     reads the revenue desk (analytics.view_revenue_desk)

A superuser holds every permission. An action called with `by=None` is the system's own
work (the wire, the worker, the demo) and is not checked; a person is always passed as `by`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

REPORTER, EDITOR, DESK_CHIEF, COMMERCIAL, ANALYST = "Reporter", "Editor", "Desk chief", "Commercial", "Analyst"
ROLES = (REPORTER, EDITOR, DESK_CHIEF, COMMERCIAL, ANALYST)

PUBLISH = "content.publish_article"   # publish, schedule, withdraw, unpublish, restore a revision
CURATE = "content.curate_article"     # editors' picks, top stories and their home page order
CORRECT = "content.add_correction"    # corrections and updates on a story


def may(by, permission: str) -> bool:
    """Whether `by` (a user, or None for the system) holds `permission`."""
    if by is None:
        return True
    return bool(getattr(by, "is_active", False) and by.has_perm(permission))


def require(by, permission: str, what: str) -> None:
    """Refuse the action with a clear message when `by` lacks `permission`."""
    if not may(by, permission):
        raise PermissionDenied(f"{getattr(by, 'get_username', lambda: 'This user')()} may not {what}.")
