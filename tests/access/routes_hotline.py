"""Routes of the 12345 hotline: pages, API, the public citizen pages and Open311."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile

from lianxin.core.roles import Role
from tests.access.registry import RouteSpec, on_b

B_MARKER = "刘庄村访问测试专用路灯诉求"


def _b_order(w: Any) -> Any:
    """A work order of site B (中宁县), dispatched to B's municipal engineering office."""
    order = getattr(w, "_hotline_b_order", None)
    if order is None:
        from lianxin.hotline import services

        agent = w.user(Role.HOTLINE_AGENT, "b")
        order, _ = services.workorder_intake(
            actor=agent,
            text=f"{B_MARKER}，中宁县刘庄村路灯坏了一周",
            caller_name="李先生",
            caller_phone="13995550000",
            area_code=w.b.village.code,
            dept_type="municipal_engineering",
        )
        order = services.workorder_dispatch(
            actor=agent, order=order, lead_unit=w.b.orgs["municipal_engineering"]
        )
        w._hotline_b_order = order
    return order


def _b_order_kwargs(w: Any) -> dict[str, Any]:
    return {"pk": _b_order(w).pk}


def _b_action_kwargs(action: str):  # type: ignore[no-untyped-def]
    return lambda w: {"pk": _b_order(w).pk, "action": action}


def _b_attachment_kwargs(w: Any) -> dict[str, Any]:
    from lianxin.hotline.models import WorkOrderAttachment

    order = _b_order(w)
    attachment = WorkOrderAttachment.objects.create(
        order=order,
        file=ContentFile(b"%PDF-1.4 test", name="b.pdf"),
        name="b.pdf",
        size=13,
        content_type="pdf",
    )
    return {"pk": order.pk, "attachment_pk": attachment.pk}


def _b_ledger(w: Any) -> Any:
    from lianxin.hotline.models import ProblemLedgerItem

    item, _ = ProblemLedgerItem.objects.get_or_create(
        area_code=w.b.village.code,
        dept_type="utility_heating",
        season="winter",
        defaults={"title": f"{B_MARKER}冬季供暖", "order_count": 9, "years": 2},
    )
    return item


def _marker(w: Any) -> str:
    _b_order(w)
    return B_MARKER


def _ledger_marker(w: Any) -> str:
    _b_ledger(w)
    return B_MARKER


OBJECT_GET_ROLES = tuple(
    [Role.HOTLINE_AGENT]
    + [
        r
        for r in Role
        if r
        not in (
            Role.HOTLINE_AGENT,
            Role.SYSTEM_ADMIN,
            Role.SECURITY_ADMIN,
            Role.AUDIT_ADMIN,
            Role.REGION_STAFF,
        )
    ]
)

ROUTES: dict[str, RouteSpec] = {
    "hotline:order_list": RouteSpec(leak_marker=_marker),
    "hotline:intake": RouteSpec(
        methods=("get", "post"),
        post_data=lambda w: {"text": "路灯坏了", "caller_phone": "13995550000"},
        notes="agents only; others get 404",
    ),
    "hotline:propose": RouteSpec(notes="agents only; the proposal has no personal data"),
    "hotline:agent_queue": RouteSpec(leak_marker=_marker),
    "hotline:unit_queue": RouteSpec(leak_marker=_marker),
    "hotline:supervision": RouteSpec(leak_marker=_marker),
    "hotline:callback_queue": RouteSpec(leak_marker=_marker),
    "hotline:order_detail": on_b(_b_order_kwargs, roles=OBJECT_GET_ROLES),
    "hotline:order_action": on_b(
        _b_action_kwargs("accept"), {"reason": "不属于本单位", "text": "x"}
    ),
    "hotline:attachment_download": on_b(_b_attachment_kwargs, roles=OBJECT_GET_ROLES),
    "hotline:ledger": RouteSpec(leak_marker=_ledger_marker),
    "hotline:ledger_refresh": RouteSpec(methods=("post",)),
    "hotline:ledger_close": on_b(lambda w: {"pk": _b_ledger(w).pk}, {"measures": "已整改完毕"}),
    "hotline:reports": RouteSpec(leak_marker=lambda w: (_b_order(w), B_MARKER)[1]),
    "hotline:digest": RouteSpec(leak_marker=_marker),
    "hotline:reports_export": RouteSpec(notes="the rates of the user's scope as .xlsx; audited"),
    "hotline:digest_export": RouteSpec(notes="the digest of the user's own area as .xlsx/CSV"),
    "hotline:public_submit": RouteSpec(
        public=True, notes="citizens submit without login; rate-limited per IP"
    ),
    "hotline:public_track": RouteSpec(
        public=True, notes="citizens track by tracking code; shows no personal data"
    ),
    "hotline:public_rate": RouteSpec(
        public=True,
        methods=("post",),
        notes="citizens rate a replied order by its tracking code; rate-limited",
    ),
    "api:workorder_list": RouteSpec(leak_marker=_marker, methods=("get", "post")),
    "api:workorder_detail": on_b(_b_order_kwargs),
    "api:workorder_route": RouteSpec(
        methods=("post",), post_data=lambda w: {"text": "中宁县路灯坏了"}
    ),
    "open311:discovery": RouteSpec(
        kwargs=lambda w: {"fmt": "json"}, public=True, notes="Open311 discovery is public"
    ),
    "open311:service_list": RouteSpec(
        kwargs=lambda w: {"fmt": "json"}, public=True, notes="Open311 service list is public"
    ),
    "open311:service_definition": RouteSpec(
        kwargs=lambda w: {"fmt": "json", "service_code": "municipal_engineering"},
        public=True,
        notes="Open311 service definitions are public",
    ),
    "open311:request_list": RouteSpec(
        kwargs=lambda w: {"fmt": "json"},
        public=True,
        notes="GET is public per GeoReport v2 (no names, numbers or non-public descriptions); "
        "POST requires an api_key (403 otherwise)",
    ),
    "open311:request_detail": RouteSpec(
        kwargs=lambda w: {"fmt": "json", "service_request_id": _b_order(w).tracking_code},
        public=True,
        notes="public by tracking code per GeoReport v2; no personal data",
    ),
}


def _action_specs() -> dict[str, RouteSpec]:
    from lianxin.hotline.workflows import ACTION_NAMES

    return {
        f"api:workorder_{name}": on_b(
            _b_order_kwargs, {"reason": "不属于本单位", "text": "已处理", "note": "x"}
        )
        for name in ACTION_NAMES
    }


ROUTES.update(_action_specs())
