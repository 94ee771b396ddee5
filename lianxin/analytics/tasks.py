"""The dashboard's refresh, queued by a leader's 刷新 button (the scheduler runs the command)."""

from __future__ import annotations

from django_tasks import task


@task()
def refresh_task() -> int:
    from .aggregates import refresh

    return sum(len(v) for v in refresh().values.values())
