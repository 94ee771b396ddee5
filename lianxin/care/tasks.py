"""Background work of the care app: ids in, one service call."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def refresh_case_priority(case_id: int) -> None:
    """Recompute a case's complexity score and copy colour, score and batch to its measures."""
    services.case_refresh_priority(case_id=case_id)
