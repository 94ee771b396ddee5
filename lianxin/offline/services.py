"""The sync of the phone's outbox. Each submission the grid worker saved offline is applied
exactly once, through the services of the apps that own the record (care: visits, discoveries,
investigations with photos; monitoring: alert verification) — this module only decides which
service to call, keeps the idempotency key, and records when the visit was typed and when it
reached the server. A refusal writes nothing: the submission's row, the record and its audit
rows are one transaction."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from lianxin.care import services as care_services
from lianxin.care.models import CareCase, DiscoverySource, InvestigationPhoto, Stage
from lianxin.core import audit
from lianxin.core.errors import ApplicationError, Conflict, InvalidTransition, NotFound
from lianxin.monitoring import services as monitoring_services
from lianxin.monitoring.models import Alert
from lianxin.registry.models import Household

from .models import Submission, SubmissionKind, SubmissionStatus

MAX_PHOTOS = 6
MAX_TEXT = 4000
#: a phone whose clock runs ahead by more than this is refused (the typed time would be false)
CLOCK_TOLERANCE = dt.timedelta(minutes=10)


class SyncConflict(Conflict):
    """The record changed on the server after the form was typed (the alert was verified by a
    colleague, the case moved on): the worker decides. ``extra["current"]`` says what it is now."""

    code = "conflict"


@dataclass(frozen=True)
class SyncResult:
    submission: Submission
    replayed: bool


@dataclass(frozen=True)
class Applied:
    target: models.Model
    household: Household | None
    area_code: str
    summary: str


# ---------------------------------------------------------------------------------------------
# Reading the payload (what the phone sent is untrusted input: Chinese messages, nothing partial)


def _text(payload: Mapping[str, Any], name: str, label: str, *, required: bool = True) -> str:
    value = payload.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ApplicationError(f"{label}格式不正确")
    value = value.strip()
    if required and not value:
        raise ApplicationError(f"请填写{label}")
    if len(value) > MAX_TEXT:
        raise ApplicationError(f"{label}不能超过{MAX_TEXT}字")
    return value


def _date(payload: Mapping[str, Any], name: str, label: str) -> dt.date:
    raw = payload.get(name)
    try:
        value = parse_date(raw) if isinstance(raw, str) else None
    except ValueError:
        value = None
    if value is None:
        raise ApplicationError(f"{label}不是有效的日期")
    return value


def _bool(payload: Mapping[str, Any], name: str) -> bool:
    value = payload.get(name, False)
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes", "on")
    return bool(value)


def _fen(value: Any, label: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise ApplicationError(f"{label}不是有效的金额") from exc
    if not amount.is_finite() or amount < 0 or amount > Decimal("10000000"):
        raise ApplicationError(f"{label}不是有效的金额")
    return int((amount * 100).to_integral_value())


def parse_key(raw: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(raw))
    except (TypeError, ValueError) as exc:
        raise ApplicationError("同步编号无效，请在手机上重新保存该记录") from exc


def parse_typed_at(raw: Any) -> dt.datetime:
    value = parse_datetime(raw) if isinstance(raw, str) else None
    if value is None:
        raise ApplicationError("填写时间无效")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > timezone.now() + CLOCK_TOLERANCE:
        raise ApplicationError("填写时间晚于服务器时间，请检查手机的日期和时间设置")
    return value


def _household(actor: Any, payload: Mapping[str, Any]) -> Household:
    number = _text(payload, "household", "住户")
    household = Household.objects.for_user(actor).filter(number=number, is_active=True).first()
    if household is None:
        raise NotFound(f"住户{number}不存在或不在您负责的网格")
    return household


def _case(actor: Any, household: Household, payload: Mapping[str, Any]) -> CareCase:
    """The case the form was typed for: the one the phone knew (then a case that moved on is a
    conflict), or the household's open case (after a discovery made offline too)."""
    cases = CareCase.objects.for_user(actor).filter(household=household)
    raw = payload.get("case")
    if raw not in (None, ""):
        try:
            case = cases.filter(pk=int(raw)).first()
        except (TypeError, ValueError):
            case = None
        if case is None:
            raise NotFound(f"住户{household.number}的关爱案件不存在或您无权处理")
        return case
    case = cases.open().order_by("-pk").first()
    if case is None:
        raise SyncConflict(
            f"住户{household.number}目前没有未结案的关爱案件",
            extra={"current": "没有未结案的案件"},
        )
    return case


