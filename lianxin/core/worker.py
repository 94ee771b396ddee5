"""The task worker and its recovery after a crash (issue #15, faults survived).

django-tasks' database worker marks a task RUNNING when it claims it; a worker killed in the
middle (OOM, SIGKILL, a power cut) leaves the task RUNNING for ever. ``lianxin worker`` names
itself ``<host>:<pid>`` and, before it takes work, makes READY again the tasks that a worker of
the same host claimed and that are still RUNNING while that process is gone. Tasks are written to
be idempotent (an import writes in one transaction; a comparison run adds nothing the second
time), so running the interrupted task again gives the same result."""

from __future__ import annotations

import os
import socket

from django.conf import settings

HOST = socket.gethostname()[:48]


def worker_id(pid: int | None = None) -> str:
    return f"{HOST}:{pid or os.getpid()}"


def uses_database_queue() -> bool:
    return "django_tasks_db" in settings.INSTALLED_APPS and "RQ" not in str(
        settings.TASKS["default"]["BACKEND"]
    )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def requeue_orphans() -> int:
    """Make READY the RUNNING tasks whose worker on this host no longer runs; the count."""
    if not uses_database_queue():
        return 0
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    requeued = 0
    for pk, workers in DBTaskResult.objects.running().values_list("pk", "worker_ids"):
        host, _, pid = (workers or [""])[-1].rpartition(":")
        if host != HOST or not pid.isdigit() or (int(pid) != os.getpid() and _alive(int(pid))):
            continue
        requeued += DBTaskResult.objects.filter(pk=pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.READY, started_at=None
        )
    return requeued
