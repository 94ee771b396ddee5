"""Sending an order to units and back: dispatch (派单), accept (签收), return (退单)
and the review of a return."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from lianxin.core.errors import ApplicationError, InvalidTransition
from lianxin.core.servicekit import required_text
from lianxin.directory.models import Organisation

from ..models import AssignmentRole, Status, WorkOrder, WorkOrderAssignment
from ..workflows import check
from ._common import (
    _as_lead,
    _dispatch_due,
    _event,
    _locked,
    _move,
    _require,
    _send,
    _unit_assignment,
    _validate_unit,
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
    _require(actor, order, "dispatch")
    _validate_unit(lead_unit)
    before = _send(
        order, "dispatch", actor=actor, unit=lead_unit, support=support_units, accepted_at=None
    )
    if before == Status.RECEIVED:
        from ..intake import record_dispatch_choice

        record_dispatch_choice(actor=actor, order=order, unit=lead_unit)
    _event(
        order,
        "dispatch",
        actor,
        before,
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
    unit = assignment.organisation
    now = timezone.now()
    support = assignment.role == AssignmentRole.SUPPORT
    if support:
        if assignment.accepted_at is not None:
            raise InvalidTransition("本单位已签收该工单（协办）")
        check(actor, order, "co_accept")  # a supporting unit's signature: the state stays
        before = order.status
    else:
        before = _move(order, "accept", now, actor=actor, accepted_at=now)
    assignment.accepted_at = now
    assignment.save(update_fields=["accepted_at", "updated_at"])
    _event(
        order,
        "accept",
        actor,
        before,
        organisation=unit,
        note="协办单位签收" if support else "",
    )
    return order


@transaction.atomic
def workorder_return(*, actor: Any, order: WorkOrder, reason: str) -> WorkOrder:
    """The lead unit returns the order (退单) with a reason; the hotline reviews it."""
    reason = required_text(
        reason, "请填写退单理由（至少4个字），说明为何不属于本单位职责", min_length=4
    )
    order, assignment = _as_lead(actor, order)
    unit = assignment.organisation
    now = timezone.now()
    due = _dispatch_due(order, now)
    before = _move(order, "return", now, actor=actor, lead_unit=None, due_at=due, accepted_at=None)
    WorkOrderAssignment.objects.filter(pk=assignment.pk).update(
        is_active=False, returned_at=now, return_reason=reason, updated_at=now
    )
    WorkOrderAssignment.objects.filter(order=order, is_active=True).update(is_active=False)
    _event(order, "return", actor, before, note=reason, organisation=unit)
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
    _require(actor, order, "review_return")
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
    before = _send(order, "review_return", actor=actor, unit=unit, support=support_units)
    if upheld and last is not None:
        from ..intake import record_return_pair

        record_return_pair(
            actor=actor,
            order=order,
            returned_unit=last.organisation,
            reason=last.return_reason,
            new_unit=unit,
        )
    _event(
        order,
        "review_return",
        actor,
        before,
        note=note,
        organisation=unit,
        data={"upheld": upheld},
    )
    return order
