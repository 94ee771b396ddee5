"""5. Tracking (跟踪回访): follow-up visits with the progress of the plan's measures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from lianxin.core import audit
from lianxin.core.errors import ApplicationError

from ..models import (
    CareCase,
    FollowUp,
    Measure,
    Stage,
)
from ._common import (
    _locked_for,
    _move,
    _require_filled,
    _save_stage,
    _text,
    _today,
)


@transaction.atomic
def followup_record(
    *,
    actor: Any,
    case: CareCase,
    visited_on: dt.date,
    notes: str,
    measure_progress: Mapping[int, str] | None = None,
) -> FollowUp:
    """跟踪回访: a visit with notes and the progress of the plan's measures. The first visit after
    the plan's approval (or after a decision to continue) moves the case into tracking. The grid
    worker, community or township staff, the case's leader or its paired unit record visits."""
    case = _locked_for(actor, case, "followup")
    _require_filled("跟踪回访", {"回访日期": visited_on is not None, "回访情况": _text(notes)})
    if visited_on > _today():
        raise ApplicationError("回访日期不能晚于今天")
    progress = {str(k): _text(v) for k, v in (measure_progress or {}).items() if _text(v)}
    if progress:
        own = set(
            Measure.objects.filter(case=case, pk__in=[int(k) for k in progress]).values_list(
                "pk", flat=True
            )
        )
        foreign = sorted(k for k in progress if int(k) not in own)
        if foreign:
            raise ApplicationError(f"这些措施不属于本案件：{'、'.join(foreign)}")
    followup = FollowUp.objects.create(
        case=case,
        visited_on=visited_on,
        visitor=actor,
        notes=_text(notes),
        measure_progress=progress,
        created_by=actor,
    )
    if case.stage != Stage.TRACKING:
        before = _move(case, Stage.TRACKING)
        _save_stage(case, actor, "followup", "care.case.track", before)
    audit.record(
        actor=actor, action="care.followup.record", target=followup, area_code=case.area_code
    )
    return followup
