"""Routes of hotline routing: the duty list, the intake page's unit search and the routing
accuracy page. The duty list is the region's (no area); editing needs the
``hotline.manage_dutylist`` permission on top of the agent role."""

from __future__ import annotations

from typing import Any

from tests.access.registry import RouteSpec


def _entry(w: Any) -> dict[str, Any]:
    from lianxin.hotline.models import DutyEntry

    entry, _ = DutyEntry.objects.get_or_create(
        code="access-test",
        defaults={
            "number": 999,
            "matter": "访问测试事项",
            "dept_type": "municipal_engineering",
            "keywords": "访问测试",
        },
    )
    return {"pk": entry.pk}


ROUTES: dict[str, RouteSpec] = {
    "hotline:unit_search": RouteSpec(notes="agents only; the directory's handling units"),
    "hotline:duty_list": RouteSpec(notes="agents and leaders; the region's duty list, no area"),
    "hotline:duty_create": RouteSpec(
        methods=("get", "post"),
        post_data=lambda w: {"matter": "测试", "dept_type": "telecom", "keywords": "测试词"},
        notes="hotline administrators (manage_dutylist) only; others 404",
    ),
    "hotline:duty_seed": RouteSpec(methods=("post",), notes="administrators only"),
    "hotline:duty_edit": RouteSpec(
        kwargs=_entry,
        methods=("get", "post"),
        post_data=lambda w: {"matter": "改", "dept_type": "telecom", "keywords": "测试词"},
        notes="administrators only; the list is the region's (not an object of an area)",
    ),
    "hotline:duty_history": RouteSpec(kwargs=_entry, notes="agents and leaders"),
    "hotline:routing_accuracy": RouteSpec(
        notes="agents and leaders; counts of their own area's orders only"
    ),
}
