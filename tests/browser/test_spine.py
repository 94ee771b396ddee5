"""Log in as a grid worker and as a leader and see each one's own area, never the other's."""

from __future__ import annotations

from lianxin.core.roles import Role


def test_grid_worker_sees_own_grid_not_other_community(world, page, login_as, screenshot):
    user = world.user(Role.GRID_WORKER, "a")
    login_as(page, user)
    assert (
        page.locator("[data-testid=assignment]")
        .first.inner_text()
        .startswith("网格员 · 安秀社区 · 第一网格")
    )
    page.goto("/areas/grids/")
    body = page.locator("main").inner_text()
    assert "第一网格" in body
    assert "刘庄村" not in body
    response = page.goto(f"/areas/grids/{world.b.grid.pk}/")
    assert response.status == 404
    screenshot(page, "grid-worker-404")


def test_leader_sees_own_county(world, page, login_as, screenshot):
    user = world.user(Role.LEADER, "b")
    login_as(page, user)
    assert "包抓领导 · 中宁县" in page.locator("[data-testid=assignment]").first.inner_text()
    page.goto(f"/areas/d/{world.b.county.code}/")
    assert "新堡镇" in page.locator("main").inner_text()
    assert page.goto(f"/areas/d/{world.a.county.code}/").status == 404


def test_phone_menu_opens(world, phone_page, login_as, screenshot):
    login_as(phone_page, world.user(Role.GRID_WORKER, "a"))
    assert not phone_page.locator("#nav").is_visible()
    phone_page.click("[data-toggle-nav]")
    assert phone_page.locator("#nav").is_visible()
    screenshot(phone_page, "phone-home")


def test_wrong_password_gets_the_generic_message(world, page):
    user = world.user(Role.GRID_WORKER, "a")
    page.goto("/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "wrong-password")
    page.click("button[type=submit]")
    assert "用户名或密码错误" in page.locator("main").inner_text()
