"""Background work of the registry: checking and writing uploaded household files."""

from __future__ import annotations

from django_tasks import task


@task()
def check_import_job(job_id: int) -> None:
    from .household_import.jobs import import_job_check

    import_job_check(job_id=job_id)


@task()
def run_import_job(job_id: int) -> None:
    from .household_import.jobs import import_job_run

    import_job_run(job_id=job_id)
