from __future__ import annotations

from django_tasks import task


@task()
def execute_run(run_id: int) -> None:
    """Run one queued comparison (ids in, one service call)."""
    from .services import run_execute

    run_execute(run_id=run_id)


@task()
def send_reminder(reminder_id: int) -> None:
    """Send one reminder message through the configured sender."""
    from .services import reminder_send

    reminder_send(reminder_id=reminder_id)