def _add_photos(
    *,
    actor: Any,
    case: CareCase,
    photos: Sequence[UploadedFile],
    stored: list[InvestigationPhoto],
    caption: str = "",
) -> None:
    """Each photo through care's ``investigation_add_photo`` (its checks, its audit); the new
    ones are noted in ``stored`` so that their files go if the submission is refused later."""
    if len(photos) > MAX_PHOTOS:
        raise ApplicationError(f"每条记录最多{MAX_PHOTOS}张照片")
    before = set(
        InvestigationPhoto.objects.filter(investigation__case=case).values_list("pk", flat=True)
    )
    for upload in photos:
        photo = care_services.investigation_add_photo(
            actor=actor, case=case, upload=upload, caption=caption
        )
        if photo.pk not in before:
            stored.append(photo)


def _remove_files(stored: list[InvestigationPhoto]) -> None:
    """The rows roll back with the transaction; the files on disk do not."""
    for photo in stored:
        if photo.file and photo.file.name:
            photo.file.storage.delete(photo.file.name)


Payload = Mapping[str, Any]
Photos = Sequence[UploadedFile]
Stored = list[InvestigationPhoto]


@contextmanager
def _case_unchanged(case: CareCase) -> Iterator[None]:
    """A refused transition of ``case`` means it moved on while the worker was offline."""
    try:
        yield
    except InvalidTransition as exc:
        raise SyncConflict(
            f"{exc.message}（案件{case.number}在您离线期间已变化）",
            extra={"current": Stage(case.stage).label},
        ) from exc


# ---------------------------------------------------------------------------------------------
# One handler per kind: each calls the owning app's services


def _apply_visit(*, actor: Any, payload: Payload, photos: Photos, stored: Stored) -> Applied:
    if photos:
        raise ApplicationError("走访记录不接受照片，请在入户调查中上传")
    household = _household(actor, payload)
    case = _case(actor, household, payload)
    visited_on = _date(payload, "visited_on", "走访日期")
    notes = _text(payload, "notes", "走访情况")
    with _case_unchanged(case):
        followup = care_services.followup_record(
            actor=actor, case=case, visited_on=visited_on, notes=notes
        )
    return Applied(
        followup, household, case.area_code, f"{household.number} {visited_on:%m-%d}走访已记录"
    )


def _apply_discovery(*, actor: Any, payload: Payload, photos: Photos, stored: Stored) -> Applied:
    household = _household(actor, payload)
    source = _text(payload, "source", "发现渠道", required=False) or DiscoverySource.GRID_VISIT
    case = care_services.case_discover(
        actor=actor,
        household=household,
        source=source,
        description=_text(payload, "description", "初步情况"),
        applicant_name=_text(payload, "applicant_name", "申请人/代办人", required=False)[:60],
    )
    _add_photos(actor=actor, case=case, photos=photos, stored=stored, caption="发现时拍摄")
    return Applied(
        case, household, case.area_code, f"{household.number} 已登记发现（{case.number}）"
    )


_INVESTIGATION_TEXT = (
    "residents",
    "income_notes",
    "housing",
    "housing_notes",
    "health_notes",
    "disability_notes",
    "schooling_notes",
    "care_notes",
    "heating",
    "needs",
)
_INVESTIGATION_FLAGS = (
    "has_severe_illness",
    "illness_assisted",
    "has_disabled_member",
    "has_school_age_child",
    "child_out_of_school",
    "child_without_carer",
    "disabled_adult_without_carer",
    "elderly_alone",
)


