"""What the benchmark scripts share: their whole-number options, Django's set-up, percentiles and
their one-line report, a timing loop, row counts, and a user with a made-up scope (no database
row) for calling selectors directly.

A script puts the checkout on ``sys.path`` first (``sys.path.insert(0, str(ROOT))``), then
``from benchmarks._common import …``.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable, Iterable
from typing import Any


def int_options(**defaults: int) -> argparse.Namespace:
    """The command line's whole-number options: ``--ledger-rows`` for ``ledger_rows=2_000_000``."""
    parser = argparse.ArgumentParser()
    for name, default in defaults.items():
        parser.add_argument("--" + name.replace("_", "-"), type=int, default=default)
    return parser.parse_args()


def django_setup(*, postgres_only: bool = False, migrate: bool = False) -> None:
    """``django.setup()``; then refuse any database but PostgreSQL, and migrate, when asked."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if postgres_only and connection.vendor != "postgresql":
        raise SystemExit("PostgreSQL only: set DATABASE_URL")
    if migrate:
        call_command("migrate", verbosity=0)


def row_counts(cursor: Any, tables: Iterable[str]) -> dict[str, int]:
    """``count(*)`` of each table, by name."""
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
        counts[table] = int(cursor.fetchone()[0])
    return counts


def pct(values: list[float], p: float) -> float:
    """The ``p``-th percentile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def fmt(values: list[float], *, p99: bool = False) -> str:
    """``n=… p50=… ms p95=… ms [p99=… ms] max=… ms`` of timings in milliseconds."""
    tail = f"p99={pct(values, 99):.1f} ms " if p99 else ""
    return (
        f"n={len(values)} p50={pct(values, 50):.1f} ms p95={pct(values, 95):.1f} ms "
        f"{tail}max={max(values):.1f} ms"
    )


def timed(fn: Callable[[], object], runs: int, *, warm: bool = False) -> list[float]:
    """Milliseconds of ``runs`` calls of ``fn`` (after one untimed call when ``warm``)."""
    if warm:
        fn()
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def fake_user(
    role: str,
    area_code: str,
    organisation_id: int | None = None,
    *,
    pk: int | None = -1,
    username: str | None = None,
) -> Any:
    """An unsaved user whose scope is one grant of ``role`` in ``area_code`` (Django set up)."""
    from lianxin.accounts.models import User
    from lianxin.core.scoping import Grant, Scope

    user = User(pk=pk, username=username or f"bench-{role}-{area_code}-{organisation_id}")
    user._lianxin_scope = Scope(  # type: ignore[attr-defined]
        user_id=-1 if pk is None else pk,
        grants=(Grant(role, area_code, None, organisation_id),),
    )
    return user


def machine() -> str:
    """The machine a figure was measured on: cores, memory, architecture, Python, load."""
    mem_kb = 0
    with open("/proc/meminfo", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    load = os.getloadavg()
    return (
        f"{len(os.sched_getaffinity(0))} CPU cores, {mem_kb / 1024 / 1024:.1f} GiB RAM, "
        f"{platform.machine()}, Python {platform.python_version()}, "
        f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"
    )
