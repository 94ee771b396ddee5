"""Deadlines over Chinese public holidays, and one winner among simultaneous accepts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from lianxin.core.roles import Role
from lianxin.core.tests.concurrency import at_once, race
from lianxin.core.workdays import SHANGHAI
from lianxin.hotline import services, timelimits
from lianxin.hotline.models import Status, WorkOrder
from lianxin.hotline.tests import factories as hotline_f


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def test_general_reply_limit_skips_national_day_holiday():
    # Received Monday 2025-09-29; 1–8 October 2025 are holidays, Saturday 11 October is a
    # make-up working day. 7 working days: 30 Sep, 9, 10, 11 (make-up), 13, 14, 15 Oct.
    limits = timelimits.limits_for(urgency="general")
    assert timelimits.deadline(at(2025, 9, 29, 10), limits["reply"]) == at(2025, 10, 15, 10)
    # dispatch within one working day: from 30 Sep the next working day is 9 Oct
    assert timelimits.deadline(at(2025, 9, 30, 16), limits["dispatch"]) == at(2025, 10, 9, 16)


def test_urgent_limits_are_hours_even_on_holidays():
    emergency = timelimits.limits_for(urgency="emergency")
    assert timelimits.deadline(at(2025, 10, 1, 22), emergency["dispatch"]) == at(2025, 10, 1, 23)
    assert timelimits.deadline(at(2025, 10, 1, 22), emergency["reply"]) == at(2025, 10, 2, 0)
    outage = timelimits.limits_for(urgency="utility_outage")
    assert timelimits.deadline(at(2025, 10, 1, 22), outage["reply"]) == at(2025, 10, 2, 22)


def test_complex_and_cppcc_limits():
    assert timelimits.limits_for(urgency="complex")["reply"] == ("working_days", 15)
    assert timelimits.limits_for(urgency="general", channel="cppcc")["reply"] == (
        "working_days",
        20,
    )
    assert timelimits.describe(("hours", 2)) == "2小时"


def test_per_type_override(settings):
    settings.LIANXIN_HOTLINE_TIME_LIMITS_BY_TYPE = {"utility_heating": {"reply": ("hours", 12)}}
    assert timelimits.limits_for(urgency="general", dept_type="utility_heating")["reply"] == (
        "hours",
        12,
    )


@pytest.mark.django_db
def test_order_deadlines_over_spring_festival(world):
    agent = world.user(Role.HOTLINE_AGENT, "a")
    # Friday 2026-02-13 is a working day; 15–23 Feb 2026 is the Spring Festival holiday
    # (14 Feb and 28 Feb are make-up working days).
    order, _ = hotline_f.intake(
        world, agent, "兴庆区胜利街路灯坏了", received_at=at(2026, 2, 13, 9)
    )
    import chinese_calendar

    try:
        chinese_calendar.is_workday(dt.date(2026, 2, 16))
    except NotImplementedError:
        pytest.skip("chinese-calendar does not know 2026 yet")
    expected = at(2026, 2, 13, 9)
    day = expected.date()
    while True:
        day += dt.timedelta(days=1)
        if chinese_calendar.is_workday(day):
            break
    assert order.dispatch_due_at == dt.datetime.combine(day, dt.time(9), SHANGHAI)
    assert not chinese_calendar.is_workday(dt.date(2026, 2, 17))


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_accepts_one_winner(world):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises writers anyway")
    agent = world.user(Role.HOTLINE_AGENT, "a")
    order, _ = hotline_f.intake(world, agent, "兴庆区胜利街路灯坏了")
    services.workorder_dispatch(
        actor=agent, order=order, lead_unit=world.a.orgs["municipal_engineering"]
    )
    users = [world.user(Role.UNIT_STAFF, "a") for _ in range(8)]
    results = race(
        lambda i: services.workorder_accept(
            actor=users[i], order=WorkOrder.objects.get(pk=order.pk)
        ),
        len(users),
    )
    assert results.count("ok") == 1, results
    order.refresh_from_db()
    assert order.status == Status.ACCEPTED
    assert order.events.filter(action="accept").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_identical_intake_is_one_order(world):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for real concurrency")
    agent = world.user(Role.HOTLINE_AGENT, "a")
    pks = at_once(
        lambda i: (
            hotline_f.intake(world, agent, "兴庆区胜利街路灯坏了", idempotency_key="same-key")[0].pk
        ),
        6,
    )
    assert len(set(pks)) == 1
    assert len(pks) == 6
    assert WorkOrder.objects.count() == 1
