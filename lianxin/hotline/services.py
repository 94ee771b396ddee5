"""Writes of the hotline: one service per transition of the ``TRANSITIONS`` table.

Every transition locks the order row (``select_for_update``), then moves the state with a
conditional ``UPDATE … WHERE status = <seen>`` so that two simultaneous attempts leave exactly one
winner on PostgreSQL and on SQLite alike; it records a WorkOrderEvent and an audit row and
enqueues follow-ups once the transaction commits."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import re
import secrets
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.db.models.functions import ExtractMonth, ExtractYear, Length
from django.utils import timezone

from lianxin.areas.models import Division
from lianxin.core import audit, idnumber, phone
from lianxin.core.errors import AccessDenied, ApplicationError, Conflict, InvalidTransition
from lianxin.core.roles import AREA_STAFF_ROLES, Role
from lianxin.core.scoping import scope_of
from lianxin.core.tasks import enqueue_on_commit
from lianxin.directory.models import DeptType, Organisation, OrgKind

from . import tasks, timelimits
from .models import (
    ACTION_LABELS,
    TRANSITIONS,
    AssignmentRole,
    Callback,
    Channel,
    ExtensionRequest,
    ExtensionStatus,
    LedgerStatus,
    NoteKind,
    Open311ApiKey,
    ProblemLedgerItem,
    RoutingCorrection,
    Satisfaction,
    Season,
    Status,
    Urgency,
    WorkOrder,
    WorkOrderAssignment,
    WorkOrderAttachment,
    WorkOrderEvent,
    WorkOrderNote,
)

LEVEL_RANK = {"province": 0, "city": 1, "county": 2, "township": 3}
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_TYPES = {
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG",),
    ".pdf": (b"%PDF",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
}
_TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_MEANINGFUL = re.compile(r"[\u4e00-\u9fffA-Za-z]")


# --- helpers -------------------------------------------------------------------------------


def _status_label(value: str) -> str:
    return Status(value).label if value in Status.values else value


def _locked(order: WorkOrder | int) -> WorkOrder:
    pk = order.pk if isinstance(order, WorkOrder) else order
    return WorkOrder.objects.select_for_update().get(pk=pk)


def _check(order: WorkOrder, action: str) -> str | None:
    allowed, target = TRANSITIONS[action]
    if order.status not in allowed:
        raise InvalidTransition(
            f"工单当前状态为「{_status_label(order.status)}」，不能{ACTION_LABELS[action]}"
        )
    return target


def _move(order: WorkOrder, action: str, now: dt.datetime, **fields: Any) -> str:
    """Check the table, then move the state with a conditional UPDATE; returns the old state."""
    target = _check(order, action)
    before = order.status
    new_status = target or before
    updated = WorkOrder.objects.filter(pk=order.pk, status=before).update(
        status=new_status, updated_at=now, **fields
    )
    if updated != 1:
        raise Conflict("工单已被他人处理，请刷新后重试")
    order.status = new_status
    for name, value in fields.items():
        setattr(order, name, value)
    return before


def _event(
    order: WorkOrder,
    *,
    action: str,
    actor: Any,
    from_status: str,
    note: str = "",
    organisation: Organisation | None = None,
    data: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> WorkOrderEvent:
    event = WorkOrderEvent.objects.create(
        order=order,
        action=action,
        from_status=from_status,
        to_status=order.status,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=str(actor) if getattr(actor, "pk", None) else "群众",
        organisation=organisation,
        at=at or timezone.now(),
        note=note,
        data=data or {},
    )
    audit.record(
        actor=actor if getattr(actor, "pk", None) else None,
        action=f"hotline.workorder.{action}",
        target=order,
        changes={"status": [from_status, order.status], **({"note": note[:200]} if note else {})},
    )
    if action != "intake":  # nobody acts on a new order until it is dispatched
        enqueue_on_commit(tasks.workorder_follow_up, order.pk, action)
    return event


def _require_role(actor: Any, *roles: str, message: str) -> None:
    if not scope_of(actor).has_role(*roles):
        raise AccessDenied(message)


def _require_visible(actor: Any, order: WorkOrder) -> None:
    if not WorkOrder.objects.for_user(actor).filter(pk=order.pk).exists():
        raise AccessDenied("无权处理该工单")


def _require_agent(actor: Any, order: WorkOrder) -> None:
    _require_role(actor, Role.HOTLINE_AGENT, message="只有12345坐席可以执行此操作")
    _require_visible(actor, order)


def _unit_assignment(actor: Any, order: WorkOrder, *, lead_only: bool) -> WorkOrderAssignment:
    """The active assignment of the actor's unit on this order, or AccessDenied."""
    units = scope_of(actor).organisation_ids([Role.UNIT_STAFF])
    qs = WorkOrderAssignment.objects.filter(
        order=order, organisation_id__in=sorted(units), is_active=True
    ).select_related("organisation")
    if lead_only:
        qs = qs.filter(role=AssignmentRole.LEAD)
    assignment = qs.order_by("role").first()  # "lead" sorts before "support"
    if assignment is None:
        raise AccessDenied(
            "该工单未派给您的单位，不能操作" if not lead_only else "只有主办单位可以执行此操作"
        )
    return assignment


