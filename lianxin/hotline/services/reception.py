"""Taking a request (受理): validation, place, category, the hotline centre, the caller
matched within the taker's area, the tracking code. The channels call it through
``hotline.intake.intake_request``."""

from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from lianxin.areas.models import Division
from lianxin.core import idnumber, phone
from lianxin.core.errors import ApplicationError
from lianxin.core.inputs import halfwidth
from lianxin.core.roles import Role
from lianxin.core.scoping import scope_of
from lianxin.directory.models import DeptType, Organisation, OrgKind

from ..models import (
    Channel,
    Status,
    Urgency,
    WorkOrder,
)
from ._common import (
    _dispatch_due,
    _event,
    _user,
)

_TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_MEANINGFUL = re.compile(r"[\u4e00-\u9fffA-Za-z]")


def new_tracking_code(now: dt.datetime | None = None) -> str:
    """``NX`` + yymmdd + 8 random characters (no 0/O/1/I; 32⁸ ≈ 10¹² a day, so a day of
    100,000 orders collides with probability ~0.5%, and intake then draws again)."""
    now = now or timezone.now()
    tail = "".join(secrets.choice(_TRACKING_ALPHABET) for _ in range(8))
    return f"NX{timezone.localtime(now):%y%m%d}{tail}"


def _hotline_of(actor: Any, organisation_ids: tuple[int, ...]) -> Organisation | None:
    """The hotline centre among the agent's organisations, kept on the user object like her
    scope (one lookup per request or per agent session in a loop, not one per intake)."""
    cached = getattr(actor, "_lianxin_hotline", None)
    if cached is not None and cached[0] == organisation_ids:
        return cached[1]
    org = (
        Organisation.objects.filter(pk__in=organisation_ids, kind=OrgKind.HOTLINE_CENTRE)
        .order_by("area_code")
        .first()
    )
    if actor is not None:
        actor._lianxin_hotline = (organisation_ids, org)
    return org


def hotline_for_area(area_code: str) -> Organisation | None:
    """The city hotline of the area, else the regional one."""
    for code in (f"{area_code[:4]}-hotline", "64-hotline"):
        org = Organisation.objects.filter(code=code, kind=OrgKind.HOTLINE_CENTRE).first()
        if org is not None:
            return org
    return Organisation.objects.filter(kind=OrgKind.HOTLINE_CENTRE).order_by("area_code").first()


def _clean_text(text: str) -> str:
    """The citizen's words as typed: canonical (NFC) only, so full-width Chinese punctuation
    ("，。？：") stays (#12); readers that need ASCII digits and letters (location, routing,
    phone and ID detection) use `halfwidth()` of it."""
    cleaned = unicodedata.normalize("NFC", text or "").replace("\x00", "").strip()
    if not cleaned:
        raise ApplicationError("诉求内容不能为空", extra={"field": "text"})
    meaningful = len(_MEANINGFUL.findall(halfwidth(cleaned)))
    garbage = cleaned.count("\ufffd") + sum(1 for c in cleaned if unicodedata.category(c) == "Co")
    if meaningful < 4 or garbage * 5 > len(cleaned):
        raise ApplicationError(
            "诉求内容无法识别，请用文字描述具体问题（至少4个字）", extra={"field": "text"}
        )
    if len(cleaned) > 4000:
        raise ApplicationError("诉求内容过长，请控制在4000字以内", extra={"field": "text"})
    return cleaned


def _locate(area_code: str | None, place: str, text: str) -> str:
    if area_code:
        if not Division.objects.filter(code=area_code).exists() or not area_code.startswith("64"):
            raise ApplicationError(f"区划代码 {area_code} 不存在", extra={"field": "place"})
        return area_code
    from ..routing import locate

    match = locate(place or "", None) if place else None
    if match is None:
        match = locate(f"{place}{text}")
    if match is None:
        raise ApplicationError(
            "无法确定诉求地点，请补充区县、乡镇（街道）、道路或小区名称", extra={"field": "place"}
        )
    return match.code


