"""What the benchmark scripts share: percentiles and their one-line report, a timing loop, and a
user with a made-up scope (no database row) for calling selectors directly.

A script puts the checkout on ``sys.path`` first (``sys.path.insert(0, str(ROOT))``), then
``from benchmarks._common import …``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


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
