"""Batches (批次) and background work: running totals and the cases' sort keys."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr

from lianxin.core import audit
from lianxin.core.errors import Conflict
from lianxin.core.roles import Role

from ..models import (
    Batch,
    BatchTally,
    CareCase,
    Escalation,
    Measure,
)
from ._common import (
    TALLY_AREA_LENGTH,
    _covers,
    _missing_or_raise,
    _require,
    _text,
)


@transaction.atomic
def batch_create(
    *, actor: Any, name: str, sequence: int, area_code: str, started_on: dt.date | None = None
) -> Batch:
    """A batch (第一批, 第二批…) of an area, created by county, city or region staff."""
    _require(
        _covers(actor, area_code, (Role.COUNTY_STAFF, Role.CITY_STAFF, Role.REGION_STAFF)),
        "只有县级以上部门工作人员可以设立批次",
    )
    _missing_or_raise("批次", [] if _text(name) else ["批次名称"])
    if Batch.objects.filter(area_code=area_code, sequence=sequence).exists():
        raise Conflict(f"该区域已有第{sequence}批")
    batch = Batch.objects.create(
        name=_text(name),
        sequence=sequence,
        area_code=area_code,
        started_on=started_on,
        created_by=actor,
    )
    audit.record(actor=actor, action="care.batch.create", target=batch, area_code=area_code)
    return batch


def case_refresh_priority(*, case_id: int) -> None:
    """Complexity (the second sort key of every queue) = the investigation's hardship factors +
    the open measures + twice the open escalations; copied with the colour and the batch onto
    the case's measures so that departments' queues and batch progress need no join."""
    with transaction.atomic():
        case = CareCase.objects.select_for_update().filter(pk=case_id).first()
        if case is None:
            return
        counts = Measure.objects.filter(case=case).aggregate(
            open=Count("pk", filter=Q(status__in=["planned", "in_progress"])),
        )
        escalations = Escalation.objects.filter(measure__case=case).exclude(
            status=Escalation.Status.RESOLVED
        )
        priority = min(
            len(case.grade_reasons or []) + counts["open"] + 2 * escalations.count(), 32767
        )
        if case.priority != priority:
            case.priority = priority
            case.save(update_fields=["priority"])
        Measure.objects.filter(case=case).exclude(
            grade_rank=case.grade_rank,
            priority=case.priority,
            batch_id=case.batch_id,  # type: ignore[misc]  # None is a valid lookup; the stub says no
        ).update(grade_rank=case.grade_rank, priority=case.priority, batch_id=case.batch_id)


@transaction.atomic
def batch_tally_rebuild(*, batch: Batch) -> int:
    """Recomputes a batch's running totals from its cases and measures (after a bulk load or as
    a repair); returns the number of total rows written."""
    Batch.objects.select_for_update().filter(pk=batch.pk).first()
    BatchTally.objects.filter(batch=batch).delete()
    township = Substr("area_code", 1, TALLY_AREA_LENGTH)
    rows = [
        BatchTally(
            batch=batch, area_code=r["t"], action="", status="", count=r["n"], persons=r["p"] or 0
        )
        for r in CareCase.objects.filter(batch=batch)
        .annotate(t=township)
        .values("t")
        .annotate(n=Count("pk"), p=Sum("person_count"))
        .order_by()
    ]
    rows += [
        BatchTally(
            batch=batch, area_code=r["t"], action=r["action"], status=r["status"], count=r["n"]
        )
        for r in Measure.objects.filter(batch=batch)
        .annotate(t=township)
        .values("t", "action", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ]
    BatchTally.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