def _coordinate(value: Any, low: float, high: float, label: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except InvalidOperation as exc:
        raise ApplicationError(f"{label}格式不正确") from exc
    if not (low <= float(number) <= high):
        raise ApplicationError(f"{label}超出宁夏范围")
    return number


# --- intake --------------------------------------------------------------------------------


@transaction.atomic
def workorder_intake(
    *,
    actor: Any,
    text: str,
    caller_name: str = "",
    caller_phone: str = "",
    place: str = "",
    channel: str = Channel.PHONE,
    area_code: str | None = None,
    dept_type: str | None = None,
    urgency: str = Urgency.GENERAL,
    latitude: Any = None,
    longitude: Any = None,
    idempotency_key: str | None = None,
    hotline: Organisation | None = None,
    proposal: dict[str, Any] | None = None,
    received_at: dt.datetime | None = None,
) -> tuple[WorkOrder, bool]:
    """Take a request: validate, locate, classify, link the caller to the registry; returns
    (order, created). The same ``idempotency_key`` always answers the same order; invalid input
    raises ApplicationError with a Chinese message and creates nothing."""
    key = (idempotency_key or "").strip()[:80] or None
    if key:
        # pk only: most keys are new, and building a whole WorkOrder query costs more CPU
        existing_pk = (
            WorkOrder.objects.filter(idempotency_key=key).values_list("pk", flat=True).first()
        )
        if existing_pk is not None:
            return WorkOrder.objects.get(pk=existing_pk), False
    if channel not in Channel.values:
        raise ApplicationError("受理渠道不正确", extra={"field": "channel"})
    if urgency not in Urgency.values:
        raise ApplicationError("紧急程度不正确", extra={"field": "urgency"})
    cleaned = _clean_text(text)
    number = ""
    if caller_phone:
        try:
            number = phone.normalise(caller_phone)
        except phone.PhoneError as exc:
            raise ApplicationError(str(exc), extra={"field": "caller_phone"}) from exc
    elif channel == Channel.PHONE:
        raise ApplicationError("请填写来电号码", extra={"field": "caller_phone"})
    place = (place or "").strip()[:200]
    code = _locate(area_code, place, halfwidth(cleaned))
    routed: dict[str, Any] = proposal or {}
    if not dept_type:
        if not routed:
            from ..selectors import route_request

            routed = route_request(text=halfwidth(cleaned), location=place or None).as_dict()
        dept_type = routed.get("dept_type", "")
    if dept_type not in DeptType.values:
        raise ApplicationError("诉求类别不正确", extra={"field": "dept_type"})
    if hotline is None:
        agent_hotlines = scope_of(actor).organisation_ids([Role.HOTLINE_AGENT])
        hotline = (
            _hotline_of(actor, tuple(sorted(agent_hotlines))) if agent_hotlines else None
        ) or hotline_for_area(code)
    if hotline is None:
        raise ApplicationError("未配置12345热线机构")
    now = received_at or timezone.now()
    person = household = None
    if number:
        from lianxin.registry.selectors import current_household_of

        from ..selectors import caller_person

        person = caller_person(user=actor, phone_number=number, area_code=code)
        household = current_household_of(person) if person else None
    order = WorkOrder(
        tracking_code=new_tracking_code(now),
        channel=channel,
        hotline=hotline,
        caller_name=(caller_name or "").strip()[:40],
        caller_phone=number,
        caller_phone_hash=idnumber.search_hash(number) if number else "",
        text=cleaned,
        place=place,
        area_code=code,
        latitude=_coordinate(latitude, 35.0, 39.5, "纬度"),
        longitude=_coordinate(longitude, 104.0, 107.9, "经度"),
        dept_type=dept_type,
        urgency=urgency,
        status=Status.RECEIVED,
        received_at=now,
        person=person,
        household=household,
        idempotency_key=key,
        routed_dept_type=routed.get("dept_type", ""),
        routed_confidence=routed.get("confidence"),
        created_by=_user(actor),
    )
    order.dispatch_due_at = _dispatch_due(order, now)
    order.due_at = order.dispatch_due_at
    for attempt in range(3):
        try:
            with transaction.atomic():
                order.save()
            break
        except IntegrityError:
            # a concurrent submission with the same key won the insert: answer its order
            existing = WorkOrder.objects.filter(idempotency_key=key).first() if key else None
            if existing is not None:
                return existing, False
            # else the random tracking code was already taken (rare): draw another
            if attempt == 2:
                raise
            order.pk = None
            order.tracking_code = new_tracking_code(now)
    _event(order, action="intake", actor=actor, from_status="", at=now, data={"channel": channel})
    return order, True
