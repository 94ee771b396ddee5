"""Supervision (督办), escalation (提级办理), consultation (会商) and the referral to
care (转介关爱帮扶)."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from lianxin.core.errors import ApplicationError, Conflict
from lianxin.directory.models import Organisation

from ..models import (
    AssignmentRole,
    WorkOrder,
    WorkOrderAssignment,
)
from ._common import (
    LEVEL_RANK,
    _event,
    _locked,
    _move,
    _require,
    _require_visible,
    _send,
    _user,
    _validate_unit,
)

# --- supervision and escalation ------------------------------------------------------------


@transaction.atomic
def workorder_supervise(*, actor: Any, order: WorkOrder, note: str) -> WorkOrder:
    """Supervise (督办) a near-due or overdue order: flagged, the unit is reminded."""
    order = _locked(order)
    _require(actor, order, "supervise")
    now = timezone.now()
    before = _move(order, "supervise", now, actor=actor, supervised=True)
    _event(order, "supervise", actor, before, note=note or "请加快办理")
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
    _require(actor, order, "escalate")
    current = order.lead_unit
    if current is not None and LEVEL_RANK.get(to_unit.level, 9) >= LEVEL_RANK.get(current.level, 9):
        raise ApplicationError("提级办理应交由更高层级的单位")
    before = _send(
        order,
        "escalate",
        actor=actor,
        unit=to_unit,
        support=[current] if current else [],
        escalated=True,
        accepted_at=None,
    )
    _event(order, "escalate", actor, before, note=note, organisation=to_unit)
    return order


@transaction.atomic
def workorder_consult(
    *, actor: Any, order: WorkOrder, units: Sequence[Organisation], note: str
) -> WorkOrder:
    """A joint consultation (会商): the units join as supporting units; the order is flagged."""
    if not units:
        raise ApplicationError("请选择参加会商的单位")
    order = _locked(order)
    _require(actor, order, "consult")
    now = timezone.now()
    before = _move(order, "consult", now, actor=actor, escalated=True)
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
        "consult",
        actor,
        before,
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
    before = _move(order, "refer_care", now, actor=actor, referred_to_care=True)
    case = refer(
        actor=actor,
        household=order.household,
        source_type="hotline.workorder",
        source_id=order.pk,
        description=f"12345工单 {order.tracking_code}：{note.strip()}",
    )
    _event(
        order,
        "refer_care",
        actor,
        before,
        note=note,
        data={"care_case": getattr(case, "pk", None)},
    )
    return order
