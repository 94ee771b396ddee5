"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2/) at /open311/v2/.

Services are the contract's department types; detailed states map to ``open``/``closed`` with
``status_notes``. Every answer exists as JSON and XML (``.json``/``.xml``); errors are the spec's
list of ``{code, description}`` with status 400, 403 or 404. POST needs an ``api_key``. Answers
never carry a caller's name or number; descriptions are published only for requests citizens
submitted online. The public listing (PUB-01) holds only public categories (not the matters of
a person's own situation the weekly digest leaves out) and no tracking codes: rows carry an
opaque ``service_request_id``; a request is looked up by its tracking code only by its citizen.
Every published text field goes through ``core.redaction`` (phone and ID numbers in any
spelling)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt

from lianxin.core import limits
from lianxin.core.errors import ApplicationError
from lianxin.core.redaction import redact
from lianxin.directory.models import DeptType

from . import services
from .intake import intake_request
from .models import Channel, Status, WorkOrder
from .routing import DEPT_NAMES
from .selectors import DIGEST_PRIVATE_TYPES

CHANGESET = "2026-11-22T00:00:00+08:00"
CLOSED_STATES = {Status.REPLIED, Status.CALLBACK, Status.CLOSED, Status.MERGED}
PUBLIC_DESCRIPTION_CHANNELS = {Channel.WEB, Channel.APP, Channel.OPEN311}
MAX_RESULTS = 200
DEFAULT_DAYS = 90
REQUESTS_PER_HOUR = 600
#: Categories whose requests appear in the public listing (PUB-01).
PUBLIC_SERVICE_CODES = tuple(c for c in DeptType.values if c not in DIGEST_PRIVATE_TYPES)


def public_id(order: WorkOrder) -> str:
    """An opaque, stable id for the public listing: not the tracking code (which opens the
    citizen's own page) and not derivable back to it."""
    key = settings.SEARCH_HASH_KEY.encode()
    digest = hmac.new(key, b"open311:" + order.tracking_code.encode(), hashlib.sha256)
    return "P" + digest.hexdigest()[:15].upper()


SERVICE_GROUPS = {
    "traffic_police": "公共安全",
    "public_security": "公共安全",
    "emergency_management": "公共安全",
    "utility_water": "水电气暖",
    "utility_power": "水电气暖",
    "utility_gas": "水电气暖",
    "utility_heating": "水电气暖",
    "municipal_engineering": "城市管理",
    "urban_management": "城市管理",
    "parks_greening": "城市管理",
    "housing_construction": "城市管理",
    "property_company": "城市管理",
}


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


# --- rendering -----------------------------------------------------------------------------


def _xml_value(parent: ET.Element, key: str, value: Any) -> None:
    child = ET.SubElement(parent, key)
    if value is None:
        return
    if isinstance(value, bool):
        child.text = "true" if value else "false"
    elif isinstance(value, list):
        item_tag = {
            "attributes": "attribute",
            "values": "value",
            "endpoints": "endpoint",
            "formats": "format",
        }.get(key, "item")
        for item in value:
            if isinstance(item, dict):
                node = ET.SubElement(child, item_tag)
                for k, v in item.items():
                    _xml_value(node, k, v)
            else:
                ET.SubElement(child, item_tag).text = str(item)
    else:
        child.text = str(value)


def _render(fmt: str, root: str, item: str | None, payload: Any, status: int = 200) -> HttpResponse:
    if fmt == "json":
        return JsonResponse(
            payload, status=status, safe=False, json_dumps_params={"ensure_ascii": False}
        )
    top = ET.Element(root)
    rows = payload if isinstance(payload, list) else [payload]
    if item is None:  # the payload's keys are the root's children (discovery, service definition)
        for k, v in payload.items():
            _xml_value(top, k, v)
    else:
        for row in rows:
            node = ET.SubElement(top, item)
            for k, v in row.items():
                _xml_value(node, k, v)
    body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(
        top, encoding="utf-8", xml_declaration=False
    )
    return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")


def _error(fmt: str, status: int, description: str) -> HttpResponse:
    return _render(
        fmt if fmt in ("json", "xml") else "json",
        "errors",
        "error",
        [{"code": status, "description": description}],
        status=status,
    )


def _endpoint(view: Any) -> Any:
    def wrapped(request: HttpRequest, fmt: str, **kwargs: Any) -> HttpResponse:
        if fmt not in ("json", "xml"):
            return _error("json", 400, "不支持的格式，请使用 .json 或 .xml")
        if limits.public_throttled(request, "open311", limit=REQUESTS_PER_HOUR):
            return _error(fmt, 429, "请求过于频繁，请稍后再试")
        try:
            return view(request, fmt, **kwargs)
        except Open311Error as exc:
            return _error(fmt, exc.status, exc.description)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return csrf_exempt(wrapped)


def _iso(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


# --- views ---------------------------------------------------------------------------------


@_endpoint
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    """Where the API is and what it speaks."""
    base = request.build_absolute_uri(reverse("open311:service_list", kwargs={"fmt": fmt})).rsplit(
        "/services.", 1
    )[0]
    payload = {
        "changeset": CHANGESET,
        "contact": "宁夏12345政务服务便民热线 12345",
        "key_service": "API密钥由12345热线管理机构发放",
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return _render(fmt, "discovery", None, payload)


def _service(code: str) -> dict[str, Any]:
    return {
        "service_code": code,
        "service_name": DEPT_NAMES.get(code, DeptType(code).label),
        "description": f"{DeptType(code).label}类诉求",
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": SERVICE_GROUPS.get(code, "政务服务"),
    }


@_endpoint
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    return _render(fmt, "services", "service", [_service(c) for c in DeptType.values])


@_endpoint
def service_definition(request: HttpRequest, fmt: str, service_code: str) -> HttpResponse:
    if service_code not in DeptType.values:
        raise Open311Error(404, f"service_code {service_code} 不存在")
    return _render(
        fmt, "service_definition", None, {"service_code": service_code, "attributes": []}
    )


def _status_notes(order: WorkOrder) -> str:
    if order.status == Status.MERGED:
        return "与其他工单合并办理"
    notes = {
        Status.RECEIVED: "已受理，等待派单",
        Status.DISPATCHED: "已派发承办单位",
        Status.ACCEPTED: "承办单位已签收",
        Status.RETURNED: "重新确定承办单位中",
        Status.HANDLING: "承办单位办理中",
        Status.REOPENED: "回访不满意，重新办理",
        Status.REPLIED: "承办单位已答复",
        Status.CALLBACK: "已回访",
        Status.CLOSED: "已办结",
    }
    note = notes.get(Status(order.status), order.get_status_display())
    if order.reply_text and order.status in CLOSED_STATES:
        note = f"{note}：{order.reply_text[:200]}"
    return redact(note)


def _request_row(order: WorkOrder, *, listing: bool = False) -> dict[str, Any]:
    description = ""
    if order.channel in PUBLIC_DESCRIPTION_CHANNELS:
        description = redact(order.text)
    return {
        "service_request_id": public_id(order) if listing else order.tracking_code,
        "status": "closed" if order.status in CLOSED_STATES else "open",
        "status_notes": _status_notes(order),
        "service_name": DEPT_NAMES.get(order.dept_type, order.dept_type),
        "service_code": order.dept_type,
        "description": description,
        "agency_responsible": redact(
            order.lead_unit.name if order.lead_unit is not None else order.hotline.name
        ),
        "service_notice": "",
        "requested_datetime": _iso(order.received_at),
        "updated_datetime": _iso(order.updated_at),
        "expected_datetime": _iso(order.reply_due_at),
        "address": redact(order.place),
        "address_id": "",
        "zipcode": "",
        "lat": float(order.latitude) if order.latitude is not None else None,
        "long": float(order.longitude) if order.longitude is not None else None,
        "media_url": "",
    }


def _orders() -> Any:
    return WorkOrder.objects.select_related("lead_unit", "hotline", "merged_into")


def _parse_when(value: str, name: str) -> dt.datetime:
    parsed = parse_datetime(value.strip().replace(" ", "+")) if value else None
    if parsed is None:
        raise Open311Error(400, f"{name} 应为 ISO 8601 时间，如 2026-01-01T00:00:00+08:00")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


@_endpoint
def request_list(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET: requests (filters of the spec); POST: create a request (api_key required)."""
    if request.method == "POST":
        return _create(request, fmt)
    if request.method != "GET":
        raise Open311Error(400, "仅支持 GET 和 POST")
    params = request.GET
    qs = _orders()
    ids = [i.strip().upper() for i in params.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        rows = [_request_row(o) for o in qs.filter(tracking_code__in=ids[:MAX_RESULTS])]
        return _render(fmt, "service_requests", "request", rows)
    codes = [c.strip() for c in params.get("service_code", "").split(",") if c.strip()]
    unknown = [c for c in codes if c not in DeptType.values]
    if unknown:
        raise Open311Error(404, f"service_code {unknown[0]} 不存在")
    qs = qs.filter(
        dept_type__in=[c for c in codes or PUBLIC_SERVICE_CODES if c in PUBLIC_SERVICE_CODES]
    )
    end = _parse_when(params["end_date"], "end_date") if params.get("end_date") else timezone.now()
    start = (
        _parse_when(params["start_date"], "start_date")
        if params.get("start_date")
        else end - dt.timedelta(days=DEFAULT_DAYS)
    )
    if start > end:
        raise Open311Error(400, "start_date 不能晚于 end_date")
    qs = qs.filter(received_at__gte=start, received_at__lte=end)
    statuses = {s.strip() for s in params.get("status", "").split(",") if s.strip()}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, "status 只能是 open 或 closed")
    if statuses == {"open"}:
        qs = qs.exclude(status__in=sorted(CLOSED_STATES))
    elif statuses == {"closed"}:
        qs = qs.filter(status__in=sorted(CLOSED_STATES))
    rows = [_request_row(o, listing=True) for o in qs.order_by("-received_at")[:MAX_RESULTS]]
    return _render(fmt, "service_requests", "request", rows)


@_endpoint
def request_detail(request: HttpRequest, fmt: str, service_request_id: str) -> HttpResponse:
    order = _orders().filter(tracking_code=service_request_id.upper()).first()
    if order is None:
        raise Open311Error(404, f"service_request_id {service_request_id} 不存在")
    return _render(fmt, "service_requests", "request", [_request_row(order)])


def _first(data: Any, *names: str) -> str:
    for name in names:
        value = data.get(name)
        if value not in (None, ""):
            return str(value).strip()
    return ""


@transaction.atomic
def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    data = request.POST
    key = services.open311_key_check(_first(data, "api_key"))
    if key is None:
        raise Open311Error(403, "api_key 缺失或无效")
    code = _first(data, "service_code")
    if not code:
        raise Open311Error(400, "缺少 service_code")
    if code not in DeptType.values:
        raise Open311Error(404, f"service_code {code} 不存在")
    lat, lon = _first(data, "lat"), _first(data, "long")
    address = _first(data, "address_string", "address_id")
    if not address and not (lat and lon):
        raise Open311Error(400, "须提供位置：lat 与 long，或 address_string")
    if not address:
        raise Open311Error(
            400, "仅凭坐标无法确定所属区县，请同时提供 address_string（区县、街道或小区）"
        )
    name = " ".join(p for p in (_first(data, "last_name"), _first(data, "first_name")) if p)
    device = _first(data, "device_id")
    try:
        order = intake_request(
            actor=None,
            channel=Channel.OPEN311,
            text=_first(data, "description"),
            caller_name=name,
            caller_phone=_first(data, "phone"),
            place=address,
            dept_type=code,
            latitude=lat or None,
            longitude=lon or None,
            hotline=None,
            idempotency_key=f"open311-{key.pk}-{device}-{_first(data, 'idempotency_key')}"
            if device and _first(data, "idempotency_key")
            else None,
        ).order
    except ApplicationError as exc:
        raise Open311Error(400, exc.message) from exc
    row = {
        "service_request_id": order.tracking_code,
        "service_notice": "已受理，将在1个工作日内派发承办单位",
        "account_id": None,
    }
    return _render(fmt, "service_requests", "request", [row], status=201)


def service_codes() -> Iterable[str]:
    return DeptType.values
