"""Every write of the care workflow. One service per transition: it locks the case, checks
``models.TRANSITIONS``, checks that the stage record holds what the region's guide requires
(refusing with a Chinese message that names what is missing, changing nothing), records who and
when, audits, and enqueues follow-up work on commit."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from lianxin.core import audit
from lianxin.core.errors import AccessDenied, ApplicationError, Conflict, InvalidTransition
from lianxin.core.roles import Role
from lianxin.core.scoping import scope_of
from lianxin.core.tasks import enqueue_on_commit
from lianxin.directory.models import Organisation, OrgKind
from lianxin.registry.models import Household
from lianxin.registry.selectors import household_members

from . import grading
from .models import (
    GRADE_RANK,
    MEASURE_TRANSITIONS,
    PLAN_OPEN_STAGES,
    RECOGNITION_CRITERIA,
    Batch,
    BatchTally,
    CareAction,
    CareCase,
    CommunityReview,
    Discovery,
    DiscoverySource,
    Escalation,
    Evaluation,
    FollowUp,
    Grade,
    Heating,
    Housing,
    Investigation,
    InvestigationPhoto,
    JointMeeting,
    Measure,
    MeasureStatus,
    Plan,
    Recognition,
    Stage,
)
from .querysets import UNIT_ROLES


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
    wanted = set(roles)
    return any(
        g.role in wanted and area_code.startswith(g.area_code) for g in scope_of(actor).grants
    )


def _is_grid_worker_of(actor: Any, case: CareCase) -> bool:
    return case.grid_id is not None and case.grid_id in scope_of(actor).grid_ids()


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise AccessDenied(message)


def _frontline(actor: Any, case: CareCase) -> bool:
    """Grid worker of the case's grid, or community/township staff of its area."""
    return _is_grid_worker_of(actor, case) or _covers(
        actor, case.area_code, (Role.COMMUNITY_STAFF, Role.TOWNSHIP_STAFF)
    )


def acts_for_unit(actor: Any, unit: Organisation) -> bool:
    """Does the actor work for ``unit``? Staff assigned to it do; for a community or village
    committee (kind ``community``), so do that community's grid workers and community staff."""
    scope = scope_of(actor)
    if unit.pk in scope.organisation_ids(UNIT_ROLES):
        return True
    if unit.kind == OrgKind.COMMUNITY:
        return any(
            g.role in (Role.GRID_WORKER, Role.COMMUNITY_STAFF)
            and unit.area_code.startswith(g.area_code)
            for g in scope.grants
        )
    return False


# ---------------------------------------------------------------------------------------------
# Helpers


def _lock(case: CareCase) -> CareCase:
    return CareCase.objects.select_for_update().get(pk=case.pk)


def _lock_measure(measure: Measure) -> Measure:
    return Measure.objects.select_for_update().select_related("case").get(pk=measure.pk)


def _move(case: CareCase, to: str) -> str:
    """Check the transition table; returns the stage the case leaves."""
    if not case.can_move_to(to):
        raise InvalidTransition(
            f"案件当前处于「{Stage(case.stage).label}」阶段，不能进入「{Stage(to).label}」",
            extra={"stage": case.stage, "to": to},
        )
    before = case.stage
    case.stage = to
    case.stage_changed_at = timezone.now()
    return before


def _save_stage(case: CareCase, actor: Any, action: str, before: str, **changes: Any) -> None:
    case.updated_by = actor
    fields = ["stage", "stage_changed_at", "updated_by", "updated_at", *changes.pop("_fields", [])]
    case.save(update_fields=fields)
    audit.record(
        actor=actor,
        action=action,
        target=case,
        changes={"stage": [before, case.stage], **changes},
    )
    _enqueue_refresh(case)


def _enqueue_refresh(case: CareCase) -> None:
    from . import tasks

    enqueue_on_commit(tasks.refresh_case_priority, case.pk)


def _text(value: Any) -> str:
    return str(value or "").strip()


def _missing_or_raise(what: str, missing: list[str]) -> None:
    if missing:
        raise IncompleteRecord(what, missing)


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


# ---------------------------------------------------------------------------------------------
# 1. Discovery


def _new_number() -> str:
    return f"tmp-{uuid.uuid4().hex}"


