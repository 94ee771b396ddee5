"""Intake is one service: the agent's form, the REST API, Open311 and the citizens' web form all
call :func:`intake_request`.

It routes the request on the server (so the proposal never depends on the order in which the
agent filled the form), takes the order, records what the router proposed
(``RoutingRecord``) and, when the final choice differs, the correction; then merges it into a
duplicate or dispatches it at once when asked — and when dispatch is refused the caller gets
the reason instead of a silent "已受理". An order taken without dispatch (the web form, Open311,
an API client) is dispatched later on the order page: :func:`record_dispatch_choice` then
records the agent's choice against the proposal kept in ``RoutingRecord``. A unit's return
followed by a re-dispatch is recorded as a correction pair by :func:`record_return_pair`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from lianxin.core.errors import ApplicationError
from lianxin.directory.models import Organisation

from . import selectors, services
from .models import (
    Channel,
    CorrectionSource,
    RoutingCorrection,
    RoutingRecord,
    Status,
    Urgency,
    WorkOrder,
)


@dataclass
class IntakeResult:
    order: WorkOrder
    created: bool
    proposal: dict[str, Any] | None = None
    dispatched: bool = False
    dispatch_error: str = ""
    merged: bool = False
    correction: RoutingCorrection | None = None


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _unit_by_code(code: str | None) -> Organisation | None:
    if not code:
        return None
    return Organisation.objects.filter(code=code, is_handling_unit=True, is_active=True).first()


def _unit_for_type(proposal: Any, dept_type: str, area_code: str) -> Organisation | None:
    """The unit the router would give a type the agent chose instead of its own."""
    if proposal is not None and proposal.dept_type == dept_type and proposal.unit:
        return _unit_by_code(proposal.unit["code"])
    for alt in proposal.alternatives if proposal is not None else ():
        if alt["dept_type"] == dept_type and alt.get("unit"):
            return _unit_by_code(alt["unit"]["code"])
    from .routing.router import DEFAULT_LEVEL, target_area

    code, hint = target_area(DEFAULT_LEVEL.get(dept_type, "county"), area_code)
    return selectors.DirectoryUnitResolver().unit(dept_type, code, hint)


def record_correction(
    *,
    actor: Any,
    order: WorkOrder | None,
    text: str,
    proposal: dict[str, Any],
    chosen_dept_type: str,
    chosen_unit: Organisation | None,
    source: str = CorrectionSource.INTAKE,
    channel: str = "",
    return_reason: str = "",
) -> RoutingCorrection | None:
    """Store the pair when the final choice differs from the proposal (retraining reads it)."""
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
        source=source,
        channel=channel,
        return_reason=return_reason,
        created_by=_user(actor),
    )


def record_dispatch_choice(
    *, actor: Any, order: WorkOrder, unit: Organisation
) -> RoutingCorrection | None:
    """The first dispatch of an order taken earlier: the agent's unit against the proposal
    recorded at intake (nothing when intake already recorded a correction, or had none)."""
    record = RoutingRecord.objects.filter(order=order).first()
    if record is None or RoutingCorrection.objects.filter(order=order).exists():
        return None
    return record_correction(
        actor=actor,
        order=order,
        text=order.text,
        proposal={
            "dept_type": record.proposed_dept_type,
            "unit": {"code": record.proposed_unit_code} if record.proposed_unit_code else None,
            "confidence": record.confidence,
        },
        chosen_dept_type=unit.dept_type or order.dept_type,
        chosen_unit=unit,
        channel=order.channel,
    )


def record_return_pair(
    *,
    actor: Any,
    order: WorkOrder,
    returned_unit: Organisation,
    reason: str,
    new_unit: Organisation,
) -> RoutingCorrection | None:
    """A unit returned the order as not theirs and the hotline re-dispatched it: the pair
    (returned unit → new unit) is a correction like an agent's."""
    if returned_unit.pk == new_unit.pk:
        return None
    return record_correction(
        actor=actor,
        order=order,
        text=order.text,
        proposal={"dept_type": returned_unit.dept_type, "unit": {"code": returned_unit.code}},
        chosen_dept_type=new_unit.dept_type or order.dept_type,
        chosen_unit=new_unit,
        source=CorrectionSource.RETURN,
        channel=order.channel,
        return_reason=reason,
    )


