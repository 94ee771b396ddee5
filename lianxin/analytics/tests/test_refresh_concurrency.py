"""Leaders opening the dashboard of a fresh installation at the same moment: the kept aggregate
is filled once, none of them gets an error (the load test met 500s: two fillings each deleted
and inserted the same keys and the second failed on the unique index)."""

from __future__ import annotations

import pytest
from django.db import connection

from lianxin.analytics import aggregates
from lianxin.analytics.models import IndicatorCount
from lianxin.care.tests.factories import case_at
from lianxin.core.tests.concurrency import at_once

pytestmark = pytest.mark.django_db(transaction=True)
N = 6


def _together(work) -> list[BaseException | None]:
    return [r if isinstance(r, BaseException) else None for r in at_once(lambda i: work(), N)]


def test_first_dashboards_at_once_fill_the_aggregate_once_without_error(world):
    if connection.vendor != "postgresql":
        # SQLite queues its writers itself (IMMEDIATE transactions); six threads there only
        # measure the busy timeout of a loaded machine.
        pytest.skip("the race is PostgreSQL's")
    case_at(world, "planned", site="a")
    assert not IndicatorCount.objects.exists()
    assert _together(aggregates.ensure_fresh) == [None] * N
    filled = IndicatorCount.objects.count()
    assert filled > 0
    assert _together(aggregates.refresh) == [None] * N
    assert IndicatorCount.objects.count() == filled
