"""12345 end to end in a browser: an agent takes a call and dispatches it with the routing
proposal; the unit signs for it, records its verification and replies; the agent calls back."""

from __future__ import annotations

import re

from lianxin.core.roles import Role
from lianxin.hotline.models import Status, WorkOrder


def test_agent_takes_and_dispatches_unit_handles(
    world, page, browser, live_server, login_as, screenshot
):
    agent = world.user(Role.HOTLINE_AGENT, "a")
    unit_user = world.user(Role.UNIT_STAFF, "a")
    unit = world.a.orgs["municipal_engineering"]

    login_as(page, agent)
    page.goto("/hotline/intake/")
    page.fill("#id_caller_name", "王先生")
    page.fill("#id_caller_phone", "13995112233")
    page.fill("#id_place", "兴庆区胜利街")
    page.fill("#id_text", "胜利街的路灯坏了一个星期了，晚上一片漆黑")
    proposal = page.locator("[data-testid=proposal]")
    proposal.wait_for()
    assert unit.name in proposal.inner_text()
    assert "理由" in proposal.inner_text()
    screenshot(page, "hotline-intake")
    page.click("[data-testid=intake-submit]")
    page.wait_for_url(re.compile(r"/hotline/orders/\d+/"))
    assert page.locator("[data-testid=order-status]").inner_text() == "已派单"
    assert unit.name in page.locator("[data-testid=lead-unit-name]").inner_text()
    order = WorkOrder.objects.get()
    assert order.status == Status.DISPATCHED
    assert order.lead_unit == unit

    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    unit_page = context.new_page()
    login_as(unit_page, unit_user)
    unit_page.goto("/hotline/unit/")
    unit_page.click(f"text={order.tracking_code}")
    unit_page.click("[data-testid=do-accept]")
    assert unit_page.locator("[data-testid=order-status]").inner_text() == "已签收"
    unit_page.fill("#note_text", "已到现场核实，路灯电缆被施工挖断")
    unit_page.select_option("select[name=kind]", "verification")
    unit_page.click("[data-testid=do-note]")
    assert unit_page.locator("[data-testid=order-status]").inner_text() == "办理中"
    unit_page.fill("#reply_text", "已更换受损电缆，路灯全部恢复照明")
    unit_page.click("[data-testid=do-reply]")
    assert unit_page.locator("[data-testid=order-status]").inner_text() == "已答复"
    screenshot(unit_page, "hotline-unit-replied")
    context.close()

    page.goto("/hotline/callbacks/")
    assert order.tracking_code in page.locator("main").inner_text()
    page.goto(f"/hotline/orders/{order.pk}/")
    page.select_option("#satisfaction", "satisfied")
    page.check("input[name=resolved][value='1']")
    page.click("[data-testid=do-callback]")
    assert page.locator("[data-testid=order-status]").inner_text() == "已办结"
    order.refresh_from_db()
    assert order.status == Status.CLOSED
    timeline = page.locator("[data-testid=timeline]").inner_text()
    for step in ("受理", "派单", "签收", "办理", "答复", "回访", "办结"):
        assert step in timeline
