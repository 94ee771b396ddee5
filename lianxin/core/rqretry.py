"""Retries of background tasks on the Redis queue (RQ, django-tasks-rq; issue #15, faults
survived).

RQ fails a job for good when its worker dies in the middle: the job is left in the queue's
"started" registry, and RQ's clean-up, once the entry has expired, moves it to the failed
registry unless the job has retries left. So:

- every job is created with ``Retry(max=TASK_RETRIES)`` (``RetryingQueue``, configured as the
  queues' ``QUEUE_CLASS``): an exception, a killed work-horse or an abandoned job is run again
  up to that many times, then fails (and shows on the system administrator's page);
- ``lianxin worker`` names the RQ worker ``<host>:<pid>`` and, before it takes work, hands
  RQ's own abandoned-job clean-up the started jobs whose worker on this host no longer runs
  (``recover_abandoned``), so they are retried at once instead of after the entry's expiry
  and RQ's next maintenance (minutes).

Tasks are idempotent (an import writes in one transaction; a comparison run adds nothing the
second time), so a retried job gives the same result; the failure counts against the bound.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_rq.queues import DjangoRQ
from rq import Retry

from .worker import HOST, _alive

TASK_RETRIES = 3
RETRY_INTERVALS = [0, 30, 120]  # seconds before the 1st, 2nd, 3rd retry


def retries() -> int:
    return int(getattr(settings, "TASK_RETRIES", TASK_RETRIES))


class RetryingQueue(DjangoRQ):
    """A queue whose jobs are retried a bounded number of times unless told otherwise."""

    def create_job(self, *args: Any, retry: Retry | None = None, **kwargs: Any) -> Any:
        if retry is None and retries() > 0:
            retry = Retry(max=retries(), interval=RETRY_INTERVALS[: retries()])
        return super().create_job(*args, retry=retry, **kwargs)  # type: ignore[misc]  # rq's stub: retry is keyword-only


def _dead_here(worker_name: str | None) -> bool:
    host, _, pid = (worker_name or "").rpartition(":")
    return host == HOST and pid.isdigit() and not _alive(int(pid))


def recover_abandoned(queue_names: list[str] | None = None) -> int:
    """Give RQ's clean-up the started jobs of these queues whose worker (named ``<host>:<pid>``)
    was on this host and is gone: each is retried if it has retries left, else failed. The
    count of jobs handed over."""
    import django_rq
    from django_tasks_rq.backend import Job
    from rq.exceptions import NoSuchJobError
    from rq.registry import StartedJobRegistry

    handed = 0
    for name in queue_names or list(settings.RQ_QUEUES):
        queue = django_rq.get_queue(name, job_class=Job)
        registry = StartedJobRegistry(queue=queue)
        connection = queue.connection
        members: list[bytes] = list(connection.zrange(registry.key, 0, -1))  # type: ignore[arg-type]
        abandoned: list[bytes] = []
        for member in members:
            job_id = registry.parse_job_id(member.decode())
            try:
                job = Job.fetch(job_id, connection=connection, serializer=queue.serializer)
            except NoSuchJobError:
                continue
            if _dead_here(job.worker_name):
                abandoned.append(member)
        if not abandoned:
            continue
        # expire the entries now; RQ's clean-up then retries (or fails) exactly these
        connection.zadd(registry.key, dict.fromkeys(abandoned, 0), xx=True)
        registry.cleanup(timestamp=1)
        handed += len(abandoned)
    return handed
