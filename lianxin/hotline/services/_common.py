"""The helpers every work-order service uses: the row lock, the declared move
(``workflows.check`` + ``Workflow.advance``), the timeline event with its audit row and
follow-up task, the checks of who may act, the deadlines and the assignments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone

from lianxin.core import audit
from lianxin.core.errors import AccessDenied, ApplicationError
from lianxin.core.tasks import enqueue_on_commit
from lianxin.directory.models import Organisation

from .. import tasks, timelimits
from ..models import (
    AssignmentRole,
    WorkOrder,
    WorkOrderAssignment,
    WorkOrderEvent,
)
from ..workflows import WORKORDER_WORKFLOW, check, my_assignments

LEVEL_RANK = {"province": 0, "city": 1, "county": 2, "township": 3}


# --- helpers -------------------------------------------------------------------------------


def _locked(order: WorkOrder | int) -> WorkOrder:
    pk = order.pk if isinstance(order, WorkOrder) else order
    return WorkOrder.objects.select_for_update().get(pk=pk)


def _move(
    order: WorkOrder,
    action: str,
    now: dt.datetime,
    *,
    actor: Any,
    who: bool = True,
    **fields: Any,
) -> str:
    """Check the declaration (who, from which state), then move the state with its conditional
    UPDATE (``Workflow.advance``); returns the old state. ``who=False``: a step that follows
    another transition (the citizen's rating, the close after a satisfied callback)."""
    check(actor, order, action, who=who)
    before = order.status
    WORKORDER_WORKFLOW.advance(
        order, action, actor=_user(actor), updates={"updated_at": now, **fields}, check=False
    )
    return before


def _event(
    order: WorkOrder,
    action: str,
    actor: Any,
    from_status: str,
    *,
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


def _require_visible(actor: Any, order: WorkOrder) -> None:
    if not WorkOrder.objects.for_user(actor).filter(pk=order.pk).exists():
        raise AccessDenied("无权处理该工单")


def _require(actor: Any, order: WorkOrder, action: str) -> None:
    """The actor sees the order and the declaration lets them take ``action`` (who only; the
    state is checked when the state moves)."""
    check(actor, order, action, who=True, state=False)
    _require_visible(actor, order)


def _unit_assignment(actor: Any, order: WorkOrder, *, lead_only: bool) -> WorkOrderAssignment:
    """The active assignment of the actor's unit on this order, or AccessDenied."""
    mine = my_assignments(actor, order)
    if lead_only:
        mine = [a for a in mine if a.role == AssignmentRole.LEAD]
    if not mine:
        raise AccessDenied(
            "该工单未派给您的单位，不能操作" if not lead_only else "只有主办单位可以执行此操作"
        )
    return mine[0]


def _as_lead(actor: Any, order: WorkOrder) -> tuple[WorkOrder, WorkOrderAssignment]:
    """The order locked, and the actor's unit's lead assignment on it (or AccessDenied)."""
    order = _locked(order)
    return order, _unit_assignment(actor, order, lead_only=True)


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


def _send(
    order: WorkOrder,
    action: str,
    *,
    actor: Any,
    unit: Organisation,
    support: Sequence[Organisation],
    **extra: Any,
) -> str:
    """Make ``unit`` the lead unit (dispatch, review of a return, escalation): the state moves,
    the reply deadline starts again, the assignments are replaced; returns the old state."""
    now = timezone.now()
    reply_due = _reply_due(order, now)
    before = _move(
        order,
        action,
        now,
        actor=actor,
        lead_unit=unit,
        dispatched_at=now,
        reply_due_at=reply_due,
        due_at=reply_due,
        **extra,
    )
    _assign(order, lead=unit, support=support, actor=actor)
    return before


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def units_by_ids(ids: Iterable[Any]) -> list[Organisation]:
    clean = [int(i) for i in ids if str(i).isdigit()]
    return list(Organisation.objects.filter(pk__in=clean, is_handling_unit=True, is_active=True))
