"""The plan's measures: added to the plan, started, implemented or cancelled by the responsible
unit, linked to what delivers them elsewhere."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from lianxin.core import audit
from lianxin.core.errors import ApplicationError
from lianxin.core.servicekit import audited
from lianxin.directory.models import Organisation

from ..models import (
    CareAction,
    CareCase,
    JointMeeting,
    Measure,
    MeasureProof,
    MeasureStatus,
)
from ..workflows import check_measure
from ._common import (
    _SOURCE_TYPE,
    IncompleteRecord,
    _enqueue_refresh,
    _lock_measure,
    _locked_for,
    _missing_or_raise,
    _tally_measure,
    _text,
)
from ._files import DOCUMENT_SIGNATURES, file_kind, same_file


def _validate_delivery(delivery_type: str, delivery_id: str) -> None:
    if delivery_type and not _SOURCE_TYPE.match(delivery_type):
        raise ApplicationError("承接对象类型应为“应用.对象”形式，例如 benefits.entitlement")
    if bool(delivery_type) != bool(delivery_id):
        raise IncompleteRecord("承接关联", ["承接对象类型" if not delivery_type else "承接对象ID"])


def _create_measure(
    *,
    actor: Any,
    case: CareCase,
    action: str,
    title: str,
    responsible_unit: Organisation | None,
    deadline: dt.date | None,
    paired_unit: Organisation | None = None,
    budget_fen: int | None = None,
    delivery_type: str = "",
    delivery_id: str = "",
    delivery_label: str = "",
    meeting: JointMeeting | None = None,
) -> Measure:
    missing = []
    if action not in CareAction.values:
        missing.append("关爱行动")
    if not _text(title):
        missing.append("措施内容")
    if responsible_unit is None:
        missing.append("责任单位")
    if deadline is None:
        missing.append("完成时限")
    _missing_or_raise("措施", missing)
    assert responsible_unit is not None
    assert deadline is not None
    if not responsible_unit.is_active:
        raise ApplicationError(f"{responsible_unit.name}已停用，不能作为责任单位")
    if budget_fen is not None and budget_fen < 0:
        raise ApplicationError("预算不能为负数")
    _validate_delivery(delivery_type, str(delivery_id or ""))
    measure = Measure.objects.create(
        case=case,
        action=action,
        title=_text(title),
        responsible_unit=responsible_unit,
        paired_unit=paired_unit or case.paired_unit,
        deadline=deadline,
        budget_fen=budget_fen,
        delivery_type=delivery_type,
        delivery_id=str(delivery_id or ""),
        delivery_label=_text(delivery_label),
        decided_by_meeting=meeting,
        batch_id=case.batch_id,
        grade_rank=case.grade_rank,
        priority=case.priority,
        created_by=actor,
    )
    _tally_measure(measure, None, MeasureStatus.PLANNED)
    return measure


@transaction.atomic
def measure_add(*, actor: Any, case: CareCase, **fields: Any) -> Measure:
    """A measure of the plan: one of the twelve care actions (``action``), what is done
    (``title``), the ``responsible_unit`` and a ``deadline`` are required; optionally the
    ``paired_unit``, ``budget_fen`` in integer fen and the link to what delivers it elsewhere
    (``delivery_type`` = "<app>.<entity>", ``delivery_id``, ``delivery_label``)."""
    case = _locked_for(actor, case, "measure")
    measure = _create_measure(actor=actor, case=case, **fields)
    audit.record(
        actor=actor,
        action="care.measure.add",
        target=measure,
        changes={
            "case": case.number,
            "action": measure.action,
            "unit": measure.responsible_unit_id,
        },
    )
    _enqueue_refresh(case)
    return measure


def _measure_move(measure: Measure, to: str) -> str:
    before = measure.status
    measure.status = to
    return before


@transaction.atomic
def measure_start(*, actor: Any, measure: Measure) -> Measure:
    """The responsible unit starts a measure of an approved plan."""
    measure = _lock_measure(measure)
    check_measure(actor, measure, "start")
    before = _measure_move(measure, MeasureStatus.IN_PROGRESS)
    measure.started_at = timezone.now()
    measure.updated_by = actor
    measure.save(update_fields=["status", "started_at", "updated_by", "updated_at"])
    _tally_measure(measure, before, measure.status)
    return audited(
        measure,
        actor=actor,
        action="care.measure.start",
        changes={"status": [before, measure.status]},
    )


PROOF_MAX_BYTES = 10 * 1024 * 1024
PROOF_MAX_FILES = 10


def _checked_proofs(uploads: Sequence[UploadedFile]) -> list[tuple[UploadedFile, tuple[str, str]]]:
    """Every proof file checked before anything is stored: at most ten, each at most 10 MB and
    a JPEG, PNG, WebP or PDF by its content (not its name)."""
    if len(uploads) > PROOF_MAX_FILES:
        raise ApplicationError(f"一次最多上传{PROOF_MAX_FILES}个佐证文件")
    checked = []
    for upload in uploads:
        name = _text(getattr(upload, "name", ""))[:60] or "佐证文件"
        if upload.size is None or upload.size > PROOF_MAX_BYTES:
            raise ApplicationError(f"佐证文件「{name}」不能超过 10 MB")
        kind = file_kind(upload, DOCUMENT_SIGNATURES)
        if kind is None:
            raise ApplicationError(
                f"佐证文件「{name}」格式不对：只能上传 JPEG、PNG、WebP 格式的照片或 PDF 文件"
            )
        checked.append((upload, kind))
    return checked


def _store_proofs(
    *, actor: Any, measure: Measure, checked: list[tuple[UploadedFile, tuple[str, str]]]
) -> list[MeasureProof]:
    """Stores the checked files; one already stored for this measure (the same content sent
    again, or twice in one submission) is stored once."""
    stored = list(measure.proofs.all())
    added = []
    for upload, (content_type, suffix) in checked:
        if same_file(stored, upload) is not None:
            continue
        proof = MeasureProof(
            measure=measure,
            uuid_name=uuid.uuid4().hex,
            content_type=content_type,
            caption=_text(getattr(upload, "name", ""))[:100],
            created_by=actor,
        )
        upload.name = f"proof.{suffix}"
        proof.file = upload
        proof.save()
        stored.append(proof)
        added.append(proof)
    return added


@transaction.atomic
def measure_implement(
    *, actor: Any, measure: Measure, evidence: str, proofs: Sequence[UploadedFile] = ()
) -> Measure:
    """The responsible unit — and only it — marks its measure implemented, with its proof: a
    written note (落实佐证), photos or documents (JPEG, PNG, WebP, PDF), or both. Everything is
    checked before any file is stored, so a refused submission stores nothing."""
    measure = _lock_measure(measure)
    check_measure(actor, measure, "implement")
    _measure_move(measure, MeasureStatus.IMPLEMENTED)
    uploads = [u for u in (proofs or ()) if u]
    _missing_or_raise("落实确认", [] if _text(evidence) or uploads else ["落实佐证"])
    checked = _checked_proofs(uploads)
    before = MeasureStatus.IN_PROGRESS if measure.started_at else MeasureStatus.PLANNED
    measure.evidence = _text(evidence)
    measure.implemented_at = timezone.now()
    measure.implemented_by = actor
    measure.started_at = measure.started_at or measure.implemented_at
    measure.updated_by = actor
    measure.save(
        update_fields=[
            "status",
            "evidence",
            "implemented_at",
            "implemented_by",
            "started_at",
            "updated_by",
            "updated_at",
        ]
    )
    _tally_measure(measure, before, measure.status)
    added = _store_proofs(actor=actor, measure=measure, checked=checked)
    audit.record(
        actor=actor,
        action="care.measure.implement",
        target=measure,
        changes={"status": [before, measure.status], "proofs": [p.pk for p in added]},
    )
    _enqueue_refresh(measure.case)
    return measure


@transaction.atomic
def measure_cancel(*, actor: Any, measure: Measure, reason: str) -> Measure:
    """A measure is cancelled, with its reason, by its unit or by the township of the area."""
    measure = _lock_measure(measure)
    check_measure(actor, measure, "cancel")
    return _cancel(actor=actor, measure=measure, reason=reason)


def _cancel(*, actor: Any, measure: Measure, reason: str) -> Measure:
    before = _measure_move(measure, MeasureStatus.CANCELLED)
    _missing_or_raise("取消措施", [] if _text(reason) else ["取消理由"])
    measure.cancel_reason = _text(reason)[:300]
    measure.updated_by = actor
    measure.save(update_fields=["status", "cancel_reason", "updated_by", "updated_at"])
    _tally_measure(measure, before, measure.status)
    audit.record(
        actor=actor,
        action="care.measure.cancel",
        target=measure,
        changes={"status": [before, measure.status], "reason": measure.cancel_reason},
    )
    _enqueue_refresh(measure.case)
    return measure


@transaction.atomic
def measure_link_delivery(
    *, actor: Any, measure: Measure, delivery_type: str, delivery_id: str | int, label: str = ""
) -> Measure:
    """Points the measure at what delivers it elsewhere (an entitlement, a micro-wish, a love
    card, a volunteer service, a work order). The responsible unit or the area's staff link it;
    the other app needs nothing from care but this call."""
    measure = _lock_measure(measure)
    check_measure(actor, measure, "link")
    _validate_delivery(delivery_type, str(delivery_id or ""))
    before = [measure.delivery_type, measure.delivery_id]
    measure.delivery_type = delivery_type
    measure.delivery_id = str(delivery_id or "")
    measure.delivery_label = _text(label)[:200]
    measure.updated_by = actor
    measure.save(
        update_fields=[
            "delivery_type",
            "delivery_id",
            "delivery_label",
            "updated_by",
            "updated_at",
        ]
    )
    return audited(
        measure,
        actor=actor,
        action="care.measure.link",
        changes={"delivery": [before, [measure.delivery_type, measure.delivery_id]]},
    )
