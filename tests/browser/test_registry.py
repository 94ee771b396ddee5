"""The registry in a browser: a grid worker registers a household on a phone; community staff
import a file with errors (row-level report, nothing written), then a clean one."""

from __future__ import annotations

import datetime as dt

from lianxin.core.roles import Role
from lianxin.registry.models import Household, Person
from lianxin.registry.tests import factories as f


def test_grid_worker_registers_a_household_on_a_phone(world, phone_page, login_as, screenshot):
    page = phone_page
    login_as(page, world.user(Role.GRID_WORKER, "a"))
    page.goto("/registry/households/new/")
    head_id = f.make_id(birth=dt.date(1952, 3, 12))
    page.fill("#id_address", "3号楼2单元101")
    page.fill("#id_m-0-name", "马德福")
    page.fill("#id_m-0-id_number", head_id.lower())
    page.select_option("#id_m-0-relationship", "户主")
    page.fill("#id_m-1-name", "马小军")
    page.fill("#id_m-1-id_number", f.make_id(birth=dt.date(2013, 5, 6)))
    page.select_option("#id_m-1-relationship", "孙子女")
    screenshot(page, "registry-register-phone")
    page.click("[data-testid=submit-household]")
    page.wait_for_url("**/registry/households/*/")
    body = page.locator("main").inner_text()
    assert "马德福" in body
    assert "马小军" in body
    assert head_id not in body  # masked: first 6 + last 4
    assert "*" * 15 + head_id[-3:] in body
    household = Household.objects.get()
    assert household.grid == world.a.grid
    screenshot(page, "registry-household-phone")


def test_import_with_errors_then_a_clean_file(world, page, login_as, screenshot, tmp_path):
    login_as(page, world.user(Role.COMMUNITY_STAFF, "a"))
    code = world.a.village.code
    bad = [
        f.member_row("IMP-1", code, "张三", f.make_id(), "户主", grid="第一网格"),
        f.member_row("IMP-1", code, "李四", "640104198001020011", "配偶"),
        f.member_row("IMP-2", code, "王五", f.make_id(), "朋友"),
    ]
    page.goto("/registry/imports/")
    page.set_input_files("#id_file", str(f.write_xlsx(tmp_path / "有错误.xlsx", bad)))
    page.click("[data-testid=upload]")
    page.wait_for_url("**/registry/imports/*/")
    errors = page.locator("[data-testid=import-errors]")
    errors.wait_for()
    text = errors.inner_text()
    assert "身份证号校验位错误" in text
    assert "与户主关系应为" in text
    assert page.locator("[data-testid=confirm-import]").count() == 0
    assert Person.objects.count() == 0
    screenshot(page, "registry-import-errors")

    good = [
        bad[0],
        f.member_row("IMP-1", code, "李四", f.make_id(sex="F"), "配偶"),
    ]
    page.goto("/registry/imports/")
    page.set_input_files("#id_file", str(f.write_xlsx(tmp_path / "正确.xlsx", good)))
    page.click("[data-testid=upload]")
    page.locator("[data-testid=confirm-import]").click()
    page.wait_for_function(
        "document.querySelector('[data-testid=import-status]').innerText.includes('导入完成')"
    )
    assert Person.objects.count() == 2
    screenshot(page, "registry-import-done")
