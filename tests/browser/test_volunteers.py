"""A partner claims a wish on the wall; a volunteer, on a phone (390×844), takes a task from
"my tasks", checks in and out; the grid worker confirms and the volunteer's hours and points
show on his page."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from lianxin.core.roles import Role
from lianxin.volunteers import services
from lianxin.volunteers.models import ServiceTask, Wish
from lianxin.volunteers.tests import factories as f


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_partner_claims_a_wish_and_volunteer_checks_in_on_a_phone(
    world, phone_page, login_as, screenshot
):
    community = world.user(Role.COMMUNITY_STAFF, "a")
    gw = world.user(Role.GRID_WORKER, "a")
    person = f.elderly_woman(world.a, name="马秀兰")
    wish, _ = f.wish(community, person, "加厚棉背心一件", 8000)
    partner, org = f.partner(world, name="宁夏塞上爱心商贸有限公司")
    page = phone_page
    login_as(page, partner)
    page.goto("/volunteers/wall/")
    card = page.locator("[data-testid=wish-card]")
    assert "独居老人，78岁，安秀社区" in card.inner_text()
    assert "马秀兰" not in page.content()
    assert _fits_the_screen(page)
    screenshot(page, "volunteers-wall-phone")
    page.click("[data-testid=claim]")
    page.wait_for_url(f"**/volunteers/wishes/{wish.pk}/")
    assert page.locator("[data-testid=wish-status]").inner_text() == "已认领"
    assert Wish.objects.get(pk=wish.pk).claimant_org_id == org.pk
    page.context.clear_cookies()

    team = f.team(world, community, name="安秀社区志愿服务队")
    volunteer, profile = f.volunteer(world, community, team=team)
    task = f.task(gw, team, person)
    login_as(page, volunteer)
    page.goto("/volunteers/my/tasks/")
    assert _fits_the_screen(page)
    page.click("text=送药上门 · 送降压药")
    page.click("[data-testid=action-take]")
    page.wait_for_selector("text=已接单")
    assert "安秀社区服务站" in page.content()
    page.click("[data-testid=action-check_in]")
    page.wait_for_selector("[data-testid=action-check_out]")
    assert page.locator("[data-testid=task-status]").inner_text() == "服务中"
    screenshot(page, "volunteers-task-phone")
    ServiceTask.objects.filter(pk=task.pk).update(
        checked_in_at=timezone.now() - dt.timedelta(minutes=60)
    )
    page.fill("input[name=note]", "药已送到")
    page.click("[data-testid=action-check_out]")
    page.wait_for_selector("text=已签退待确认")
    services.task_confirm(actor=gw, obj=ServiceTask.objects.get(pk=task.pk))
    page.goto("/volunteers/my/record/")
    assert page.locator("[data-testid=hours]").inner_text() == "1.0 小时"
    assert page.locator("[data-testid=points]").inner_text() == "15"
    assert _fits_the_screen(page)
    screenshot(page, "volunteers-record-phone")