def _validate_unit(unit: Organisation | None, *, role: str = "主办") -> Organisation:
    if unit is None:
        raise ApplicationError(f"请选择{role}单位")
    if not unit.is_handling_unit or not unit.is_active:
        raise ApplicationError(f"「{unit.name}」不是可承办工单的单位")
    return unit


def _reply_due(order: WorkOrder, start: dt.datetime) -> dt.datetime:
    limits = timelimits.limits_for(
        urgency=order.urgency, channel=order.channel, dept_type=order.dept_type
    )
    return timelimits.deadline(start, limits["reply"])


def _dispatch_due(order: WorkOrder, start: dt.datetime) -> dt.datetime:
    limits = timelimits.limits_for(
        urgency=order.urgency, channel=order.channel, dept_type=order.dept_type
    )
    return timelimits.deadline(start, limits["dispatch"])


def _assign(
    order: WorkOrder,
    *,
    lead: Organisation,
    support: Sequence[Organisation],
    actor: Any,
) -> None:
    WorkOrderAssignment.objects.filter(order=order, is_active=True).update(is_active=False)
    rows = [
        WorkOrderAssignment(
            order=order, organisation=lead, role=AssignmentRole.LEAD, created_by=_user(actor)
        )
    ]
    seen = {lead.pk}
    for unit in support:
        _validate_unit(unit, role="协办")
        if unit.pk in seen:
            continue
        seen.add(unit.pk)
        rows.append(
            WorkOrderAssignment(
                order=order,
                organisation=unit,
                role=AssignmentRole.SUPPORT,
                created_by=_user(actor),
            )
        )
    WorkOrderAssignment.objects.bulk_create(rows)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


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
    cleaned = unicodedata.normalize("NFKC", text or "").replace("\x00", "").strip()
    if not cleaned:
        raise ApplicationError("诉求内容不能为空")
    meaningful = len(_MEANINGFUL.findall(cleaned))
    garbage = cleaned.count("\ufffd") + sum(1 for c in cleaned if unicodedata.category(c) == "Co")
    if meaningful < 4 or garbage * 5 > len(cleaned):
        raise ApplicationError("诉求内容无法识别，请用文字描述具体问题（至少4个字）")
    if len(cleaned) > 4000:
        raise ApplicationError("诉求内容过长，请控制在4000字以内")
    return cleaned


def _locate(area_code: str | None, place: str, text: str) -> str:
    if area_code:
        if not Division.objects.filter(code=area_code).exists() or not area_code.startswith("64"):
            raise ApplicationError(f"区划代码 {area_code} 不存在")
        return area_code
    from .routing import locate

    match = locate(place or "", None) if place else None
    if match is None:
        match = locate(f"{place}{text}")
    if match is None:
        raise ApplicationError("无法确定诉求地点，请补充区县、乡镇（街道）、道路或小区名称")
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
        raise ApplicationError("受理渠道不正确")
    if urgency not in Urgency.values:
        raise ApplicationError("紧急程度不正确")
    cleaned = _clean_text(text)
    number = ""
    if caller_phone:
        try:
            number = phone.normalise(caller_phone)
        except phone.PhoneError as exc:
            raise ApplicationError(str(exc)) from exc
    elif channel == Channel.PHONE:
        raise ApplicationError("请填写来电号码")
    place = (place or "").strip()[:200]
    code = _locate(area_code, place, cleaned)
    routed: dict[str, Any] = proposal or {}
    if not dept_type:
        if not routed:
            from .selectors import route_request

            routed = route_request(text=cleaned, location=place or None).as_dict()
        dept_type = routed.get("dept_type", "")
    if dept_type not in DeptType.values:
        raise ApplicationError("诉求类别不正确")
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
        from lianxin.registry.selectors import current_household_of, person_find_any_area

        person = person_find_any_area(phone_number=number)
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


