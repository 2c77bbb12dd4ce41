"""Background work for newsletters (Huey): each task calls an action."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task(name="newsletters.send_issue")
def send_issue_task(issue_id: int) -> str:
    from masthead.newsletters import sending
    from masthead.newsletters.models import Issue

    issue = Issue.objects.select_related("newsletter").filter(pk=issue_id).first()
    return sending.send_issue(issue).as_line() if issue is not None else f"issue {issue_id} is gone"
