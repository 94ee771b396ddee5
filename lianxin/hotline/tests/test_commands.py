"""`lianxin route` and `lianxin train_router`."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from lianxin.hotline import intake, selectors, services
from lianxin.hotline.routing import CONTRACT_KEYS, EXTRA_KEYS


@pytest.mark.django_db
def test_route_command_prints_contract_json(world):
    out = io.StringIO()
    call_command("route", "兴庆区胜利街路灯坏了一个星期", stdout=out)
    body = json.loads(out.getvalue())
    assert tuple(body) == CONTRACT_KEYS + EXTRA_KEYS
    assert body["unit"]["code"] == world.a.orgs["municipal_engineering"].code
    with pytest.raises(CommandError):
        call_command("route", "  ", stdout=io.StringIO())


@pytest.mark.django_db
def test_train_router_uses_orders_and_corrections(world, agent, make_order):
    order = make_order(text="兴庆区胜利街路灯坏了一个星期")
    services.workorder_close(actor=agent, order=order, note="已转告市政部门")
    intake.record_correction(
        actor=agent,
        order=order,
        text="小区门口烧烤摊半夜营业扰民",
        proposal={"dept_type": "market_regulation"},
        chosen_dept_type="urban_management",
        chosen_unit=None,
    )
    out = io.StringIO()
    call_command("train_router", stdout=out)
    assert "纠正 1 条" in out.getvalue()
    assert selectors.router_model_path().exists()
    proposal = selectors.route_request(text="兴庆区小区门口烧烤摊半夜营业扰民")
    assert proposal.dept_type == "urban_management"
    selectors.reset_router()
