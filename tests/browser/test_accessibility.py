"""axe-core over each role's main pages, on a phone (390×844) and a desktop (1280×800): a
serious or critical violation fails the test (issue #12; GB/T 37668 in line with WCAG 2.1 AA).

axe comes from the npm registry at setup (`make assets`, ADR 0005) into var/assets/vendor/; the
browser context bypasses the page's Content-Security-Policy only to inject it. Without the file
the tests are skipped with a message saying how to get it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lianxin.care.tests import factories as care_f
from lianxin.core.roles import Role

AXE = Path(__file__).resolve().parents[2] / "var" / "assets" / "vendor" / "axe-core" / "axe.min.js"
FAILING = {"serious", "critical"}
VIEWPORTS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}

pytestmark = pytest.mark.skipif(
    not AXE.exists(),
    reason="未找到 axe-core（var/assets/vendor/axe-core/axe.min.js）：请先运行 make assets",
)


@pytest.fixture(params=sorted(VIEWPORTS))
def a11y_page(request: Any, browser: Any, live_server: Any) -> Any:
    context = browser.new_context(
        locale="zh-CN", base_url=live_server.url, bypass_csp=True, **VIEWPORTS[request.param]
    )
    context.set_default_timeout(30000)
    page = context.new_page()
    page.viewport_name = request.param
    yield page
    context.close()


def violations(page: Any) -> list[dict[str, Any]]:
    """axe's serious and critical violations on the page as it is now (WCAG 2.x A and AA)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                                'best-practice']},
                resultTypes: ['violations'],
            });
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' — ' +
                                                  n.failureSummary.split('\\n')[1]),
            }));
        }"""
    )
    return [v for v in result if v["impact"] in FAILING]


def assert_accessible(page: Any, path: str) -> None:
    response = page.goto(path)
    assert response is not None
    assert response.status == 200, f"{path}: {response.status}"
    found = violations(page)
    assert not found, f"{path} ({page.viewport_name}):\n" + json.dumps(
        found, ensure_ascii=False, indent=1
    )


def _login(page: Any, user: Any) -> None:
    from conftest import PASSWORD

    page.goto("/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/login/",
        "/hotline/public/",
        "/hotline/public/track/",
        "/employment/apply/",
    ],
)
def test_pages_without_login(world: Any, a11y_page: Any, path: str) -> None:
    assert_accessible(a11y_page, path)


def _grid_worker(world: Any) -> tuple[Any, list[str]]:
    case, actors = care_f.case_at(world, "planned")
    return actors.grid_worker, [
        "/",
        "/care/todos/",
        f"/care/cases/{case.pk}/",
        f"/registry/households/{case.household_id}/",
    ]


def _community(world: Any) -> tuple[Any, list[str]]:
    case, actors = care_f.case_at(world, "investigated")
    return actors.community, [
        "/",
        "/registry/",
        f"/registry/households/{case.household_id}/",
        f"/care/cases/{case.pk}/",
        "/benefits/",
        "/resources/",
        "/volunteers/wishes/",
        "/employment/",
    ]


def _order(world: Any, agent: Any) -> Any:
    from lianxin.hotline.tests import factories as hotline_f

    order, _ = hotline_f.intake(
        world, agent, "兴庆区胜利街路灯坏了一个星期，晚上很黑", caller_name="张女士"
    )
    return order


def test_citizen_tracks_a_request(world: Any, a11y_page: Any) -> None:
    order = _order(world, world.user(Role.HOTLINE_AGENT, "a"))
    assert_accessible(a11y_page, f"/hotline/public/track/?code={order.tracking_code}")
    assert order.tracking_code in a11y_page.inner_text("main")


def _agent(world: Any) -> tuple[Any, list[str]]:
    agent = world.user(Role.HOTLINE_AGENT, "a")
    order = _order(world, agent)
    return agent, ["/", "/hotline/intake/", f"/hotline/orders/{order.pk}/", "/hotline/callbacks/"]


def _leader(world: Any) -> tuple[Any, list[str]]:
    return world.user(Role.LEADER, "a"), ["/", "/dashboard/"]


def _county(world: Any) -> tuple[Any, list[str]]:
    return world.user(Role.COUNTY_STAFF, "a"), ["/", "/benefits/", "/monitoring/"]


def _volunteer(world: Any) -> tuple[Any, list[str]]:
    return world.user(Role.VOLUNTEER, "a"), ["/", "/volunteers/wall/"]


def _partner(world: Any) -> tuple[Any, list[str]]:
    return world.user(Role.PARTNER, "a"), ["/", "/resources/"]


ROLES: dict[str, Callable[[Any], tuple[Any, list[str]]]] = {
    "grid_worker": _grid_worker,
    "community": _community,
    "hotline_agent": _agent,
    "leader": _leader,
    "county": _county,
    "volunteer": _volunteer,
    "partner": _partner,
}


@pytest.mark.parametrize("role", sorted(ROLES))
def test_main_pages_of_each_role(world: Any, a11y_page: Any, role: str) -> None:
    user, paths = ROLES[role](world)
    _login(a11y_page, user)
    for path in paths:
        assert_accessible(a11y_page, path)