@transaction.atomic
def intake_request(
    *,
    actor: Any,
    text: str,
    channel: str = Channel.PHONE,
    caller_name: str = "",
    caller_phone: str = "",
    place: str = "",
    area_code: str | None = None,
    dept_type: str | None = None,
    urgency: str = Urgency.GENERAL,
    latitude: Any = None,
    longitude: Any = None,
    idempotency_key: str | None = None,
    hotline: Organisation | None = None,
    lead_unit: Organisation | None = None,
    support_units: Sequence[Organisation] = (),
    dispatch_now: bool = False,
    merge_into: WorkOrder | None = None,
    received_at: dt.datetime | None = None,
) -> IntakeResult:
    """Take one request from any channel. ``area_code``: the place the agent chose (after an
    ambiguous proposal); ``dept_type``/``lead_unit``: the agent's (or client's) choice, the
    proposal's when empty. Invalid input raises ApplicationError and writes nothing; a
    refused dispatch leaves the order taken and says why in ``dispatch_error``."""
    place = (place or "").strip()[:200]
    area_code = (area_code or "").strip() or None
    proposal_obj = None
    if (text or "").strip():
        try:
            proposal_obj = selectors.route_request(
                text=f"{place}{text}" if place else text,
                location=place or None,
                area_code=area_code,
            )
        except ValueError:
            proposal_obj = None
    proposal = proposal_obj.as_dict() if proposal_obj is not None else None
    place_code = area_code
    if place_code is None and proposal_obj is not None and proposal_obj.place:
        place_code = proposal_obj.place["code"]
    order, created = services.workorder_intake(
        actor=actor,
        text=text,
        caller_name=caller_name,
        caller_phone=caller_phone,
        place=place,
        channel=channel,
        area_code=place_code,
        dept_type=dept_type or None,
        urgency=urgency,
        latitude=latitude,
        longitude=longitude,
        idempotency_key=idempotency_key,
        hotline=hotline,
        proposal=proposal,
        received_at=received_at,
    )
    result = IntakeResult(order=order, created=created, proposal=proposal)
    if not created or order.status != Status.RECEIVED:
        return result  # a resubmission answers the order already taken
    if proposal is not None:
        RoutingRecord.objects.create(
            order=order,
            proposed_dept_type=proposal["dept_type"],
            proposed_unit=_unit_by_code((proposal.get("unit") or {}).get("code")),
            proposed_unit_code=(proposal.get("unit") or {}).get("code", ""),
            duty_code=(proposal.get("duty_entry") or {}).get("code", ""),
            confidence=proposal.get("confidence"),
            place_ambiguous=bool(proposal_obj and proposal_obj.area_ambiguous and not area_code),
            channel=channel,
            at=timezone.now(),
        )
    if merge_into is not None:
        services.workorder_merge(actor=actor, order=order, into=merge_into)
        result.merged = True
        return result
    explicit_unit = lead_unit is not None
    if lead_unit is None and (dispatch_now or dept_type):
        lead_unit = _unit_for_type(proposal_obj, order.dept_type, order.area_code)
    if proposal is not None:
        result.correction = record_correction(
            actor=actor,
            order=order,
            text=order.text,
            proposal=proposal,
            chosen_dept_type=order.dept_type,
            chosen_unit=lead_unit,
            channel=channel,
        )
    if dispatch_now:
        if lead_unit is None:
            result.dispatch_error = "未找到对应的主办单位，请在工单页选择单位后派单"
        elif (
            not explicit_unit
            and proposal_obj is not None
            and proposal_obj.area_ambiguous
            and not area_code
        ):
            result.dispatch_error = "诉求地点有歧义，请先选择具体地点或主办单位再派单"
        else:
            try:
                with transaction.atomic():
                    services.workorder_dispatch(
                        actor=actor, order=order, lead_unit=lead_unit, support_units=support_units
                    )
            except ApplicationError as exc:
                result.dispatch_error = exc.message
                order.refresh_from_db()
            else:
                result.dispatched = True
    return result
