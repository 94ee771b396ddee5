"""3. Community review (社区评议) and township recognition or rejection (乡镇认定)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from lianxin.core.errors import ApplicationError
from lianxin.registry.selectors import household_members

from ..models import (
    RECOGNITION_CRITERIA,
    Batch,
    CareCase,
    CommunityReview,
    Recognition,
    Stage,
)
from ._common import (
    _locked_for,
    _missing_or_raise,
    _move,
    _require_filled,
    _save_stage,
    _tally,
    _text,
)


@transaction.atomic
def case_review_by_community(
    *,
    actor: Any,
    case: CareCase,
    held_on: dt.date,
    participants: str,
    opinion: str,
    recommends: bool = True,
) -> CareCase:
    """社区评议 → reviewed: the community's review with its date, participants and opinion,
    recorded by the community's (or the township's) staff."""
    case = _locked_for(actor, case, "review")
    fields = {"评议日期": held_on is not None, "参加人员": _text(participants)}
    _require_filled("社区评议", {**fields, "评议意见": _text(opinion)})
    CommunityReview.objects.create(
        case=case,
        held_on=held_on,
        participants=_text(participants),
        opinion=_text(opinion),
        recommends=recommends,
        reviewer=actor,
        created_by=actor,
    )
    before = _move(case, Stage.REVIEWED)
    _save_stage(case, actor, "review", "care.case.review", before, recommends=recommends)
    return case


@transaction.atomic
def case_recognise(
    *,
    actor: Any,
    case: CareCase,
    batch: Batch | None,
    checklist: Mapping[str, bool],
    note: str = "",
) -> CareCase:
    """乡镇(街道)认定 → recognised: only the township whose area holds the household; every item
    of RECOGNITION_CRITERIA confirmed; into an open batch. The household's current members are
    counted into the batch's information database."""
    case = _locked_for(actor, case, "recognise")  # the township, not the reviewer
    unknown = sorted(set(checklist) - set(RECOGNITION_CRITERIA))
    if unknown:
        raise ApplicationError(f"认定标准中没有这些项目：{'、'.join(unknown)}")
    missing = [label for key, label in RECOGNITION_CRITERIA.items() if not checklist.get(key)]
    if batch is None:
        missing.append("批次")
    _missing_or_raise("认定", missing)
    assert batch is not None
    if not batch.is_open:
        raise ApplicationError(f"{batch.name}已停止接收认定")
    Recognition.objects.create(
        case=case,
        checklist=dict.fromkeys(RECOGNITION_CRITERIA, True),
        decision=Recognition.Decision.RECOGNISED,
        reason=_text(note),
        decided_by=actor,
        decided_at=timezone.now(),
        created_by=actor,
    )
    case.batch = batch
    case.person_count = household_members(case.household).count()
    _tally(
        batch_id=batch.pk,
        area_code=case.area_code,
        action="",
        status="",
        delta=1,
        persons=case.person_count,
    )
    before = _move(case, Stage.RECOGNISED)
    _save_stage(
        case,
        actor,
        "recognise",
        "care.case.recognise",
        before,
        batch=batch.name,
        _fields=["batch", "person_count"],
    )
    return case


@transaction.atomic
def case_reject(*, actor: Any, case: CareCase, reason: str) -> CareCase:
    """乡镇(街道)不予认定 → rejected: only the township of the area, always with the reason."""
    case = _locked_for(actor, case, "reject")
    _missing_or_raise("不予认定", [] if _text(reason) else ["不予认定的理由"])
    Recognition.objects.create(
        case=case,
        checklist={},
        decision=Recognition.Decision.REJECTED,
        reason=_text(reason),
        decided_by=actor,
        decided_at=timezone.now(),
        created_by=actor,
    )
    before = _move(case, Stage.REJECTED)
    case.closed_at = timezone.now()
    _save_stage(case, actor, "reject", "care.case.reject", before, _fields=["closed_at"])
    return case