def record_routing_correction(
    *,
    actor: Any,
    order: WorkOrder | None,
    text: str,
    proposal: dict[str, Any],
    chosen_dept_type: str,
    chosen_unit: Organisation | None,
) -> RoutingCorrection | None:
    """Store what the agent chose when it differs from the proposal (retraining reads these)."""
    proposed_unit = (proposal.get("unit") or {}).get("code", "")
    if proposal.get("dept_type") == chosen_dept_type and (
        chosen_unit is None or chosen_unit.code == proposed_unit
    ):
        return None
    return RoutingCorrection.objects.create(
        order=order,
        text=text,
        proposed_dept_type=proposal.get("dept_type", ""),
        proposed_unit_code=proposed_unit or "",
        proposed_confidence=proposal.get("confidence"),
        chosen_dept_type=chosen_dept_type,
        chosen_unit=chosen_unit,
        created_by=_user(actor),
    )


# --- dispatch, accept, return --------------------------------------------------------------


@transaction.atomic
def workorder_dispatch(
    *,
    actor: Any,
    order: WorkOrder,
    lead_unit: Organisation,
    support_units: Sequence[Organisation] = (),
    note: str = "",
) -> WorkOrder:
    """Send the order to a lead unit (主办) and supporting units (协办); the reply deadline starts."""
    order = _locked(order)
    _require_agent(actor, order)
    _validate_unit(lead_unit)
    now = timezone.now()
    reply_due = _reply_due(order, now)
    before = _move(
        order,
        "dispatch",
        now,
        lead_unit=lead_unit,
        dispatched_at=now,
        reply_due_at=reply_due,
        due_at=reply_due,
        accepted_at=None,
    )
    _assign(order, lead=lead_unit, support=support_units, actor=actor)
    _event(
        order,
        action="dispatch",
        actor=actor,
        from_status=before,
        note=note,
        organisation=lead_unit,
        data={"support": [u.pk for u in support_units]},
    )
    return order


@transaction.atomic
def workorder_accept(*, actor: Any, order: WorkOrder) -> WorkOrder:
    """The unit signs for the order (签收). Only staff of a unit it was sent to; of two
    simultaneous accepts one wins and the other is told the order moved on."""
    order = _locked(order)
    assignment = _unit_assignment(actor, order, lead_only=False)
    now = timezone.now()
    if assignment.role == AssignmentRole.SUPPORT:
        if assignment.accepted_at is not None:
            raise InvalidTransition("本单位已签收该工单（协办）")
        _check(order, "note")
        assignment.accepted_at = now
        assignment.save(update_fields=["accepted_at", "updated_at"])
        _event(
            order,
            action="accept",
            actor=actor,
            from_status=order.status,
            organisation=assignment.organisation,
            note="协办单位签收",
        )
        return order
    before = _move(order, "accept", now, accepted_at=now)
    assignment.accepted_at = now
    assignment.save(update_fields=["accepted_at", "updated_at"])
    _event(
        order,
        action="accept",
        actor=actor,
        from_status=before,
        organisation=assignment.organisation,
    )
    return order


@transaction.atomic
def workorder_return(*, actor: Any, order: WorkOrder, reason: str) -> WorkOrder:
    """The lead unit returns the order (退单) with a reason; the hotline reviews it."""
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ApplicationError("请填写退单理由（至少4个字），说明为何不属于本单位职责")
    order = _locked(order)
    assignment = _unit_assignment(actor, order, lead_only=True)
    now = timezone.now()
    due = _dispatch_due(order, now)
    before = _move(order, "return", now, lead_unit=None, due_at=due, accepted_at=None)
    WorkOrderAssignment.objects.filter(pk=assignment.pk).update(
        is_active=False, returned_at=now, return_reason=reason, updated_at=now
    )
    WorkOrderAssignment.objects.filter(order=order, is_active=True).update(is_active=False)
    _event(
        order,
        action="return",
        actor=actor,
        from_status=before,
        note=reason,
        organisation=assignment.organisation,
    )
    return order


