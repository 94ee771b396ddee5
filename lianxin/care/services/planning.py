"""4. The plan (一户一策): its goal, leader and paired unit, and its approval."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from lianxin.core import audit
from lianxin.core.errors import ApplicationError, InvalidTransition
from lianxin.core.roles import Role
from lianxin.directory.models import Organisation

from ..models import (
    PLAN_OPEN_STAGES,
    CareCase,
    MeasureStatus,
    Plan,
    Stage,
)
from ._common import (
    _covers,
    _locked_for,
    _missing_or_raise,
    _move,
    _save_stage,
    _text,
)


def _require_plan_open(case: CareCase) -> None:
    if case.stage not in PLAN_OPEN_STAGES:
        raise InvalidTransition(
            f"案件当前处于「{Stage(case.stage).label}」阶段，认定之后才能制定和调整方案"
        )


@transaction.atomic
def plan_save(
    *,
    actor: Any,
    case: CareCase,
    goal: str,
    leader: Any | None = None,
    paired_unit: Organisation | None = None,
) -> Plan:
    """一户一策: the plan's goal, the household's leader (包抓领导, a user holding the leader
    role over the household's area) and its paired unit (结对单位). Township or community staff
    of the area, once the case is recognised."""
    case = _locked_for(actor, case, "plan")
    if leader is not None and not _covers(leader, case.area_code, (Role.LEADER,)):
        raise ApplicationError(f"{leader}不是该住户所在区域的包抓领导")
    plan = Plan.objects.filter(case=case).first() or Plan(case=case, created_by=actor)
    before = {"goal": plan.goal, "leader": case.leader_id, "paired_unit": case.paired_unit_id}
    plan.goal = _text(goal)
    plan.updated_by = actor
    plan.save()
    case.leader = leader
    case.paired_unit = paired_unit
    case.updated_by = actor
    case.save(update_fields=["leader", "paired_unit", "updated_by", "updated_at"])
    audit.record(
        actor=actor,
        action="care.plan.save",
        target=case,
        changes={
            "leader": [before["leader"], case.leader_id],
            "paired_unit": [before["paired_unit"], case.paired_unit_id],
            "goal_changed": before["goal"] != plan.goal,
        },
    )
    return plan


@transaction.atomic
def plan_approve(*, actor: Any, case: CareCase) -> CareCase:
    """确定方案 → planned: the township approves a plan with at least one measure, a leader
    (包抓领导) and a paired unit (结对单位)."""
    case = _locked_for(actor, case, "approve")  # the township, not the plan's author
    plan = Plan.objects.filter(case=case).first()
    missing = []
    if plan is None or not _text(plan.goal):
        missing.append("帮扶目标")
    if not case.measures.exclude(status=MeasureStatus.CANCELLED).exists():
        missing.append("至少一项措施")
    if case.leader_id is None:
        missing.append("包抓领导")
    if case.paired_unit_id is None:
        missing.append("结对单位")
    _missing_or_raise("一户一策方案", missing)
    assert plan is not None
    plan.approved_by = actor
    plan.approved_at = timezone.now()
    plan.save(update_fields=["approved_by", "approved_at", "updated_at"])
    before = _move(case, Stage.PLANNED)
    _save_stage(case, actor, "approve", "care.case.plan_approve", before)
    return case
