"""The task worker killed in the middle of a household import (issue #15, faults survived): the
import's transaction leaves nothing behind, the next `lianxin worker` puts the task back and
runs it to the same result as an uninterrupted import, once.

Runs the real commands in subprocesses on a database of its own: a SQLite file, or a fresh
PostgreSQL database when the suite runs on PostgreSQL."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
HOUSEHOLDS = int(os.environ.get("FAULT_HOUSEHOLDS", 800))

SEED = """
import datetime as dt
from pathlib import Path
from lianxin.accounts.models import Assignment, User
from lianxin.areas.models import Division, Grid
from lianxin.core.roles import Role
from lianxin.registry.household_import import jobs as imports
from lianxin.registry.tests import factories as f

village = Division.objects.get(code="640104001007")
Grid.objects.get_or_create(division=village, name="第一网格")
user = User.objects.create_user(username="community", password="x")
Assignment.objects.create(user=user, role=Role.COMMUNITY_STAFF, area=village)
rows = []
for h in range({n}):
    for name, sex, rel in ((f"户主{{h}}", "M", "户主"), (f"配偶{{h}}", "F", "配偶")):
        rows.append(f.row(household_no=f"H-{{h}}", division_code=village.code, grid="第一网格",
                          address=f"{{h}}号楼", name=name, id_number=f.make_id(sex=sex, birth=dt.date(1940, 1, 1) + dt.timedelta(days=h)),
                          relationship=rel))
path = f.write_xlsx(Path("{tmp}") / "households.xlsx", rows)
job = imports.import_job_create(actor=user, file_name="安秀社区住户.xlsx",
                                chunks=[path.read_bytes()], size=path.stat().st_size)
job = imports.import_job_check(job_id=job.pk)
assert job.status == "checked" and not job.report.get("error_count"), (job.status, job.message, str(job.report)[:1500])
imports.import_job_confirm(actor=user, job=job)
"""

STATE = """
from django_tasks_db.models import DBTaskResult
from lianxin.registry.models import Household, ImportJob, Person
job = ImportJob.objects.get()
task = DBTaskResult.objects.get(task_path__endswith="run_import_job")
print("STATE", job.status, Household.objects.count(), Person.objects.count(), task.status, len(task.worker_ids))
"""


def _database(tmp_path: Path, request) -> tuple[str, object]:
    """A URL for a database of this test's own, and a callable that reads a task's status."""
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" in engine:
        import psycopg

        name = f"lianxin_faults_{uuid.uuid4().hex[:8]}"
        admin = "postgres://postgres@127.0.0.1:5432/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')

        def drop() -> None:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        request.addfinalizer(drop)
        url = f"postgres://postgres@127.0.0.1:5432/{name}"

        def status() -> str | None:
            with psycopg.connect(url) as conn:
                row = conn.execute(
                    "SELECT status FROM django_tasks_database_dbtaskresult "
                    "WHERE task_path LIKE '%%run_import_job'"
                ).fetchone()
            return row[0] if row else None

        return url, status
    path = tmp_path / "db.sqlite3"

    def status_sqlite() -> str | None:
        with sqlite3.connect(path, timeout=30) as conn:
            row = conn.execute(
                "SELECT status FROM django_tasks_database_dbtaskresult "
                "WHERE task_path LIKE '%run_import_job'"
            ).fetchone()
        return row[0] if row else None

    return f"sqlite:///{path}", status_sqlite


def _env(tmp_path: Path, url: str, **more: str) -> dict[str, str]:
    """The environment of the subprocesses: this test's database (and ``more``)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DATABASE_URL=url,
        LIANXIN_VAR_DIR=str(tmp_path / "var"),
        PYTHONUNBUFFERED="1",
        **more,
    )
    return env


def _state(env: dict[str, str]) -> list[str]:
    line = next(
        x for x in _lianxin(env, "shell", "-c", STATE).splitlines() if x.startswith("STATE")
    )
    return line.split()[1:]


def _lianxin(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "lianxin", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_worker_killed_mid_import_is_recovered_to_the_same_result(tmp_path, request):
    (tmp_path / "var").mkdir()
    url, task_status = _database(tmp_path, request)
    env = _env(tmp_path, url)
    _lianxin(env, "migrate", "--noinput", "-v", "0")
    _lianxin(env, "createcachetable")
    _lianxin(env, "shell", "-c", SEED.format(n=HOUSEHOLDS, tmp=tmp_path))
    assert task_status() == "READY"

    worker = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "lianxin", "worker"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while task_status() != "RUNNING" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert task_status() == "RUNNING", "the worker never took the import"
    time.sleep(0.1)  # inside the import's transaction on a loaded machine
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)

    status, households, persons, task, attempts = _state(env)
    # Killed in the middle: the job still importing, the task orphaned, and the file written
    # all or nothing (killed inside the import's transaction, or between its commit and the
    # job's own update on a fast machine) — never a part of it.
    assert (status, task) == ("importing", "RUNNING")
    assert (households, persons) in (("0", "0"), (str(HOUSEHOLDS), str(2 * HOUSEHOLDS)))

    out = _lianxin(env, "worker", "--batch")
    assert "已恢复 1 个中断的后台任务" in out
    status, households, persons, task, attempts = _state(env)
    assert (status, households, persons, task) == (
        "done", str(HOUSEHOLDS), str(2 * HOUSEHOLDS), "SUCCESSFUL",
    )  # fmt: skip
    assert attempts == "2"

    # A second recovery finds nothing to do and writes nothing more.
    out = _lianxin(env, "worker", "--batch")
    assert "已恢复" not in out
    assert _state(env)[:3] == ["done", str(HOUSEHOLDS), str(2 * HOUSEHOLDS)]
