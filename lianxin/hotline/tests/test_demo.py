"""The demo: every state, DOMAIN.md's examples, queues for the demo accounts, idempotent."""

from __future__ import annotations

import io

import pytest

from lianxin.core.democontext import DemoContext
from lianxin.hotline import demo, selectors
from lianxin.hotline.models import Open311ApiKey, ProblemLedgerItem, Status, WorkOrder


@pytest.mark.django_db
def test_demo_loads_every_state_once(monkeypatch):
    from lianxin.accounts import demo as accounts_demo
    from lianxin.accounts.models import User
    from lianxin.areas import demo as areas_demo
    from lianxin.directory import demo as directory_demo

    ctx = DemoContext(stdout=io.StringIO())
    areas_demo.load(ctx)
    directory_demo.load(ctx)
    accounts_demo.load(ctx)
    monkeypatch.setattr(demo, "ORDERS", 600)
    demo.load(ctx)
    count = WorkOrder.objects.count()
    assert count > 600
    assert set(WorkOrder.objects.values_list("status", flat=True).distinct()) == set(Status.values)
    lamp = WorkOrder.objects.get(idempotency_key="demo-1")
    assert lamp.lead_unit.code == "640106-municipal_engineering"
    assert (lamp.replied_at - lamp.received_at).days == 2
    wages = WorkOrder.objects.get(idempotency_key="demo-2")
    assert wages.lead_unit.code == "640302-human_resources"
    assert wages.hotline.code == "6403-hotline"
    assert ProblemLedgerItem.objects.filter(dept_type="utility_heating", season="winter").exists()
    agent = User.objects.get(username="hotline_agent_a")
    unit = User.objects.get(username="unit_staff_a")
    assert selectors.agent_queue(user=agent).exists()
    assert selectors.unit_queue(user=unit).count() >= 4
    assert ctx.extras["open311_api_key"].startswith("o311_")
    demo.load(ctx)
    assert WorkOrder.objects.count() == count
    assert Open311ApiKey.objects.filter(is_active=True).count() == 1