@transaction.atomic
def workorder_review_return(
    *,
    actor: Any,
    order: WorkOrder,
    upheld: bool,
    note: str,
    lead_unit: Organisation | None = None,
    support_units: Sequence[Organisation] = (),
) -> WorkOrder:
    """The hotline reviews a return (退单审核): upheld → re-dispatch to another unit; not upheld
    (争议不成立) → back to the unit that returned it, which must handle it."""
    note = (note or "").strip()
    if not note:
        raise ApplicationError("请填写审核意见")
    order = _locked(order)
    _require_agent(actor, order)
    last = (
        WorkOrderAssignment.objects.filter(order=order, role=AssignmentRole.LEAD)
        .exclude(returned_at=None)
        .select_related("organisation")
        .order_by("-returned_at")
        .first()
    )
    if upheld:
        unit = _validate_unit(lead_unit)
        if last is not None and unit.pk == last.organisation_id:
            raise ApplicationError("退单理由成立时，应改派其他单位")
    else:
        if last is None:
            raise ApplicationError("找不到退单单位")
        unit = last.organisation
    now = timezone.now()
    reply_due = _reply_due(order, now)
    before = _move(
        order,
        "review_return",
        now,
        lead_unit=unit,
        dispatched_at=now,
        reply_due_at=reply_due,
        due_at=reply_due,
    )
    _assign(order, lead=unit, support=support_units, actor=actor)
    _event(
        order,
        action="review_return",
        actor=actor,
        from_status=before,
        note=note,
        organisation=unit,
        data={"upheld": upheld},
    )
    return order


# --- handling ------------------------------------------------------------------------------


@transaction.atomic
def workorder_add_note(
    *, actor: Any, order: WorkOrder, text: str, kind: str = NoteKind.HANDLING
) -> WorkOrderNote:
    """A handling note (现场核实、办理情况). The lead unit's first note moves the order into
    handling."""
    text = (text or "").strip()
    if not text:
        raise ApplicationError("办理记录不能为空")
    if kind not in NoteKind.values:
        raise ApplicationError("记录类型不正确")
    order = _locked(order)
    assignment = _unit_assignment(actor, order, lead_only=False)
    now = timezone.now()
    if assignment.role == AssignmentRole.LEAD and order.status in TRANSITIONS["handle"][0]:
        before = _move(order, "handle", now)
        action = "handle"
    else:
        _check(order, "note")
        before = order.status
        action = "note"
    note = WorkOrderNote.objects.create(
        order=order,
        organisation=assignment.organisation,
        kind=kind,
        text=text,
        created_by=_user(actor),
    )
    if kind == NoteKind.VERIFICATION:
        combined = f"{order.verification}\n{text}".strip()
        WorkOrder.objects.filter(pk=order.pk).update(verification=combined)
        order.verification = combined
    _event(
        order,
        action=action,
        actor=actor,
        from_status=before,
        note=text,
        organisation=assignment.organisation,
        data={"kind": kind},
    )
    return note


@transaction.atomic
def workorder_add_attachment(
    *, actor: Any, order: WorkOrder, upload: UploadedFile
) -> WorkOrderAttachment:
    """Attach a photo or document (jpg, png, pdf, docx, xlsx; at most 10 MB; content checked)."""
    order = _locked(order)
    assignment = _unit_assignment(actor, order, lead_only=False)
    _check(order, "note")
    name = (upload.name or "").rsplit("/", 1)[-1][:200]
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in ATTACHMENT_TYPES:
        raise ApplicationError("只能上传图片（jpg、png）、PDF、Word或Excel文件")
    if upload.size is None or upload.size > MAX_ATTACHMENT_BYTES:
        raise ApplicationError("附件不能超过10MB")
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in ATTACHMENT_TYPES[suffix]):
        raise ApplicationError("文件内容与扩展名不符")
    attachment = WorkOrderAttachment.objects.create(
        order=order,
        file=upload,
        name=name,
        size=upload.size,
        content_type=suffix.lstrip("."),
        created_by=_user(actor),
    )
    _event(
        order,
        action="note",
        actor=actor,
        from_status=order.status,
        note=f"上传附件：{name}",
        organisation=assignment.organisation,
    )
    return attachment


