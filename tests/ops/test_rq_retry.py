"""Background jobs on the Redis queue (RQ) are retried a bounded number of times (issue #15,
faults survived): every job carries RQ's Retry, and a worker killed in the middle of a
household import leaves a job that the next `lianxin worker` retries at once, to the same
all-or-nothing result as an uninterrupted import.

Needs Redis at 127.0.0.1:6379 (CI has it); skipped only when it is not reachable. Each test
takes a Redis database number of its own (a lock key in DB 0 .. 15) and empties only that one."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ops.test_worker_faults import HOUSEHOLDS, SEED, _database, _env, _lianxin

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
REDIS = os.environ.get("LIANXIN_TEST_REDIS", "redis://127.0.0.1:6379")

STATE = """
from lianxin.registry.models import Household, ImportJob, Person
job = ImportJob.objects.get()
print("STATE", job.status, Household.objects.count(), Person.objects.count())
"""


@contextlib.contextmanager
def redis_db() -> Iterator[tuple[str, object]]:
    """A Redis database of this test's own: (URL, client), emptied before and after."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(f"{REDIS}/0", socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis is not reachable at {REDIS}")
    lock = redis.Redis.from_url(f"{REDIS}/0")
    token = f"{os.getpid()}:{time.time()}"
    for number in range(15, 0, -1):
        key = f"lianxin:test-redis-db:{number}"
        if lock.set(key, token, nx=True, ex=900):
            break
    else:
        pytest.skip("no free Redis database for the test")
    client = redis.Redis.from_url(f"{REDIS}/{number}")
    client.flushdb()
    try:
        yield f"{REDIS}/{number}", client
    finally:
        client.flushdb()
        if lock.get(key) == token.encode():
            lock.delete(key)


def _state(env: dict[str, str]) -> list[str]:
    out = _lianxin(env, "shell", "-c", STATE)
    return next(x for x in out.splitlines() if x.startswith("STATE")).split()[1:]


def _kill_session(leader: int) -> None:
    """SIGKILL every process of the session ``leader`` started."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if os.getsid(int(entry.name)) == leader:
                os.kill(int(entry.name), signal.SIGKILL)


def _job(client) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The import's job as RQ keeps it (a hash of text fields)."""
    found = []
    for key in client.scan_iter("rq:job:*"):
        if key.count(b":") != 2:
            continue
        fields = client.hgetall(key)
        if b"run_import_job" in fields.get(b"description", b""):
            found.append({k.decode(): v.decode(errors="replace") for k, v in fields.items()})
    assert len(found) == 1, found
    return found[0]


def test_jobs_carry_a_bounded_retry():
    from django_tasks_rq.backend import Job

    from lianxin.core.rqretry import TASK_RETRIES, RetryingQueue

    with redis_db() as (url, client):
        queue = RetryingQueue("lianxin-test", connection=client, job_class=Job)
        job = queue.create_job("lianxin.registry.tasks.run_import_job", args=(1,))
        assert (job.retries_left, job.retry_intervals) == (TASK_RETRIES, [0, 30, 120])
        from rq import Retry

        once = queue.create_job("x.y", retry=Retry(max=1))
        assert once.retries_left == 1


def test_worker_killed_mid_import_is_retried_to_the_same_result(tmp_path, request):
    (tmp_path / "var").mkdir()
    url, _status = _database(tmp_path, request)
    with redis_db() as (redis_url, client):
        env = _env(tmp_path, url, REDIS_URL=redis_url)
        _lianxin(env, "migrate", "--noinput", "-v", "0")
        _lianxin(env, "createcachetable")
        _lianxin(env, "shell", "-c", SEED.format(n=HOUSEHOLDS, tmp=tmp_path))
        assert _job(client)["status"] == "queued"
        assert _job(client)["retries_left"] == "3"

        worker = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "lianxin", "worker"], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while _job(client)["status"] != "started" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _job(client)["status"] == "started", "the worker never took the import"
        time.sleep(0.1)  # inside the import's transaction on a loaded machine
        # the whole worker dies with its work-horse (which RQ puts in a process group of its
        # own, in the same session), as in a power cut
        _kill_session(worker.pid)
        worker.wait(timeout=30)

        status, households, persons = _state(env)
        assert _job(client)["status"] == "started"  # left behind by the dead worker
        assert status == "importing"
        assert (households, persons) in (("0", "0"), (str(HOUSEHOLDS), str(2 * HOUSEHOLDS)))

        out = _lianxin(env, "worker", "--batch")
        assert "已恢复 1 个中断的后台任务" in out
        job = _job(client)
        assert (job["status"], job["retries_left"]) == ("finished", "2")
        assert _state(env) == ["done", str(HOUSEHOLDS), str(2 * HOUSEHOLDS)]
        assert client.zcard(f"rq:failed:{'default'}") == 0

        # A second start finds nothing to recover and writes nothing more.
        out = _lianxin(env, "worker", "--batch")
        assert "已恢复" not in out
        assert _state(env) == ["done", str(HOUSEHOLDS), str(2 * HOUSEHOLDS)]
