"""The care demo: real cases over the registry demo's fixed households, idempotent."""

from __future__ import annotations

import io

import pytest

from lianxin.care import demo
from lianxin.care.models import CareCase, Stage
from lianxin.core.democontext import DemoContext


@pytest.mark.slow
def test_demo_loads_the_real_cases_and_is_idempotent(world):
    from lianxin.directory import demo as directory_demo
    from lianxin.registry import demo as registry_demo

    ctx = DemoContext(stdout=io.StringIO(), households=0)
    directory_demo.load(ctx)
    registry_demo.load(ctx)
    demo._CASTS.clear()
    demo.load(ctx)
    boy = CareCase.objects.get(household__number="640104001007-001")
    assert boy.stage == Stage.CLOSED
    assert boy.measures.count() == 3
    assert CareCase.objects.filter(household__number__endswith="-001").count() == 6
    count = CareCase.objects.count()
    demo._CASTS.clear()
    demo.load(ctx)
    assert CareCase.objects.count() == count


def test_missing_household_is_skipped_with_a_message(db):
    out = io.StringIO()
    demo._CASTS.clear()
    demo.load(DemoContext(stdout=out, households=0))
    assert "未找到住户 640104001007-001" in out.getvalue()
    assert CareCase.objects.count() == 0