@transaction.atomic
def workorder_request_extension(
    *, actor: Any, order: WorkOrder, working_days: int, reason: str
) -> ExtensionRequest:
    """The lead unit asks for more time (延期申请), at most 15 working days at once."""
    if not 1 <= int(working_days) <= 15:
        raise ApplicationError("延期天数应为1至15个工作日")
    if not (reason or "").strip():
        raise ApplicationError("请填写延期理由")
    order = _locked(order)
    assignment = _unit_assignment(actor, order, lead_only=True)
    _check(order, "request_extension")
    if ExtensionRequest.objects.filter(order=order, status=ExtensionStatus.PENDING).exists():
        raise Conflict("已有待审批的延期申请")
    request = ExtensionRequest.objects.create(
        order=order,
        organisation=assignment.organisation,
        working_days=int(working_days),
        reason=reason.strip(),
        created_by=_user(actor),
    )
    _event(
        order,
        action="request_extension",
        actor=actor,
        from_status=order.status,
        note=reason.strip(),
        organisation=assignment.organisation,
        data={"working_days": int(working_days)},
    )
    return request


@transaction.atomic
def workorder_decide_extension(
    *, actor: Any, extension: ExtensionRequest, approve: bool, note: str = ""
) -> ExtensionRequest:
    """The hotline approves or refuses an extension; approval moves the reply deadline."""
    order = _locked(extension.order_id)
    _require_agent(actor, order)
    _check(order, "decide_extension")
    extension = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    if extension.status != ExtensionStatus.PENDING:
        raise InvalidTransition("该延期申请已审批")
    now = timezone.now()
    extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    extension.decided_at = now
    extension.decision_note = note
    extension.updated_by = _user(actor)
    extension.save()
    if approve and order.reply_due_at is not None:
        from lianxin.core.workdays import add_working_days

        new_due = add_working_days(order.reply_due_at, extension.working_days)
        WorkOrder.objects.filter(pk=order.pk).update(reply_due_at=new_due, due_at=new_due)
        order.reply_due_at = order.due_at = new_due
    _event(
        order,
        action="decide_extension",
        actor=actor,
        from_status=order.status,
        note=note or ("同意延期" if approve else "不同意延期"),
        data={"approved": approve, "working_days": extension.working_days},
    )
    return extension


@transaction.atomic
def workorder_reply(
    *, actor: Any, order: WorkOrder, text: str, verification: str = ""
) -> WorkOrder:
    """The lead unit answers the citizen (答复): what was verified and what was done."""
    text = (text or "").strip()
    if len(text) < 4:
        raise ApplicationError("请填写答复内容（至少4个字）")
    order = _locked(order)
    assignment = _unit_assignment(actor, order, lead_only=True)
    now = timezone.now()
    verification = (verification or "").strip() or order.verification
    before = _move(
        order,
        "reply",
        now,
        reply_text=text,
        verification=verification,
        replied_at=now,
        replied_on_time=order.reply_due_at is None or now <= order.reply_due_at,
        due_at=None,
    )
    _event(
        order,
        action="reply",
        actor=actor,
        from_status=before,
        note=text,
        organisation=assignment.organisation,
    )
    return order


# --- callback, close, reopen, merge --------------------------------------------------------


@transaction.atomic
def workorder_callback(
    *,
    actor: Any,
    order: WorkOrder,
    satisfaction: str,
    resolved: bool,
    comment: str = "",
    by_citizen: bool = False,
    close: bool = True,
) -> WorkOrder:
    """The callback (回访): satisfied or basically satisfied → closed (when ``close``);
    unsatisfied → reopened for the hotline to send back."""
    if satisfaction not in Satisfaction.values:
        raise ApplicationError("请选择满意、基本满意或不满意")
    order = _locked(order)
    if not by_citizen:
        _require_agent(actor, order)
    now = timezone.now()
    before = _move(order, "callback", now, satisfaction=satisfaction, resolved=bool(resolved))
    Callback.objects.create(
        order=order,
        satisfaction=satisfaction,
        resolved=bool(resolved),
        comment=(comment or "").strip(),
        by_citizen=by_citizen,
        created_by=_user(actor),
    )
    _event(
        order,
        action="callback",
        actor=actor,
        from_status=before,
        note=comment or Satisfaction(satisfaction).label,
        data={"satisfaction": satisfaction, "resolved": bool(resolved), "by_citizen": by_citizen},
    )
    if satisfaction == Satisfaction.UNSATISFIED:
        due = _dispatch_due(order, now)
        before = _move(order, "reopen", now, due_at=due, closed_at=None)
        _event(order, action="reopen", actor=actor, from_status=before, note="回访不满意，重新办理")
    elif close:
        before = _move(order, "close", now, closed_at=now, due_at=None)
        _event(order, action="close", actor=actor, from_status=before, note="回访满意，办结")
    return order


