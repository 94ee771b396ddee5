"""A grid worker, on a phone (390×844), files a discovery and the household investigation:
to-dos → discovery form → investigation (draft, then submitted) → the case with its colour."""

from __future__ import annotations

from lianxin.care.models import CareCase
from lianxin.care.tests import factories as f
from lianxin.core.roles import Role


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_grid_worker_discovery_and_investigation_on_a_phone(
    world, phone_page, login_as, screenshot
):
    household = f.household(world.a, members=[("马奶奶", "户主")])
    worker = world.user(Role.GRID_WORKER, "a")
    page = phone_page
    login_as(page, worker)

    page.goto("/care/todos/")
    assert _fits_the_screen(page)
    page.click("[data-testid=discover-link]")
    page.fill("#q", "马奶奶")  # a phone worker finds the household by name or address
    page.click("form[role=search] button[type=submit]")
    page.click(f"[data-testid=household-results] a[href*='{household.number}']")
    assert "马*奶 · " in page.inner_text("[data-testid=chosen-household]")
    page.select_option("#id_source", "grid_visit")
    page.fill("#id_description", "八旬老人独居，冬季取暖不足")
    assert _fits_the_screen(page)
    screenshot(page, "care-discover-phone")
    page.click("form[data-once] button[type=submit]")

    page.wait_for_url("**/investigate/")
    case = CareCase.objects.get(household=household)
    page.fill("#id_visited_on", "2026-11-20")
    page.fill("#id_residents", "独居老人一人")
    page.fill("#id_resident_count", "1")
    page.fill("#id_monthly_income_yuan", "650")
    page.select_option("#id_housing", "own_safe")
    page.fill("#id_health_notes", "高血压，行动不便")
    page.check("#id_elderly_alone")
    page.fill("#id_care_notes", "子女在外地，邻居偶尔照看")
    page.select_option("#id_heating", "insufficient")
    page.click("button[name=submit][value='0']")  # save a draft first, as on a real visit
    page.wait_for_selector("text=草稿已保存")
    assert page.input_value("#id_residents") == "独居老人一人"
    assert page.input_value("#id_visited_on") == "2026-11-20"
    page.fill("#id_needs", "冬季取暖、定期探访")
    assert _fits_the_screen(page)
    screenshot(page, "care-investigate-phone")
    page.click("[data-testid=submit-investigation]")

    page.wait_for_url(f"**/care/cases/{case.pk}/")
    assert page.locator("[data-testid=case-stage]").inner_text() == "已入户调查"
    assert "入户调查" in page.locator("[data-testid=timeline]").inner_text()
    assert _fits_the_screen(page)
    screenshot(page, "care-case-phone")
    case.refresh_from_db()
    assert (case.stage, case.grade) == ("investigated", "yellow")
    assert case.investigation.monthly_income_fen == 65000
