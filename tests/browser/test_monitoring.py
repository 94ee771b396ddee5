"""A county officer imports two rosters and runs the comparison; the grid worker of the
person's grid verifies the alert on a phone."""

from __future__ import annotations

import datetime as dt

from lianxin.core.roles import Role
from lianxin.monitoring.tests.factories import resident


def test_import_run_and_verify(world, page, phone_page, login_as, screenshot, tmp_path):
    person = resident(site=world.a, name="李秀英", birth=dt.date(1950, 6, 7), seq=22, sex="F")
    civil = tmp_path / "民政救助名册.csv"
    civil.write_text(
        f"身份证号,姓名,出生日期,救助类型,户号\n{person.id_number},李秀英,1950/6/7,低保,H1\n",
        encoding="gbk",
    )
    deaths = tmp_path / "死亡名册.csv"
    deaths.write_text(
        f"公民身份号码,姓名,出生日期,死亡日期\n{person.id_number.lower()},李秀英,19500607,2026-09-01\n",
        encoding="utf-8",
    )

    login_as(page, world.user(Role.COUNTY_STAFF, "a"))
    for kind, path in (("civil_affairs", civil), ("deaths", deaths)):
        page.goto("/monitoring/rosters/upload/")
        page.select_option("#id_kind", kind)
        page.set_input_files("#id_file", str(path))
        page.click("button[type=submit]")
        assert page.locator("[data-testid=roster-status]").inner_text() == "可用于比对"

    page.goto("/monitoring/runs/")
    page.fill("#id_as_of", "2026年11月1日")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=run-status]:has-text('已完成')")
    assert "救助对象已死亡" in page.locator("[data-testid=alerts-by-area]").inner_text()
    screenshot(page, "monitoring-run")

    login_as(phone_page, world.user(Role.GRID_WORKER, "a"))
    phone_page.goto("/monitoring/alerts/")
    phone_page.click("text=李秀英")
    assert "2026-09-01" in phone_page.locator("[data-testid=alert-detail]").inner_text()
    assert person.id_number not in phone_page.content()
    phone_page.check("input[name=result][value=confirmed]")
    phone_page.select_option("#id_outcome", "entitlement_change")
    phone_page.fill("#id_note", "已于9月去世，通知民政停发")
    phone_page.click("button[type=submit]")
    assert (
        phone_page.locator("[data-testid=alert-status]").inner_text()
        == "属实 · 待遇调整（转民政/残联审批）"
    )
    screenshot(phone_page, "monitoring-verify-phone")


def test_county_officer_uploads_a_departments_own_roster_and_confirms_in_one_step(
    world, page, login_as, screenshot, tmp_path, settings
):
    """A 低保花名册 as civil affairs exports it (title rows, a two-row merged header, a footer):
    the platform proposes the mapping, one click confirms it; the next month's file from the
    same department maps itself."""
    from lianxin.core.tests import layouts

    settings.MEDIA_ROOT = tmp_path / "media"
    first = layouts.roster_file("xls", tmp_path, name="兴庆区11月低保花名册")
    login_as(page, world.user(Role.COUNTY_STAFF, "a"))
    page.goto("/monitoring/rosters/upload/")
    page.select_option("#id_kind", "civil_affairs")
    page.set_input_files("#id_file", str(first))
    page.click("button[type=submit]")
    assert page.locator("[data-testid=roster-status]").inner_text() == "待确认列对应"
    notes = page.locator("[data-testid=roster-notes]").inner_text()
    assert "表头在第4–5行（两行表头已合并为一行）" in notes
    assert "跳过表尾合计、制表人、审核人等2行（第12–13行）" in notes
    assert page.locator("#id_id_number").input_value() == "家庭成员/身份证号"
    assert page.locator("#id_name").input_value() == "家庭成员/姓名"
    assert "id_number" not in page.locator("[data-testid=column-map]").inner_text()
    screenshot(page, "monitoring-roster-mapping")
    page.click("[data-testid=column-map] button[type=submit]")
    assert page.locator("[data-testid=roster-status]").inner_text() == "可用于比对"

    second = layouts.roster_file("xls", tmp_path, name="兴庆区12月低保花名册")
    page.goto("/monitoring/rosters/upload/")
    page.select_option("#id_kind", "civil_affairs")
    page.set_input_files("#id_file", str(second))
    page.click("button[type=submit]")
    assert page.locator("[data-testid=roster-status]").inner_text() == "可用于比对"
    assert page.locator("[data-testid=roster-remembered]").is_visible()