@transaction.atomic
def workorder_close(*, actor: Any, order: WorkOrder, note: str = "") -> WorkOrder:
    """Close (办结) after the callback, or straight after intake when the agent answered the
    caller directly (直接答复, a note is then required)."""
    order = _locked(order)
    _require_agent(actor, order)
    now = timezone.now()
    fields: dict[str, Any] = {"closed_at": now, "due_at": None}
    if order.status == Status.RECEIVED:
        if len((note or "").strip()) < 4:
            raise ApplicationError("直接办结须填写答复内容")
        fields.update(reply_text=note.strip(), replied_at=now, replied_on_time=True)
    before = _move(order, "close", now, **fields)
    _event(order, action="close", actor=actor, from_status=before, note=note)
    return order


@transaction.atomic
def workorder_reopen(*, actor: Any, order: WorkOrder, reason: str) -> WorkOrder:
    """Reopen a closed order (the citizen calls again about the same matter)."""
    if not (reason or "").strip():
        raise ApplicationError("请填写重新办理的原因")
    order = _locked(order)
    _require_agent(actor, order)
    now = timezone.now()
    before = _move(order, "reopen", now, due_at=_dispatch_due(order, now), closed_at=None)
    _event(order, action="reopen", actor=actor, from_status=before, note=reason.strip())
    return order


@transaction.atomic
def workorder_merge(*, actor: Any, order: WorkOrder, into: WorkOrder, note: str = "") -> WorkOrder:
    """Merge a duplicate into an earlier order; the duplicate ends as ``merged``."""
    if order.pk == into.pk:
        raise ApplicationError("不能合并到自身")
    first, second = sorted([order.pk, into.pk])
    locked = {o.pk: o for o in WorkOrder.objects.select_for_update().filter(pk__in=[first, second])}
    order, into = locked[order.pk], locked[into.pk]
    _require_agent(actor, order)
    _require_visible(actor, into)
    if into.status == Status.MERGED:
        raise InvalidTransition("目标工单已被合并，请合并到主工单")
    now = timezone.now()
    before = _move(order, "merge", now, merged_into=into, due_at=None)
    WorkOrderAssignment.objects.filter(order=order, is_active=True).update(is_active=False)
    _event(
        order,
        action="merge",
        actor=actor,
        from_status=before,
        note=note or f"与工单 {into.tracking_code} 重复",
        data={"into": into.pk},
    )
    return order


# --- supervision and escalation ------------------------------------------------------------


@transaction.atomic
def workorder_supervise(*, actor: Any, order: WorkOrder, note: str) -> WorkOrder:
    """Supervise (督办) a near-due or overdue order: flagged, the unit is reminded."""
    _require_role(
        actor,
        Role.HOTLINE_AGENT,
        Role.LEADER,
        *AREA_STAFF_ROLES,
        message="只有热线、包抓领导或主管部门可以督办",
    )
    order = _locked(order)
    _require_visible(actor, order)
    now = timezone.now()
    before = _move(order, "supervise", now, supervised=True)
    _event(order, action="supervise", actor=actor, from_status=before, note=note or "请加快办理")
    return order


@transaction.atomic
def workorder_escalate(
    *, actor: Any, order: WorkOrder, to_unit: Organisation, note: str
) -> WorkOrder:
    """Escalate (提级办理) to a unit at a higher level; the former lead unit supports."""
    if not (note or "").strip():
        raise ApplicationError("请填写提级理由")
    _validate_unit(to_unit)
    order = _locked(order)
    _require_role(actor, Role.HOTLINE_AGENT, Role.LEADER, message="只有热线或包抓领导可以提级办理")
    _require_visible(actor, order)
    current = order.lead_unit
    if current is not None and LEVEL_RANK.get(to_unit.level, 9) >= LEVEL_RANK.get(current.level, 9):
        raise ApplicationError("提级办理应交由更高层级的单位")
    now = timezone.now()
    reply_due = _reply_due(order, now)
    before = _move(
        order,
        "escalate",
        now,
        lead_unit=to_unit,
        escalated=True,
        dispatched_at=now,
        reply_due_at=reply_due,
        due_at=reply_due,
        accepted_at=None,
    )
    _assign(order, lead=to_unit, support=[current] if current else [], actor=actor)
    _event(
        order, action="escalate", actor=actor, from_status=before, note=note, organisation=to_unit
    )
    return order


