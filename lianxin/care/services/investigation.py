"""2. Household investigation (入户调查): the draft, its photos, the submission that computes
the colour, and the manual override of the colour."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone

from lianxin.core import audit
from lianxin.core.errors import ApplicationError, InvalidTransition

from .. import grading
from ..models import (
    GRADE_RANK,
    CareCase,
    Grade,
    Heating,
    Housing,
    Investigation,
    InvestigationPhoto,
    Measure,
    Stage,
)
from ..workflows import check_case
from ._common import (
    IncompleteRecord,
    _enqueue_refresh,
    _lock,
    _locked_for,
    _missing_or_raise,
    _move,
    _save_stage,
    _text,
    _today,
)
from ._files import PHOTO_SIGNATURES, file_kind, same_file

INVESTIGATION_FIELDS = (
    "visited_on",
    "residents",
    "resident_count",
    "monthly_income_fen",
    "monthly_expenses_fen",
    "income_notes",
    "housing",
    "housing_notes",
    "has_severe_illness",
    "illness_assisted",
    "health_notes",
    "has_disabled_member",
    "disability_notes",
    "has_school_age_child",
    "child_out_of_school",
    "schooling_notes",
    "child_without_carer",
    "disabled_adult_without_carer",
    "elderly_alone",
    "care_notes",
    "heating",
    "needs",
)
_BOOL_FIELDS = {
    f for f in INVESTIGATION_FIELDS if f.startswith(("has_", "child_", "disabled_", "elderly_"))
} | {"illness_assisted"}


def _label(name: str) -> str:
    field = Investigation._meta.get_field(name)
    assert isinstance(field, models.Field)
    return str(field.verbose_name)


def investigation_missing(inv: Investigation) -> list[str]:
    """What the guide requires of a household investigation that this one lacks: the visit date,
    who lives there, income, housing, health, heating and needs; disability, schooling and care
    details when the household has them."""
    missing = []
    if inv.visited_on is None:
        missing.append(_label("visited_on"))
    if not _text(inv.residents):
        missing.append(_label("residents"))
    if not inv.resident_count:
        missing.append(_label("resident_count"))
    if inv.monthly_income_fen is None:
        missing.append(_label("monthly_income_fen"))
    if not inv.housing:
        missing.append(_label("housing"))
    if not _text(inv.health_notes):
        missing.append(_label("health_notes"))
    if inv.has_disabled_member and not _text(inv.disability_notes):
        missing.append(_label("disability_notes"))
    if inv.has_school_age_child and not _text(inv.schooling_notes):
        missing.append(_label("schooling_notes"))
    if (
        inv.child_without_carer or inv.disabled_adult_without_carer or inv.elderly_alone
    ) and not _text(inv.care_notes):
        missing.append(_label("care_notes"))
    if not inv.heating:
        missing.append(_label("heating"))
    if not _text(inv.needs):
        missing.append(_label("needs"))
    return missing


def _apply_investigation(inv: Investigation, data: Mapping[str, Any]) -> None:
    unknown = sorted(set(data) - set(INVESTIGATION_FIELDS))
    if unknown:
        raise ApplicationError(f"入户调查不接受这些字段：{'、'.join(unknown)}")
    for name, value in data.items():
        if name in _BOOL_FIELDS:
            setattr(inv, name, bool(value))
        elif name in ("resident_count", "monthly_income_fen", "monthly_expenses_fen"):
            if value in (None, ""):
                setattr(inv, name, None)
            else:
                number = int(value)
                if number < 0:
                    raise ApplicationError(f"{_label(name)}不能为负数")
                setattr(inv, name, number)
        elif name == "visited_on":
            if value and value > _today():
                raise ApplicationError("入户日期不能晚于今天")
            inv.visited_on = value or None
        elif name == "housing":
            if value and value not in Housing.values:
                raise ApplicationError("住房情况无效")
            inv.housing = value or ""
        elif name == "heating":
            if value and value not in Heating.values:
                raise ApplicationError("取暖情况无效")
            inv.heating = value or ""
        else:
            setattr(inv, name, _text(value))


@transaction.atomic
def investigation_save(*, actor: Any, case: CareCase, data: Mapping[str, Any]) -> Investigation:
    """Saves the investigation as a draft (the grid worker may fill it over several visits);
    only while the case waits for its investigation, only by its grid worker or area staff."""
    case = _lock(case)
    if case.stage != Stage.DISCOVERED:
        raise InvalidTransition(
            f"案件当前处于「{Stage(case.stage).label}」阶段，入户调查已提交，不能再修改"
        )
    check_case(actor, case, "investigate")
    inv = Investigation.objects.filter(case=case).first() or Investigation(
        case=case, created_by=actor
    )
    _apply_investigation(inv, data)
    inv.investigator = actor
    inv.updated_by = actor
    inv.save()
    audit.record(
        actor=actor,
        action="care.investigation.save",
        target=case,
        changes={"fields": sorted(data)},
    )
    return inv


def _grade_case(case: CareCase, inv: Investigation) -> grading.GradeResult:
    standard = getattr(settings, "CARE_LIVING_STANDARD_FEN", grading.DEFAULT_LIVING_STANDARD_FEN)
    result = grading.compute_grade(inv, today=_today(), standard_fen=standard)
    case.computed_grade = result.grade
    case.grade_reasons = result.reasons
    case.grade = case.grade_override or result.grade
    case.grade_rank = GRADE_RANK[case.grade]
    return result


@transaction.atomic
def case_investigate(
    *, actor: Any, case: CareCase, data: Mapping[str, Any] | None = None
) -> CareCase:
    """入户调查 → investigated: saves ``data`` (if any) and submits the investigation. The guide
    requires the visit date, who lives there, income, housing, health, heating and needs (and
    disability, schooling, care details when present); the colour is computed on submission."""
    case = _locked_for(actor, case, "investigate")
    inv = Investigation.objects.filter(case=case).first() or Investigation(
        case=case, created_by=actor
    )
    if data:
        _apply_investigation(inv, data)
    _missing_or_raise("入户调查", investigation_missing(inv))
    inv.investigator = inv.investigator or actor
    inv.submitted_at = timezone.now()
    inv.updated_by = actor
    inv.save()
    result = _grade_case(case, inv)
    before = _move(case, Stage.INVESTIGATED)
    _save_stage(
        case,
        actor,
        "investigate",
        "care.case.investigate",
        before,
        grade=case.grade,
        _fields=["computed_grade", "grade_reasons", "grade", "grade_rank"],
    )
    case.priority = min(result.complexity, 32767)
    case.save(update_fields=["priority"])
    return case


PHOTO_MAX_BYTES = 8 * 1024 * 1024


def _photo_kind(upload: UploadedFile) -> tuple[str, str] | None:
    return file_kind(upload, PHOTO_SIGNATURES)


def _same_photo(inv: Investigation, upload: UploadedFile) -> InvestigationPhoto | None:
    """The investigation's photo with the same content as ``upload``, if any."""
    return same_file(inv.photos.all(), upload)


