"""Each role's working day in a real browser (issue #12): the grid worker and the community
worker on a 390×844 phone, the others on a desktop. What the user sees is asserted: Chinese
labels, the household hub's links, errors next to fields, the Chinese error pages."""

from __future__ import annotations

import re

from lianxin.care.tests import factories as f
from lianxin.core.roles import Role

ASCII_WORD = re.compile(r"\b[a-z]+_[a-z_]+\b")


def _fits(page, width=390) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= width


def test_grid_worker_day_on_a_phone(world, phone_page, login_as, screenshot):
    case, a = f.case_at(world, "tracking")
    page = login_as(phone_page, a.grid_worker)
    page.goto("/care/todos/")
    assert "待入户调查" in page.inner_text("main")
    page.goto(f"/care/cases/{case.pk}/")
    page.click("[data-testid=household-link]")
    hub = page.inner_text("main")
    for label in ("家庭成员", "关爱帮扶案件", "帮扶措施", "走访记录", "变更记录"):
        assert label in hub
    assert page.locator(f"[data-section=care-cases] a[href='/care/cases/{case.pk}/']").count() == 1
    assert page.locator("[data-testid=hub-actions] a", has_text="记录走访").count() == 1
    assert not ASCII_WORD.search(hub)
    assert _fits(page)
    screenshot(page, "workday-grid-worker-hub")


def test_community_worker_corrects_a_record_on_a_phone(world, phone_page, login_as):
    hh = f.household(world.a, members=[("李秀兰", "户主")])
    page = login_as(phone_page, world.user(Role.COMMUNITY_STAFF, "a"))
    page.goto(f"/registry/households/{hh.pk}/")
    assert page.locator("[data-testid=corrections]").count() == 1
    page.click("text=李秀兰")
    page.click("[data-testid=person-edit]")
    page.fill("#id_phone", "12")
    page.click("main form button[type=submit]")
    error = page.locator("[data-testid=error-phone]")
    assert error.count() == 1
    assert "电话" in error.inner_text() or "号码" in error.inner_text()
    assert page.locator(".msg.error").count() == 0
    assert _fits(page)


def test_reviewer_sees_evidence_on_the_desktop(world, page, login_as):
    case, a = f.case_at(world, "investigated")
    login_as(page, a.community)
    page.goto(f"/care/cases/{case.pk}/")
    text = page.inner_text("main")
    assert "家庭月收入" in text
    assert "3,000.00元" in text
    assert "入户照片" in text


def test_unit_lands_on_its_queue_and_errors_are_chinese(world, page, login_as):
    login_as(page, world.user(Role.UNIT_STAFF, "a"))
    response = page.goto("/care/cases/999999/")
    assert response.status == 404
    assert "页面不存在或您无权查看" in page.inner_text("main")
    assert "URLconf" not in page.content()


def test_leader_and_manager_reports(world, page, login_as):
    login_as(page, world.user(Role.LEADER, "a"))
    page.goto("/registry/")
    assert page.url.endswith("/care/leader/")
    page.context.clear_cookies()
    login_as(page, world.user(Role.HOTLINE_AGENT, "a"))
    page.goto("/hotline/reports/")
    assert page.locator("[data-testid=export]").inner_text() == "导出Excel"