@transaction.atomic
def workorder_consult(
    *, actor: Any, order: WorkOrder, units: Sequence[Organisation], note: str
) -> WorkOrder:
    """A joint consultation (会商): the units join as supporting units; the order is flagged."""
    if not units:
        raise ApplicationError("请选择参加会商的单位")
    order = _locked(order)
    _require_role(actor, Role.HOTLINE_AGENT, Role.LEADER, message="只有热线或包抓领导可以组织会商")
    _require_visible(actor, order)
    now = timezone.now()
    before = _move(order, "consult", now, escalated=True)
    present = set(
        WorkOrderAssignment.objects.filter(order=order, is_active=True).values_list(
            "organisation_id", flat=True
        )
    )
    WorkOrderAssignment.objects.bulk_create(
        [
            WorkOrderAssignment(
                order=order,
                organisation=_validate_unit(u, role="会商"),
                role=AssignmentRole.SUPPORT,
                created_by=_user(actor),
            )
            for u in units
            if u.pk not in present
        ]
    )
    _event(
        order,
        action="consult",
        actor=actor,
        from_status=before,
        note=note,
        data={"units": [u.pk for u in units]},
    )
    return order


@transaction.atomic
def workorder_refer_to_care(*, actor: Any, order: WorkOrder, note: str) -> WorkOrder:
    """Refer the caller to the care app (关爱帮扶) when the order reveals hardship. Uses
    ``lianxin.care.services.case_open_from_referral`` when the care app provides it."""
    order = _locked(order)
    _require_visible(actor, order)
    if order.referred_to_care:
        raise Conflict("该工单已转介关爱帮扶")
    try:
        care_services = importlib.import_module("lianxin.care.services")
    except ImportError:
        care_services = None
    refer = getattr(care_services, "case_open_from_referral", None)
    if refer is None:
        raise ApplicationError("关爱帮扶模块尚未提供转介服务，请联系属地社区线下转介")
    if order.household_id is None:
        raise ApplicationError("来电人未关联到居民信息库中的住户，无法转介，请联系属地社区核实")
    if not (note or "").strip():
        raise ApplicationError("请填写转介说明（困难情况）")
    now = timezone.now()
    before = _move(order, "refer_care", now, referred_to_care=True)
    case = refer(
        actor=actor,
        household=order.household,
        source_type="hotline.workorder",
        source_id=order.pk,
        description=f"12345工单 {order.tracking_code}：{note.strip()}",
    )
    _event(
        order,
        action="refer_care",
        actor=actor,
        from_status=before,
        note=note,
        data={"care_case": getattr(case, "pk", None)},
    )
    return order


# --- problem ledger (未诉先办) ---------------------------------------------------------------

#: Seasons as the hotline sees them: winter is the heating season (November to February).
SEASON_OF_MONTH = {
    11: Season.WINTER,
    12: Season.WINTER,
    1: Season.WINTER,
    2: Season.WINTER,
    3: Season.SPRING,
    4: Season.SPRING,
    5: Season.SPRING,
    6: Season.SUMMER,
    7: Season.SUMMER,
    8: Season.SUMMER,
    9: Season.AUTUMN,
    10: Season.AUTUMN,
}


