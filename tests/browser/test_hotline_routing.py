"""Routing in the browser: the agent types the request before the phone number and still
gets a proposal; changing the category refreshes the units; the agent corrects the proposal by
searching another unit; after retraining, the same request is proposed to the corrected unit."""

from __future__ import annotations

import io
import re
from typing import Any

from django.core.management import call_command

from lianxin.core.roles import Role
from lianxin.hotline.models import RoutingCorrection, Status, WorkOrder
from lianxin.hotline.selectors import reset_router

TEXT = "兴庆区凤凰北街街道安秀社区门口的路灯坏了一个星期"


def _htmx_ready(page, selector: str) -> None:
    """Wait until htmx has processed a swapped-in control (a change before that is not sent)."""
    page.wait_for_function(
        "s => { const e = document.querySelector(s); return e && e['htmx-internal-data'] && "
        "!document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping'); }",
        arg=selector,
    )


def _proposal_for_text(page: Any) -> str:
    """The intake page opened afresh, ``TEXT`` typed: the proposal's text once it shows."""
    page.goto("/hotline/intake/")
    page.fill("#id_text", TEXT)
    proposal = page.locator("[data-testid=proposal]")
    proposal.wait_for()
    return proposal.inner_text()


def test_agent_corrects_a_proposal_and_retraining_learns_it(
    world, page, login_as, screenshot, settings, tmp_path
):
    settings.HOTLINE_ROUTER_MODEL = tmp_path / "router.joblib"
    reset_router()
    agent = world.user(Role.HOTLINE_AGENT, "a")
    lamps = world.a.orgs["municipal_engineering"]
    street_office = world.a.orgs["township_government"]
    labour = world.a.orgs["human_resources"]

    login_as(page, agent)
    # the text first, no phone yet: the proposal appears all the same
    proposal = _proposal_for_text(page)
    assert f"{lamps.name}（建议）" in proposal
    assert "职责清单" in proposal
    # changing the category refreshes the units
    _htmx_ready(page, "[data-testid=dept-type]")
    page.select_option("[data-testid=dept-type]", "human_resources")
    page.locator(f"text={labour.name}（建议）").wait_for()
    # a village's lamps are the street office's: the agent sets the category, then searches
    # the unit she knows is right and picks it
    _htmx_ready(page, "[data-testid=dept-type]")
    page.select_option("[data-testid=dept-type]", "township_government")
    page.locator(f"text={street_office.name}（建议）").wait_for()
    _htmx_ready(page, "[data-testid=unit-search]")
    page.fill("[data-testid=unit-search]", "凤凰北街 街道")
    page.locator(f"[data-testid=unit-results] >> text={street_office.name}").click()
    page.fill("#id_caller_phone", "13995112233")
    screenshot(page, "hotline-intake-correction")
    page.click("[data-testid=intake-submit]")
    page.wait_for_url(re.compile(r"/hotline/orders/\d+/"))
    order = WorkOrder.objects.get()
    assert order.status == Status.DISPATCHED
    assert order.lead_unit == street_office
    correction = RoutingCorrection.objects.get()
    assert (correction.proposed_dept_type, correction.chosen_unit) == (
        "municipal_engineering",
        street_office,
    )

    call_command("train_router", stdout=io.StringIO())
    proposal = _proposal_for_text(page)
    assert f"{street_office.name}（建议）" in proposal
    assert "纠正记录" in proposal
    reset_router()