def _open_case(*, actor: Any, household: Household, source: str) -> CareCase:
    case = CareCase(
        number=_new_number(),
        household=household,
        area_code=household.area_code,
        grid_id=household.grid_id,
        source=source,
        stage=Stage.DISCOVERED,
        stage_changed_at=timezone.now(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError as exc:
        existing = CareCase.objects.open().filter(household=household).first()
        raise Conflict(
            f"住户{household.number}已有未结案的关爱案件{existing.number if existing else ''}",
            extra={"case": existing.pk if existing else None},
        ) from exc
    case.number = f"GA{timezone.localdate():%Y}{case.pk:07d}"
    case.save(update_fields=["number"])
    return case


@transaction.atomic
def case_discover(
    *,
    actor: Any,
    household: Household,
    source: str,
    description: str,
    applicant_name: str = "",
    source_type: str = "",
    source_id: str = "",
) -> CareCase:
    """对象发现: opens the household's case with its first discovery report. The reporter must
    work the household's grid or area; a household has at most one open case; the source and a
    first description are required; a proxy application (申请代办) names the applicant."""
    Household.objects.select_for_update().filter(pk=household.pk).first()
    _require(
        (household.grid_id is not None and household.grid_id in scope_of(actor).grid_ids())
        or _covers(
            actor,
            household.area_code,
            (Role.COMMUNITY_STAFF, Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF),
        ),
        "您不负责该住户所在网格或社区，不能登记发现",
    )
    missing = []
    if source not in DiscoverySource.values:
        missing.append("发现渠道")
    if not _text(description):
        missing.append("初步情况")
    if source == DiscoverySource.PROXY_APPLICATION and not _text(applicant_name):
        missing.append("申请人/代办人")
    _missing_or_raise("发现报告", missing)
    existing = CareCase.objects.open().filter(household=household).first()
    if existing is not None:
        raise Conflict(
            f"住户{household.number}已有未结案的关爱案件{existing.number}",
            extra={"case": existing.pk},
        )
    case = _open_case(actor=actor, household=household, source=source)
    Discovery.objects.create(
        case=case,
        source=source,
        reporter=actor,
        description=_text(description),
        applicant_name=_text(applicant_name),
        source_type=source_type,
        source_id=str(source_id or ""),
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action="care.case.discover",
        target=case,
        changes={"stage": [None, case.stage], "source": source, "household": household.number},
    )
    _enqueue_refresh(case)
    return case


REFERRAL_SOURCES = {
    "hotline.workorder": DiscoverySource.HOTLINE_REFERRAL,
    "monitoring.alert": DiscoverySource.DATA_COMPARISON,
}
_SOURCE_TYPE = re.compile(r"^[a-z_]+\.[a-z_]+$")


@transaction.atomic
def case_open_from_referral(
    *, actor: Any, household: Household, source_type: str, source_id: str | int, description: str
) -> CareCase:
    """A hotline work order or a confirmed data-comparison alert refers a household. The same
    source record refers once (calling again returns the same case); a household with an open
    case gets the referral added to that case instead of a second case."""
    source_id = str(source_id)
    missing = []
    if not _SOURCE_TYPE.match(source_type or ""):
        missing.append("来源对象类型")
    if not source_id:
        missing.append("来源对象ID")
    if not _text(description):
        missing.append("初步情况")
    _missing_or_raise("转介", missing)
    Household.objects.select_for_update().filter(pk=household.pk).first()
    already = (
        Discovery.objects.filter(source_type=source_type, source_id=source_id)
        .select_related("case")
        .first()
    )
    if already is not None:
        return already.case
    source = REFERRAL_SOURCES.get(source_type, DiscoverySource.HOTLINE_REFERRAL)
    case = CareCase.objects.open().filter(household=household).first()
    opened = case is None
    if case is None:
        case = _open_case(actor=actor, household=household, source=source)
    Discovery.objects.create(
        case=case,
        source=source,
        reporter=actor if getattr(actor, "pk", None) else None,
        description=_text(description),
        source_type=source_type,
        source_id=source_id,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(
        actor=actor,
        action="care.case.referral" if not opened else "care.case.discover",
        target=case,
        changes={"source_type": source_type, "source_id": source_id, "opened": opened},
    )
    _enqueue_refresh(case)
    return case


# ---------------------------------------------------------------------------------------------
# 2. Household investigation

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
    return str(Investigation._meta.get_field(name).verbose_name)


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
    _require(_frontline(actor, case), "您不负责该住户，不能填写入户调查")
    if case.stage != Stage.DISCOVERED:
        raise InvalidTransition(
            f"案件当前处于「{Stage(case.stage).label}」阶段，入户调查已提交，不能再修改"
        )
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
    case = _lock(case)
    _require(_frontline(actor, case), "您不负责该住户，不能提交入户调查")
    if not case.can_move_to(Stage.INVESTIGATED):
        _move(case, Stage.INVESTIGATED)
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
        "care.case.investigate",
        before,
        grade=case.grade,
        _fields=["computed_grade", "grade_reasons", "grade", "grade_rank"],
    )
    case.priority = min(result.complexity, 32767)
    case.save(update_fields=["priority"])
    return case


PHOTO_SIGNATURES = {
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
}
PHOTO_MAX_BYTES = 8 * 1024 * 1024


def _photo_kind(upload: UploadedFile) -> tuple[str, str] | None:
    head = upload.read(16)
    upload.seek(0)
    for magic, kind in PHOTO_SIGNATURES.items():
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return ("image/webp", "webp")
    return None


@transaction.atomic
def investigation_add_photo(
    *, actor: Any, case: CareCase, upload: UploadedFile, caption: str = ""
) -> InvestigationPhoto:
    """A photo of the visit: JPEG, PNG or WebP by its content (not its name), at most 8 MB."""
    case = _lock(case)
    _require(_frontline(actor, case), "您不负责该住户，不能上传照片")
    if case.stage != Stage.DISCOVERED:
        raise InvalidTransition("入户调查已提交，不能再上传照片")
    if upload.size is not None and upload.size > PHOTO_MAX_BYTES:
        raise ApplicationError("照片不能超过 8 MB")
    kind = _photo_kind(upload)
    if kind is None:
        raise ApplicationError("只能上传 JPEG、PNG 或 WebP 格式的照片")
    inv = Investigation.objects.filter(case=case).first()
    if inv is None:
        inv = Investigation.objects.create(case=case, investigator=actor, created_by=actor)
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
    case = _lock(case)
    _require(
        _covers(actor, case.area_code, (Role.COMMUNITY_STAFF, Role.TOWNSHIP_STAFF)),
        "只有社区或乡镇(街道)工作人员可以调整分级",
    )
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


# ---------------------------------------------------------------------------------------------
# 3. Community review and township recognition


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
    case = _lock(case)
    _require(
        _covers(actor, case.area_code, (Role.COMMUNITY_STAFF, Role.TOWNSHIP_STAFF)),
        "只有本社区或乡镇(街道)工作人员可以记录社区评议",
    )
    if not case.can_move_to(Stage.REVIEWED):
        _move(case, Stage.REVIEWED)
    missing = []
    if held_on is None:
        missing.append("评议日期")
    if not _text(participants):
        missing.append("参加人员")
    if not _text(opinion):
        missing.append("评议意见")
    _missing_or_raise("社区评议", missing)
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
    _save_stage(case, actor, "care.case.review", before, recommends=recommends)
    return case


def _require_township_of(actor: Any, case: CareCase, verb: str) -> None:
    _require(
        _covers(actor, case.area_code, (Role.TOWNSHIP_STAFF,)),
        f"该住户不在您所在乡镇(街道)的辖区内，不能{verb}",
    )


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
    case = _lock(case)
    _require_township_of(actor, case, "认定")
    if not case.can_move_to(Stage.RECOGNISED):
        _move(case, Stage.RECOGNISED)
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
        "care.case.recognise",
        before,
        batch=batch.name,
        _fields=["batch", "person_count"],
    )
    return case


@transaction.atomic
def case_reject(*, actor: Any, case: CareCase, reason: str) -> CareCase:
    """乡镇(街道)不予认定 → rejected: only the township of the area, always with the reason."""
    case = _lock(case)
    _require_township_of(actor, case, "作出认定结论")
    if not case.can_move_to(Stage.REJECTED):
        _move(case, Stage.REJECTED)
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
    _save_stage(case, actor, "care.case.reject", before, _fields=["closed_at"])
    return case


# ---------------------------------------------------------------------------------------------
# 4. Plan and measures


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
    case = _lock(case)
    _require(
        _covers(actor, case.area_code, (Role.COMMUNITY_STAFF, Role.TOWNSHIP_STAFF)),
        "只有本社区或乡镇(街道)工作人员可以制定方案",
    )
    _require_plan_open(case)
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
def measure_add(
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
) -> Measure:
    """A measure of the plan: one of the twelve care actions, what is done, the responsible unit
    and a deadline are required; budget in integer fen; optionally the link to what delivers it
    elsewhere (``delivery_type`` = "<app>.<entity>", ``delivery_id``)."""
    case = _lock(case)
    _require(
        _covers(actor, case.area_code, (Role.COMMUNITY_STAFF, Role.TOWNSHIP_STAFF)),
        "只有本社区或乡镇(街道)工作人员可以添加措施",
    )
    _require_plan_open(case)
    measure = _create_measure(
        actor=actor,
        case=case,
        action=action,
        title=title,
        responsible_unit=responsible_unit,
        deadline=deadline,
        paired_unit=paired_unit,
        budget_fen=budget_fen,
        delivery_type=delivery_type,
        delivery_id=delivery_id,
        delivery_label=delivery_label,
    )
    audit.record(
        actor=actor,
        action="care.measure.add",
        target=measure,
        changes={"case": case.number, "action": action, "unit": measure.responsible_unit_id},
    )
    _enqueue_refresh(case)
    return measure


@transaction.atomic
def plan_approve(*, actor: Any, case: CareCase) -> CareCase:
    """确定方案 → planned: the township approves a plan with at least one measure, a leader
    (包抓领导) and a paired unit (结对单位)."""
    case = _lock(case)
    _require_township_of(actor, case, "审定方案")
    if not case.can_move_to(Stage.PLANNED):
        _move(case, Stage.PLANNED)
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
    _save_stage(case, actor, "care.case.plan_approve", before)
    return case


def _measure_move(measure: Measure, to: str) -> str:
    if to not in MEASURE_TRANSITIONS[measure.status]:
        raise InvalidTransition(
            f"措施当前状态为「{MeasureStatus(measure.status).label}」，不能改为「{MeasureStatus(to).label}」"
        )
    before = measure.status
    measure.status = to
    return before


def _require_unit(actor: Any, measure: Measure, verb: str) -> None:
    _require(
        acts_for_unit(actor, measure.responsible_unit),
        f"该措施的责任单位是{measure.responsible_unit.name}，您不能{verb}",
    )


def _require_case_running(measure: Measure) -> None:
    if measure.case.stage not in (Stage.PLANNED, Stage.TRACKING, Stage.CONTINUED):
        raise InvalidTransition("方案审定之后才能实施措施")


@transaction.atomic
def measure_start(*, actor: Any, measure: Measure) -> Measure:
    """The responsible unit starts a measure of an approved plan."""
    measure = _lock_measure(measure)
    _require_unit(actor, measure, "开始实施")
    _require_case_running(measure)
    before = _measure_move(measure, MeasureStatus.IN_PROGRESS)
    measure.started_at = timezone.now()
    measure.updated_by = actor
    measure.save(update_fields=["status", "started_at", "updated_by", "updated_at"])
    _tally_measure(measure, before, measure.status)
    audit.record(
        actor=actor,
        action="care.measure.start",
        target=measure,
        changes={"status": [before, measure.status]},
    )
    return measure


@transaction.atomic
def measure_implement(*, actor: Any, measure: Measure, evidence: str) -> Measure:
    """The responsible unit — and only it — marks its measure implemented, with evidence."""
    measure = _lock_measure(measure)
    _require_unit(actor, measure, "确认落实")
    _require_case_running(measure)
    _measure_move(measure, MeasureStatus.IMPLEMENTED)
    _missing_or_raise("落实确认", [] if _text(evidence) else ["落实佐证"])
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
    audit.record(
        actor=actor,
        action="care.measure.implement",
        target=measure,
        changes={"status": [before, measure.status]},
    )
    _enqueue_refresh(measure.case)
    return measure


@transaction.atomic
def measure_cancel(*, actor: Any, measure: Measure, reason: str) -> Measure:
    """A measure is cancelled, with its reason, by its unit or by the township of the area."""
    measure = _lock_measure(measure)
    _require(
        acts_for_unit(actor, measure.responsible_unit)
        or _covers(actor, measure.area_code, (Role.TOWNSHIP_STAFF,)),
        f"该措施的责任单位是{measure.responsible_unit.name}，您不能取消",
    )
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
    _require(
        acts_for_unit(actor, measure.responsible_unit)
        or _covers(actor, measure.area_code, (Role.COMMUNITY_STAFF, Role.TOWNSHIP_STAFF)),
        "您不能修改该措施的承接关联",
    )
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
    audit.record(
        actor=actor,
        action="care.measure.link",
        target=measure,
        changes={"delivery": [before, [measure.delivery_type, measure.delivery_id]]},
    )
    return measure


# ---------------------------------------------------------------------------------------------
# 5. Tracking


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
    case = _lock(case)
    _require(
        _frontline(actor, case)
        or (case.leader_id is not None and case.leader_id == getattr(actor, "pk", None))
        or (case.paired_unit is not None and acts_for_unit(actor, case.paired_unit)),
        "您不负责该住户，不能记录回访",
    )
    if case.stage not in (Stage.PLANNED, Stage.TRACKING, Stage.CONTINUED):
        raise InvalidTransition(
            f"案件当前处于「{Stage(case.stage).label}」阶段，方案审定后才能跟踪回访"
        )
    missing = []
    if visited_on is None:
        missing.append("回访日期")
    if not _text(notes):
        missing.append("回访情况")
    _missing_or_raise("跟踪回访", missing)
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
        _save_stage(case, actor, "care.case.track", before)
    audit.record(
        actor=actor, action="care.followup.record", target=followup, area_code=case.area_code
    )
    return followup


# ---------------------------------------------------------------------------------------------
# 6. Evaluation and acceptance


@transaction.atomic
def case_evaluate(
    *, actor: Any, case: CareCase, evaluated_on: dt.date, outcome: str, decision: str
) -> Evaluation:
    """评估 → evaluated: the township evaluates after at least one follow-up visit, with the
    outcome; a case may be proposed for closing only when none of its measures is still open."""
    case = _lock(case)
    _require_township_of(actor, case, "评估")
    if not case.can_move_to(Stage.EVALUATED):
        _move(case, Stage.EVALUATED)
    missing = []
    if evaluated_on is None:
        missing.append("评估日期")
    if not _text(outcome):
        missing.append("帮扶成效")
    if decision not in Evaluation.Decision.values:
        missing.append("评估结论")
    if not case.followups.exists():
        missing.append("跟踪回访记录")
    _missing_or_raise("评估", missing)
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
    _save_stage(case, actor, "care.case.evaluate", before, decision=decision)
    return evaluation


@transaction.atomic
def case_accept(*, actor: Any, case: CareCase) -> CareCase:
    """验收 → closed or continued, as the evaluation decided. Acceptance is by township or
    county staff of the area other than the evaluator (maker-checker)."""
    case = _lock(case)
    _require(
        _covers(actor, case.area_code, (Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF)),
        "只有乡镇(街道)或县(区)工作人员可以验收",
    )
    evaluation = case.evaluations.filter(accepted_at__isnull=True).order_by("-pk").first()
    if case.stage != Stage.EVALUATED or evaluation is None:
        raise InvalidTransition(f"案件当前处于「{Stage(case.stage).label}」阶段，评估之后才能验收")
    if evaluation.evaluator_id == getattr(actor, "pk", None):
        raise AccessDenied("评估人不能验收自己的评估")
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
    _save_stage(case, actor, "care.case.accept", before, _fields=fields)
    return case


# ---------------------------------------------------------------------------------------------
# Escalation and joint meetings


@transaction.atomic
def escalation_raise(*, actor: Any, measure: Measure, kind: str, reason: str) -> Escalation:
    """A measure its unit cannot deliver goes to consultation (会商) or a higher level (提级):
    raised by the responsible unit or the township of the area, with the reason; one open
    escalation per measure."""
    measure = _lock_measure(measure)
    _require(
        acts_for_unit(actor, measure.responsible_unit)
        or _covers(actor, measure.area_code, (Role.TOWNSHIP_STAFF,)),
        f"该措施的责任单位是{measure.responsible_unit.name}，您不能提请会商或提级",
    )
    if not measure.is_open:
        raise InvalidTransition("已落实或已取消的措施不能提请会商或提级")
    missing = []
    if kind not in Escalation.Kind.values:
        missing.append("方式（会商或提级）")
    if not _text(reason):
        missing.append("原因")
    _missing_or_raise("会商提级", missing)
    if (
        Escalation.objects.filter(measure=measure)
        .exclude(status=Escalation.Status.RESOLVED)
        .exists()
    ):
        raise Conflict("该措施已有未决定的会商提级事项")
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
    *, actor: Any, area_code: str, title: str, scheduled_on: dt.date
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
    missing = []
    if held_on is None:
        missing.append("召开日期")
    if not _text(minutes):
        missing.append("会议纪要")
    _missing_or_raise("联席会议纪要", missing)
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


# ---------------------------------------------------------------------------------------------
# Batches and background work


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
            grade_rank=case.grade_rank, priority=case.priority, batch_id=case.batch_id
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
