"""Escalation (会商提级) of a measure and joint meetings (联席会议) that decide on them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from lianxin.core import audit
from lianxin.core.errors import ApplicationError, Conflict, InvalidTransition
from lianxin.core.roles import Role
from lianxin.directory.models import Organisation

from ..models import (
    Escalation,
    JointMeeting,
    Measure,
)
from ..workflows import check_measure
from ._common import (
    IncompleteRecord,
    _covers,
    _enqueue_refresh,
    _lock,
    _lock_measure,
    _missing_or_raise,
    _require,
    _require_filled,
    _text,
)
from .measures import _cancel, _create_measure
from .planning import _require_plan_open


@transaction.atomic
def escalation_raise(*, actor: Any, measure: Measure, kind: str, reason: str) -> Escalation:
    """A measure its unit cannot deliver goes to consultation (会商) or a higher level (提级):
    raised by the responsible unit or the township of the area, with the reason; one open
    escalation per measure."""
    measure = _lock_measure(measure)
    check_measure(actor, measure, "escalate")
    missing = []
    if kind not in Escalation.Kind.values:
        missing.append("方式（会商或提级）")
    if not _text(reason):
        missing.append("原因")
    _missing_or_raise("会商提级", missing)
    escalation = Escalation.objects.create(
        measure=measure, kind=kind, reason=_text(reason), raised_by=actor, created_by=actor
    )
    audit.record(
        actor=actor,
        action="care.escalation.raise",
        target=escalation,
        area_code=measure.area_code,
        changes={"measure": measure.pk, "kind": kind},
    )
    _enqueue_refresh(measure.case)
    return escalation


MEETING_ROLES = (Role.COUNTY_STAFF, Role.CITY_STAFF, Role.REGION_STAFF, Role.LEADER)


def _agenda_candidates(area_code: str) -> Any:
    return Escalation.objects.filter(
        status=Escalation.Status.OPEN, area_code__startswith=area_code
    ).order_by("measure__grade_rank", "pk")


@transaction.atomic
def joint_meeting_schedule(
    *, actor: Any, area_code: str, title: str, scheduled_on: dt.date | None
) -> JointMeeting:
    """联席会议: scheduled by county, city or region staff or a leader for their area; its
    agenda is every open escalation of the area (urgent first); a meeting needs at least one."""
    _require(
        bool(area_code) and _covers(actor, area_code, MEETING_ROLES),
        "只有县级以上部门工作人员或包抓领导可以召集本区域的联席会议",
    )
    missing = []
    if not _text(title):
        missing.append("会议名称")
    if scheduled_on is None:
        missing.append("会议日期")
    _missing_or_raise("联席会议", missing)
    assert scheduled_on is not None
    candidates = list(_agenda_candidates(area_code).select_for_update())
    if not candidates:
        raise IncompleteRecord("联席会议议程", ["待上会的会商提级事项"])
    meeting = JointMeeting.objects.create(
        title=_text(title),
        area_code=area_code,
        scheduled_on=scheduled_on,
        convener=actor,
        created_by=actor,
    )
    Escalation.objects.filter(pk__in=[e.pk for e in candidates]).update(
        meeting=meeting, status=Escalation.Status.ON_AGENDA, updated_at=timezone.now()
    )
    audit.record(
        actor=actor,
        action="care.meeting.schedule",
        target=meeting,
        area_code=area_code,
        changes={"agenda": [e.pk for e in candidates]},
    )
    return meeting


def _lock_meeting(meeting: JointMeeting) -> JointMeeting:
    return JointMeeting.objects.select_for_update().get(pk=meeting.pk)


@transaction.atomic
def joint_meeting_record_minutes(
    *, actor: Any, meeting: JointMeeting, held_on: dt.date, minutes: str
) -> JointMeeting:
    """The meeting was held: its date and minutes (会议纪要) are required."""
    meeting = _lock_meeting(meeting)
    _require(_covers(actor, meeting.area_code, MEETING_ROLES), "您不能记录该联席会议")
    if meeting.status == JointMeeting.Status.CLOSED:
        raise InvalidTransition("联席会议已闭环，不能修改纪要")
    _require_filled("联席会议纪要", {"召开日期": held_on is not None, "会议纪要": _text(minutes)})
    before = meeting.status
    meeting.held_on = held_on
    meeting.minutes = _text(minutes)
    meeting.status = JointMeeting.Status.HELD
    meeting.updated_by = actor
    meeting.save(update_fields=["held_on", "minutes", "status", "updated_by", "updated_at"])
    audit.record(
        actor=actor,
        action="care.meeting.minutes",
        target=meeting,
        area_code=meeting.area_code,
        changes={"status": [before, meeting.status]},
    )
    return meeting


@transaction.atomic
def joint_meeting_decide(
    *,
    actor: Any,
    meeting: JointMeeting,
    escalation: Escalation,
    decision: str,
    action: str,
    title: str,
    responsible_unit: Organisation | None,
    deadline: dt.date | None,
    budget_fen: int | None = None,
) -> Measure:
    """A decision of the held meeting on one agenda item becomes a measure of the named
    department on the household's plan; the escalated measure is cancelled as taken over."""
    meeting = _lock_meeting(meeting)
    _require(_covers(actor, meeting.area_code, MEETING_ROLES), "您不能记录该联席会议的决定")
    if meeting.status != JointMeeting.Status.HELD:
        raise InvalidTransition("联席会议召开并记录纪要后才能作出决定")
    escalation = Escalation.objects.select_for_update().get(pk=escalation.pk)
    if escalation.meeting_id != meeting.pk:
        raise ApplicationError("该事项不在本次会议议程中")
    if escalation.status == Escalation.Status.RESOLVED:
        raise Conflict("该事项已作出决定")
    _missing_or_raise("会议决定", [] if _text(decision) else ["决定内容"])
    old = _lock_measure(escalation.measure)
    case = _lock(old.case)
    _require_plan_open(case)
    measure = _create_measure(
        actor=actor,
        case=case,
        action=action,
        title=title,
        responsible_unit=responsible_unit,
        deadline=deadline,
        budget_fen=budget_fen,
        meeting=meeting,
    )
    if old.is_open:
        _cancel(
            actor=actor,
            measure=old,
            reason=f"经{meeting.title}决定，由{measure.responsible_unit.name}承接",
        )
    escalation.status = Escalation.Status.RESOLVED
    escalation.decision = _text(decision)
    escalation.updated_by = actor
    escalation.save(update_fields=["status", "decision", "updated_by", "updated_at"])
    audit.record(
        actor=actor,
        action="care.meeting.decide",
        target=meeting,
        area_code=meeting.area_code,
        changes={"escalation": escalation.pk, "measure": measure.pk},
    )
    _enqueue_refresh(case)
    return measure


@transaction.atomic
def joint_meeting_close(*, actor: Any, meeting: JointMeeting) -> JointMeeting:
    """The meeting is closed (闭环) once every agenda item has its decision."""
    meeting = _lock_meeting(meeting)
    _require(_covers(actor, meeting.area_code, MEETING_ROLES), "您不能关闭该联席会议")
    if meeting.status != JointMeeting.Status.HELD:
        raise InvalidTransition("联席会议召开并记录纪要后才能闭环")
    undecided = list(
        meeting.agenda.exclude(status=Escalation.Status.RESOLVED)
        .order_by("pk")
        .values_list("measure__title", flat=True)
    )
    if undecided:
        raise IncompleteRecord("联席会议闭环", [f"议题「{t}」的决定" for t in undecided])
    meeting.status = JointMeeting.Status.CLOSED
    meeting.updated_by = actor
    meeting.save(update_fields=["status", "updated_by", "updated_at"])
    audit.record(
        actor=actor, action="care.meeting.close", target=meeting, area_code=meeting.area_code
    )
    return meeting
