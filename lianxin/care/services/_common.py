"""What every stage of the care workflow shares: the refusal for an incomplete record, who
may act, locking, the stage move through ``CASE_WORKFLOW``, batch running totals."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from lianxin.core import audit
from lianxin.core.errors import AccessDenied, ApplicationError
from lianxin.core.tasks import enqueue_on_commit

from ..models import (
    BatchTally,
    CareCase,
    Measure,
)
from ..workflows import CASE_WORKFLOW, check_case, covers


class IncompleteRecord(ApplicationError):
    """The stage record lacks what the guide requires; ``extra["missing"]`` names it."""

    code = "incomplete"
    status_code = 400

    def __init__(self, what: str, missing: list[str]) -> None:
        super().__init__(f"{what}缺少：{'、'.join(missing)}", extra={"missing": missing})
        self.missing = missing


# ---------------------------------------------------------------------------------------------
# Who may act (the actor's grants against the case's area, grid and units)


def _covers(actor: Any, area_code: str, roles: Iterable[str]) -> bool:
    return covers(actor, area_code, roles)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise AccessDenied(message)


# ---------------------------------------------------------------------------------------------
# Helpers


def _lock(case: CareCase) -> CareCase:
    return CareCase.objects.select_for_update().get(pk=case.pk)


def _locked_for(actor: Any, case: CareCase, transition: str) -> CareCase:
    """The case locked, once the actor may take ``transition`` on it (else AccessDenied)."""
    case = _lock(case)
    check_case(actor, case, transition)
    return case


def _lock_measure(measure: Measure) -> Measure:
    return Measure.objects.select_for_update().select_related("case").get(pk=measure.pk)


def _move(case: CareCase, to: str) -> str:
    """The new stage on the instance (the caller checked the declaration, ``check_case``);
    returns the stage the case leaves. ``_save_stage`` writes it through the workflow."""
    before = case.stage
    case.stage = to
    case.stage_changed_at = timezone.now()
    return before


def _save_stage(
    case: CareCase, actor: Any, name: str, action: str, before: str, **changes: Any
) -> None:
    """Writes the stage change as the workflow's one conditional UPDATE (with the other fields
    the transition set, ``_fields``), audits it and refreshes the case's sort keys."""
    fields = ["stage", "stage_changed_at", *changes.pop("_fields", [])]
    updates = {f: getattr(case, f) for f in fields}
    CASE_WORKFLOW.advance(case, name, actor=actor, updates=updates, check=False)
    audit.record(
        actor=actor,
        action=action,
        target=case,
        changes={"stage": [before, case.stage], **changes},
    )
    _enqueue_refresh(case)


def _enqueue_refresh(case: CareCase) -> None:
    from .. import tasks

    enqueue_on_commit(tasks.refresh_case_priority, case.pk)


def _text(value: Any) -> str:
    return str(value or "").strip()


def _missing_or_raise(what: str, missing: list[str]) -> None:
    if missing:
        raise IncompleteRecord(what, missing)


def _require_filled(what: str, fields: dict[str, Any]) -> None:
    """IncompleteRecord naming the fields (label: value) whose value is empty, None or False."""
    _missing_or_raise(what, [label for label, value in fields.items() if not value])


def _today() -> dt.date:
    return timezone.localdate()


TALLY_AREA_LENGTH = 9  # batch totals are kept per township (乡镇/街道)


def _tally(
    *, batch_id: int, area_code: str, action: str, status: str, delta: int, persons: int = 0
) -> None:
    """Adds ``delta`` (and ``persons``) to a batch's running total, in the caller's transaction."""
    key = {
        "batch_id": batch_id,
        "area_code": area_code[:TALLY_AREA_LENGTH],
        "action": action,
        "status": status,
    }
    updated = BatchTally.objects.filter(**key).update(
        count=F("count") + delta, persons=F("persons") + persons
    )
    if not updated:
        try:
            with transaction.atomic():
                BatchTally.objects.create(**key, count=delta, persons=persons)
        except IntegrityError:
            BatchTally.objects.filter(**key).update(
                count=F("count") + delta, persons=F("persons") + persons
            )


def _tally_measure(measure: Measure, before: str | None, after: str) -> None:
    if measure.batch_id is None:
        return
    if before:
        _tally(
            batch_id=measure.batch_id,
            area_code=measure.area_code,
            action=measure.action,
            status=before,
            delta=-1,
        )
    _tally(
        batch_id=measure.batch_id,
        area_code=measure.area_code,
        action=measure.action,
        status=after,
        delta=1,
    )


_SOURCE_TYPE = re.compile(r"^[a-z_]+\.[a-z_]+$")
