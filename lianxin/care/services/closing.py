"""6. Evaluation (评估) and acceptance (验收): the case closes or continues."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from lianxin.core.errors import InvalidTransition

from ..models import (
    CareCase,
    Evaluation,
    Stage,
)
from ._common import (
    IncompleteRecord,
    _locked_for,
    _move,
    _require_filled,
    _save_stage,
    _text,
)


@transaction.atomic
def case_evaluate(
    *, actor: Any, case: CareCase, evaluated_on: dt.date, outcome: str, decision: str
) -> Evaluation:
    """评估 → evaluated: the township evaluates after at least one follow-up visit, with the
    outcome; a case may be proposed for closing only when none of its measures is still open."""
    case = _locked_for(actor, case, "evaluate")
    fields = {"评估日期": evaluated_on is not None, "帮扶成效": _text(outcome)}
    fields["评估结论"] = decision in Evaluation.Decision.values
    fields["跟踪回访记录"] = case.followups.exists()
    _require_filled("评估", fields)
    if decision == Evaluation.Decision.CLOSE:
        open_titles = list(case.measures.open().order_by("pk").values_list("title", flat=True))
        if open_titles:
            raise IncompleteRecord("验收结案", [f"措施「{t}」尚未落实或取消" for t in open_titles])
    evaluation = Evaluation.objects.create(
        case=case,
        evaluated_on=evaluated_on,
        evaluator=actor,
        outcome=_text(outcome),
        decision=decision,
        created_by=actor,
    )
    before = _move(case, Stage.EVALUATED)
    _save_stage(case, actor, "evaluate", "care.case.evaluate", before, decision=decision)
    return evaluation


@transaction.atomic
def case_accept(*, actor: Any, case: CareCase) -> CareCase:
    """验收 → closed or continued, as the evaluation decided. Acceptance is by township or
    county staff of the area other than the evaluator (maker-checker)."""
    case = _locked_for(actor, case, "accept")  # township or county, not the evaluator
    evaluation = case.evaluations.filter(accepted_at__isnull=True).order_by("-pk").first()
    if evaluation is None:
        raise InvalidTransition(f"案件当前处于「{Stage(case.stage).label}」阶段，评估之后才能验收")
    to = Stage.CLOSED if evaluation.decision == Evaluation.Decision.CLOSE else Stage.CONTINUED
    if to == Stage.CLOSED and case.measures.open().exists():
        raise IncompleteRecord("验收结案", ["全部措施落实或取消"])
    evaluation.accepted_by = actor
    evaluation.accepted_at = timezone.now()
    evaluation.save(update_fields=["accepted_by", "accepted_at", "updated_at"])
    before = _move(case, to)
    fields = []
    if to == Stage.CLOSED:
        case.closed_at = evaluation.accepted_at
        fields.append("closed_at")
    _save_stage(case, actor, "accept", "care.case.accept", before, _fields=fields)
    return case