def _investigation_data(payload: Mapping[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if payload.get("visited_on"):
        data["visited_on"] = _date(payload, "visited_on", "入户日期")
    for name in _INVESTIGATION_TEXT:
        if name in payload:
            data[name] = _text(payload, name, name, required=False)
    for name in _INVESTIGATION_FLAGS:
        if name in payload:
            data[name] = _bool(payload, name)
    if payload.get("resident_count") not in (None, ""):
        try:
            data["resident_count"] = int(payload["resident_count"])
        except (TypeError, ValueError) as exc:
            raise ApplicationError("常住人数不是有效的数字") from exc
    for name, label in (("monthly_income", "家庭月收入"), ("monthly_expenses", "家庭月支出")):
        if name in payload:
            data[f"{name}_fen"] = _fen(payload.get(name), label)
    return data


def _apply_investigation(
    *, actor: Any, payload: Payload, photos: Photos, stored: Stored
) -> Applied:
    household = _household(actor, payload)
    case = _case(actor, household, payload)
    data = _investigation_data(payload)
    with _case_unchanged(case):
        care_services.investigation_save(actor=actor, case=case, data=data)
        _add_photos(actor=actor, case=case, photos=photos, stored=stored)
        if _bool(payload, "submit"):
            case = care_services.case_investigate(actor=actor, case=case)
    done = "已提交" if _bool(payload, "submit") else "已保存草稿"
    return Applied(case, household, case.area_code, f"{household.number} 入户调查{done}")


def _alert_now(alert: Alert) -> str:
    alert = Alert.objects.select_related("verified_by").get(pk=alert.pk)
    who = alert.verified_by or "其他工作人员"
    when = timezone.localtime(alert.verified_at) if alert.verified_at else None
    at = f"于{when:%m-%d %H:%M}" if when else ""
    outcome = f"（{alert.get_outcome_display()}）" if alert.outcome else ""
    return f"{who}{at}核实为「{alert.get_status_display()}」{outcome}：{alert.verification_note}"


def _apply_alert(*, actor: Any, payload: Payload, photos: Photos, stored: Stored) -> Applied:
    if photos:
        raise ApplicationError("预警核实不接受照片")
    try:
        alert_id = int(payload.get("alert"))  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise ApplicationError("预警编号无效") from exc
    alert = Alert.objects.for_user(actor).filter(pk=alert_id).first()
    if alert is None:
        raise NotFound("该预警不存在或不在您负责的网格")
    result = _text(payload, "result", "核实结果")
    if result not in ("confirmed", "rejected"):
        raise ApplicationError("核实结果只能是「属实」或「不属实」")
    try:
        alert = monitoring_services.alert_verify(
            actor=actor,
            alert=alert,
            confirmed=result == "confirmed",
            note=_text(payload, "note", "核实情况", required=False),
            outcome=_text(payload, "outcome", "处理去向", required=False),
        )
    except InvalidTransition as exc:
        now = _alert_now(alert)
        raise SyncConflict(f"该预警在您离线期间已被核实：{now}", extra={"current": now}) from exc
    return Applied(alert, None, alert.area_code, f"预警已核实为「{alert.get_status_display()}」")


HANDLERS: dict[str, Callable[..., Applied]] = {
    SubmissionKind.VISIT: _apply_visit,
    SubmissionKind.DISCOVERY: _apply_discovery,
    SubmissionKind.INVESTIGATION: _apply_investigation,
    SubmissionKind.ALERT_VERIFICATION: _apply_alert,
}


def _kind(raw: Any) -> str:
    if raw not in HANDLERS:
        raise ApplicationError("不支持的离线记录类型")
    return str(raw)


def _replay(actor: Any, submission: Submission) -> SyncResult:
    if submission.user_id != getattr(actor, "pk", None):
        raise Conflict("该同步编号已被其他账号使用，请在手机上重新保存该记录")
    return SyncResult(submission, replayed=True)


def _claim(
    *, actor: Any, key: uuid.UUID, kind: str, status: str, typed_at: dt.datetime
) -> Submission | None:
    """Insert the submission's row under its unique key; None when the key is already there (a
    repeated or concurrent send). On PostgreSQL a concurrent insert of the same key waits for
    the first transaction and then fails here, so only one request ever applies the record."""
    try:
        with transaction.atomic():
            return Submission.objects.create(
                key=key,
                user=actor,
                kind=kind,
                status=status,
                typed_at=typed_at,
                synced_at=timezone.now(),
                created_by=actor,
            )
    except IntegrityError:
        return None


def _claim_new(
    actor: Any, key: Any, kind: Any, payload: Any, typed_at: Any, status: str
) -> Submission | SyncResult:
    """The new submission's row, claimed under its key, or the earlier result of that key."""
    key = parse_key(key)
    kind = _kind(kind)
    typed = parse_typed_at(typed_at)
    if not isinstance(payload, Mapping):
        raise ApplicationError("提交内容格式不正确")
    existing = Submission.objects.filter(key=key).first()
    if existing is not None:
        return _replay(actor, existing)
    submission = _claim(actor=actor, key=key, kind=kind, status=status, typed_at=typed)
    if submission is None:
        return _replay(actor, Submission.objects.get(key=key))
    return submission


@transaction.atomic
def submission_sync(
    *,
    actor: Any,
    key: Any,
    kind: Any,
    payload: Mapping[str, Any],
    typed_at: Any,
    photos: Sequence[UploadedFile] = (),
) -> SyncResult:
    """Applies one submission of the phone's outbox exactly once: the idempotency key is a
    unique column, so a second send (a retry after a lost answer, the same queue synced twice,
    two tabs at once) answers the first result and writes nothing. The owning app's service
    enforces its own rules and scope; a record changed meanwhile is a ``SyncConflict``. The
    audit row keeps the time the worker typed the form on the phone and the time of sync."""
    claimed = _claim_new(actor, key, kind, payload, typed_at, SubmissionStatus.APPLIED)
    if isinstance(claimed, SyncResult):
        return claimed
    submission = claimed
    key, kind, typed = submission.key, submission.kind, submission.typed_at
    stored: list[InvestigationPhoto] = []
    try:
        applied = HANDLERS[kind](actor=actor, payload=payload, photos=photos, stored=stored)
    except ApplicationError:
        _remove_files(stored)
        raise
    submission.area_code = applied.area_code
    submission.household_number = applied.household.number if applied.household else ""
    submission.target_type = applied.target._meta.label
    submission.target_id = str(applied.target.pk)
    submission.summary = applied.summary[:200]
    submission.save(
        update_fields=[
            "area_code",
            "household_number",
            "target_type",
            "target_id",
            "summary",
            "updated_at",
        ]
    )
    audit.record(
        actor=actor,
        action="offline.submission.sync",
        target=submission,
        area_code=applied.area_code,
        changes={
            "kind": kind,
            "key": str(key),
            "typed_at": timezone.localtime(typed).isoformat(timespec="seconds"),
            "synced_at": timezone.localtime(submission.synced_at).isoformat(timespec="seconds"),
            "record": f"{submission.target_type}:{submission.target_id}",
        },
    )
    return SyncResult(submission, replayed=False)


@transaction.atomic
def submission_discard(
    *, actor: Any, key: Any, kind: Any, payload: Mapping[str, Any], typed_at: Any, reason: str = ""
) -> SyncResult:
    """The worker gives a submission up after a conflict or a refusal (e.g. the alert was
    verified by a colleague meanwhile). Nothing typed is lost silently: what was typed is kept
    on the server, encrypted, with the reason, and audited; the key is used up, so the same
    submission cannot be applied later by an old copy of the queue."""
    claimed = _claim_new(actor, key, kind, payload, typed_at, SubmissionStatus.DISCARDED)
    if isinstance(claimed, SyncResult):
        return claimed
    submission = claimed
    key, kind, typed = submission.key, submission.kind, submission.typed_at
    number = payload.get("household")
    household = (
        Household.objects.for_user(actor).filter(number=number).first()
        if isinstance(number, str) and number
        else None
    )
    alert = None
    if kind == SubmissionKind.ALERT_VERIFICATION and str(payload.get("alert", "")).isdigit():
        alert = Alert.objects.for_user(actor).filter(pk=int(payload["alert"])).first()
    owner = household or alert
    submission.area_code = owner.area_code if owner is not None else ""
    submission.household_number = household.number if household else ""
    submission.payload = json.dumps(dict(payload), ensure_ascii=False, default=str)
    submission.summary = (reason or "填写人放弃同步")[:200]
    submission.save(
        update_fields=["area_code", "household_number", "payload", "summary", "updated_at"]
    )
    audit.record(
        actor=actor,
        action="offline.submission.discard",
        target=submission,
        changes={
            "kind": kind,
            "key": str(key),
            "typed_at": timezone.localtime(typed).isoformat(timespec="seconds"),
            "comment": submission.summary,
        },
    )
    return SyncResult(submission, replayed=False)
