"""Routes of the leaders' dashboard (issue #20): an area outside the user's assignments is 404."""

from __future__ import annotations

from lianxin.core.roles import Role
from tests.access.registry import RouteSpec, on_b

# roles whose assignment is the county (site A's users of every role are tried on the list routes)
COUNTY_ROLES = (Role.COUNTY_STAFF, Role.LEADER, Role.UNIT_STAFF)


def _b_county(w):
    return {"code": w.b.county.code}


def _b_list(w):
    return {"code": w.b.county.code, "key": "care.measures"}


ROUTES: dict[str, RouteSpec] = {
    "dashboard": RouteSpec(leak_marker=lambda w: w.b.county.name),
    "dashboard_export": RouteSpec(notes="本辖区看板的Excel报表"),
    "dashboard_area": on_b(_b_county, roles=COUNTY_ROLES),
    "dashboard_area_export": on_b(_b_county, roles=COUNTY_ROLES),
    "dashboard_refresh": on_b(_b_county, methods=("post",), roles=COUNTY_ROLES),
    "dashboard_list": on_b(_b_list, roles=COUNTY_ROLES),
    "api:dashboard": RouteSpec(leak_marker=lambda w: w.b.county.code),
    "api:dashboard_list": RouteSpec(
        kwargs=lambda w: {"key": "care.measures"},
        notes="?area= 限本辖区；他区 404（tests/analytics）",
    ),
}
