"""CONC-01/02 on PostgreSQL with 20 threads released together by a barrier:

- 20 units' staff accept one work order: exactly one succeeds, one accept event;
- the same intake sent 20 times with one idempotency key (service and HTTP API): one order;
- the core claim pattern (a conditional UPDATE … WHERE state = expected) has one winner;
- 20 concurrent audit writers keep the chain intact (they take no lock; one chainer links
  their committed rows, tests/security/test_audit_links.py).

SQLite serialises writers by design (one writer at a time), so these run on PostgreSQL only."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from lianxin.core import audit
from lianxin.core.roles import Role
from lianxin.core.tests.concurrency import race
from tests.security.seed import hotline_ready, record_figure

THREADS = 20
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgres" not in __import__("os").environ.get("DATABASE_URL", ""),
        reason="real concurrency needs PostgreSQL",
    ),
]


def _race(work: Callable[[int], Any], n: int = THREADS) -> list[Any]:
    return race(work, n, ok=lambda value: ("ok", value), refused=lambda exc: ("refused", exc.code))


def _hotline(world: Any) -> tuple[Any, Any, Any]:
    """The hotline's services, its work orders and an agent of site A (skips without it)."""
    if not hotline_ready():
        pytest.skip("hotline not installed")
    services = importlib.import_module("lianxin.hotline.services")
    work_orders = importlib.import_module("lianxin.hotline.models").WorkOrder.objects
    return services, work_orders, world.user(Role.HOTLINE_AGENT, "a")


def test_twenty_accepts_of_one_work_order_one_winner(world):
    services, work_orders, agent = _hotline(world)
    order, _ = services.workorder_intake(
        actor=agent,
        text="兴庆区胜利街路灯坏了，晚上很黑",
        caller_phone="13995112234",
        area_code=world.a.village.code,
        dept_type="municipal_engineering",
    )
    services.workorder_dispatch(
        actor=agent, order=order, lead_unit=world.a.orgs["municipal_engineering"]
    )
    users = [world.user(Role.UNIT_STAFF, "a") for _ in range(THREADS)]
    results = _race(
        lambda i: services.workorder_accept(actor=users[i], order=work_orders.get(pk=order.pk))
    )
    winners = [r for r in results if r and r[0] == "ok"]
    assert len(winners) == 1, results
    assert all(r is not None for r in results)
    assert order.events.filter(action="accept").count() == 1
    record_figure("conc_accept_threads", THREADS)


def test_twenty_identical_intakes_are_one_order(world):
    services, work_orders, agent = _hotline(world)
    results = _race(
        lambda i: (
            services.workorder_intake(
                actor=agent,
                text="兴庆区胜利街路灯坏了，晚上很黑",
                caller_phone="13995112235",
                area_code=world.a.village.code,
                dept_type="municipal_engineering",
                idempotency_key="security-conc-02",
            )[0].pk
        )
    )
    assert {r[1] for r in results} == {work_orders.get().pk}
    assert work_orders.count() == 1


def test_core_claim_pattern_one_winner(world):
    """The pattern every claim uses where no row lock is taken: UPDATE … WHERE state = expected,
    and only the caller whose UPDATE touched the row won."""
    from lianxin.accounts.models import Assignment

    target = world.user(Role.VOLUNTEER, "a").assignments.get()

    def claim(_: int) -> int:
        return Assignment.objects.filter(pk=target.pk, is_active=True).update(is_active=False)

    results = _race(claim)
    assert sorted(r[1] for r in results) == [0] * (THREADS - 1) + [1]


def test_concurrent_audit_writers_keep_the_chain(world):
    users = [world.user(Role.COMMUNITY_STAFF, "a") for _ in range(THREADS)]
    results = _race(lambda i: audit.record(actor=users[i], action="core.test.concurrent").pk)
    assert all(r[0] == "ok" for r in results)
    checked, broken = audit.verify_chain()
    assert broken == []
    assert checked >= THREADS
    assert connection.vendor == "postgresql"