@transaction.atomic
def investigation_add_photo(
    *, actor: Any, case: CareCase, upload: UploadedFile, caption: str = ""
) -> InvestigationPhoto:
    """A photo of the visit: JPEG, PNG or WebP by its content (not its name), at most 8 MB."""
    case = _lock(case)
    if case.stage != Stage.DISCOVERED:
        raise InvalidTransition("入户调查已提交，不能再上传照片")
    check_case(actor, case, "investigate")
    if upload.size is not None and upload.size > PHOTO_MAX_BYTES:
        raise ApplicationError("照片不能超过 8 MB")
    kind = _photo_kind(upload)
    if kind is None:
        raise ApplicationError("只能上传 JPEG、PNG 或 WebP 格式的照片")
    inv = Investigation.objects.filter(case=case).first()
    if inv is None:
        inv = Investigation.objects.create(case=case, investigator=actor, created_by=actor)
    same = _same_photo(inv, upload)
    if same is not None:  # sent again (e.g. after a refused submission): stored once
        return same
    photo = InvestigationPhoto(
        investigation=inv,
        uuid_name=uuid.uuid4().hex,
        content_type=kind[0],
        caption=_text(caption)[:100],
        area_code=case.area_code,
        created_by=actor,
    )
    upload.name = f"photo.{kind[1]}"
    photo.file = upload
    photo.save()
    audit.record(actor=actor, action="care.investigation.photo", target=case)
    return photo


@transaction.atomic
def case_set_grade(*, actor: Any, case: CareCase, grade: str, reason: str) -> CareCase:
    """Manual override of the computed colour; the reason is required. An empty ``grade``
    removes the override (the computed colour applies again)."""
    case = _locked_for(actor, case, "grade")
    if grade and grade not in Grade.values:
        raise ApplicationError("分级无效")
    if grade and not _text(reason):
        raise IncompleteRecord("调整分级", ["调整理由"])
    before = [case.grade_override, case.grade]
    case.grade_override = grade
    case.grade_override_reason = _text(reason) if grade else ""
    case.grade = grade or case.computed_grade
    case.grade_rank = GRADE_RANK[case.grade]
    case.updated_by = actor
    case.save(
        update_fields=[
            "grade_override",
            "grade_override_reason",
            "grade",
            "grade_rank",
            "updated_by",
            "updated_at",
        ]
    )
    Measure.objects.filter(case=case).update(grade_rank=case.grade_rank)
    audit.record(
        actor=actor,
        action="care.case.grade_override",
        target=case,
        changes={"override": [before[0], grade], "grade": [before[1], case.grade]},
    )
    _enqueue_refresh(case)
    return case