def hotspots_refresh(
    *, actor: Any = None, since: dt.datetime | None = None, min_orders: int = 5, min_years: int = 2
) -> int:
    """Find recurring problems (township or community × category × season with at least
    ``min_orders`` orders
    over at least ``min_years`` years, or twice that in one year) and add or update them in the
    problem ledger. Aggregated in the database; returns the number of items added."""
    since = since or timezone.now() - dt.timedelta(days=3 * 366)
    months: dict[int, list[int]] = {}
    for month, season in SEASON_OF_MONTH.items():
        months.setdefault(list(Season.values).index(season), []).append(month)
    added = 0
    for index, season in enumerate(Season.values):
        rows = (
            WorkOrder.objects.filter(received_at__gte=since)
            .exclude(status=Status.MERGED)
            .annotate(code_len=Length("area_code"))
            .filter(code_len__gte=9)  # a township, community or village: a place to act on
            .annotate(month=ExtractMonth("received_at"), year=ExtractYear("received_at"))
            .filter(month__in=months[index])
            .values("area_code", "dept_type")
            .annotate(
                n=Count("id"),
                years=Count("year", distinct=True),
                last=Max("received_at"),
                place=Max("place"),
            )
            .filter(Q(n__gte=min_orders, years__gte=min_years) | Q(n__gte=min_orders * 2))
            .order_by("-n")[:500]
        )
        for row in rows:
            item, created = ProblemLedgerItem.objects.get_or_create(
                area_code=row["area_code"],
                dept_type=row["dept_type"],
                season=season,
                defaults={
                    "title": _hotspot_title(
                        row["area_code"], row["dept_type"], season, row["place"]
                    ),
                    "order_count": row["n"],
                    "years": row["years"],
                    "last_seen_at": row["last"],
                    "created_by": _user(actor),
                },
            )
            if created:
                added += 1
                from .selectors import DirectoryUnitResolver

                unit = DirectoryUnitResolver().unit(row["dept_type"], row["area_code"])
                if unit is not None:
                    ProblemLedgerItem.objects.filter(pk=item.pk).update(responsible_unit=unit)
                audit.record(actor=_user(actor), action="hotline.ledger.create", target=item)
            else:
                ProblemLedgerItem.objects.filter(pk=item.pk).update(
                    order_count=row["n"], years=row["years"], last_seen_at=row["last"]
                )
    return added


def _hotspot_title(area_code: str, dept_type: str, season: str, place: str = "") -> str:
    division = Division.objects.filter(code=area_code).first()
    name = division.name if division else area_code
    where = f"{place}（{name}）" if place and name not in place else (place or name)
    return f"{where}{Season(season).label}{DeptType(dept_type).label}类诉求反复出现"


@transaction.atomic
def ledger_item_close(*, actor: Any, item: ProblemLedgerItem, measures: str) -> ProblemLedgerItem:
    """Close (销号) one ledger item with the measures taken."""
    if len((measures or "").strip()) < 4:
        raise ApplicationError("销号须填写整改措施（至少4个字）")
    item = ProblemLedgerItem.objects.select_for_update().get(pk=item.pk)
    if item.status == LedgerStatus.CLOSED:
        raise InvalidTransition("该问题已销号")
    scope = scope_of(actor)
    if not (
        scope.has_role(Role.HOTLINE_AGENT, Role.LEADER, *AREA_STAFF_ROLES)
        or (item.responsible_unit_id in scope.organisation_ids([Role.UNIT_STAFF]))
    ):
        raise AccessDenied("无权销号")
    item.status = LedgerStatus.CLOSED
    item.measures = measures.strip()
    item.closed_at = timezone.now()
    item.updated_by = _user(actor)
    item.save()
    audit.record(
        actor=actor,
        action="hotline.ledger.close",
        target=item,
        changes={"status": ["open", "closed"]},
    )
    return item


# --- Open311 keys --------------------------------------------------------------------------


def open311_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def open311_key_create(
    *, actor: Any, name: str, hotline: Organisation
) -> tuple[Open311ApiKey, str]:
    """A new API key for an Open311 client; the key itself is returned once, only its hash kept."""
    key = "o311_" + secrets.token_urlsafe(24)
    record = Open311ApiKey.objects.create(
        name=name,
        prefix=key[:8],
        key_hash=open311_key_hash(key),
        hotline=hotline,
        created_by=_user(actor),
    )
    audit.record(actor=_user(actor), action="hotline.open311key.create", target=record)
    return record, key


def open311_key_check(key: str) -> Open311ApiKey | None:
    if not key:
        return None
    record = Open311ApiKey.objects.filter(key_hash=open311_key_hash(key), is_active=True).first()
    if record is not None:
        Open311ApiKey.objects.filter(pk=record.pk).update(last_used_at=timezone.now())
    return record


def units_by_ids(ids: Iterable[Any]) -> list[Organisation]:
    clean = [int(i) for i in ids if str(i).isdigit()]
    return list(Organisation.objects.filter(pk__in=clean, is_handling_unit=True, is_active=True))
