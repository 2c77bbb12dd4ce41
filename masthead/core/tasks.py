"""Background work: Huey, with failures recorded where staff can see them."""

from __future__ import annotations

import traceback

from huey.signals import SIGNAL_ERROR

from masthead.core import metrics


def record_failure(signal, task, exc=None) -> None:
    from masthead.core.models import TaskFailure

    TaskFailure.objects.create(
        task_id=task.id,
        task_name=task.name,
        arguments=repr((task.args, task.kwargs))[:4000],
        error=repr(exc)[:2000],
        traceback="".join(traceback.format_exception(exc))[:20000] if exc else "",
        retries_left=task.retries or 0,
    )
    metrics.task_failed(task.name)


_registered = False


def register_failure_recorder() -> None:
    global _registered
    if _registered:
        return
    from huey.contrib.djhuey import HUEY

    HUEY.signal(SIGNAL_ERROR)(record_failure)
    _registered = True
