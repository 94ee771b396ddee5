"""A county officer imports two rosters and runs the comparison; the grid worker of the
person's grid verifies the alert on a phone."""

from __future__ import annotations

import datetime as dt

from lianxin.core.roles import Role
from lianxin.monitoring.tests.factories import resident


def test_import_run_and_verify(world, page, phone_page, login_as, screenshot, tmp_path):
    person = resident(site=world.a, name="李秀英", birth=dt.date(1950, 6, 7), seq=22, sex="F")
    civil = tmp_path / "民政救助名册.csv"
    civil.write_text(f"身份证号,姓名,出生日期,救助类型,户号\n{person.id_number},李秀英,1950/6/7,低保,H1\n", encoding="gbk")
    deaths = tmp_path / "死亡名册.csv"
    deaths.write_text(f"公民身份号码,姓名,出生日期,死亡日期\n{person.id_number.lower()},李秀英,19500607,2026-09-01\n", encoding="utf-8")

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
    assert phone_page.locator("[data-testid=alert-status]").inner_text() == "属实 · 待遇调整（转民政/残联审批）"
    screenshot(phone_page, "monitoring-verify-phone")

