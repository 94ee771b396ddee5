"""Every write of neighbourhood help: keyword-only, actor first, one transaction, one audit row.

Status changes go through ``workflows.WISH_WORKFLOW`` / ``TASK_WORKFLOW`` (``advance`` is a
conditional UPDATE: concurrent claims of one wish or task have exactly one winner). The two
ledgers are append-only; ``Balance`` is kept here in the same transaction as each entry."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from lianxin.care import services as care_services
from lianxin.core import audit
from lianxin.core.errors import AccessDenied, ApplicationError, Conflict, InvalidTransition
from lianxin.core.roles import Role
from lianxin.core.scoping import ancestors_of, scope_of
from lianxin.core.servicekit import advance_audited, audited, file_kind
from lianxin.registry import selectors as registry_selectors

from .models import (
    Balance,
    ConfirmedBy,
    DeliveryTally,
    HoursEntry,
    HoursKind,
    KeyPersonCare,
    PointsEntry,
    PointsKind,
    PointsPolicy,
    PointsRule,
    ServiceTask,
    TaskKind,
    TaskSource,
    TaskStatus,
    Team,
    TeamKind,
    TeamMembership,
    VolunteerProfile,
    Wish,
    WishCategory,
    WishClaim,
    WishSource,
    WishStatus,
)
from .querysets import WALL_ROLES
from .workflows import TASK_WORKFLOW, WISH_WORKFLOW, area_staff, covers, frontline

PHOTO_MAX_BYTES = 8 * 1024 * 1024
MAX_ESTIMATE_FEN = 100_000_00  # a micro-wish is small: at most 100,000 yuan is a typing error
DEFAULT_CLAIM_DAYS = 14
# Points per task kind where no region rule is set: (per task, per hour of service).
DEFAULT_POINTS: dict[str, tuple[int, int]] = {
    TaskKind.MEDICINE: (10, 5),
    TaskKind.SHOPPING: (10, 5),
    TaskKind.COMPANY: (5, 10),
    TaskKind.COUNSELLING: (5, 10),
    TaskKind.ESCORT: (15, 10),
    TaskKind.HEALTH_CHECK: (10, 5),
    TaskKind.WISH_DELIVERY: (10, 0),
    TaskKind.OTHER: (5, 5),
}
DEFAULT_VALID_DAYS = 365
PUBLIC_KINDS = (
    "独居老人",
    "空巢老人",
    "高龄老人",
    "困境儿童",
    "留守儿童",
    "残疾人",
    "困难群众",
    "福利院儿童",
    "福利院老人",
)
_TAG_KIND = {
    "高龄独居": "独居老人",
    "空巢老人": "空巢老人",
    "事实无人抚养儿童": "困境儿童",
    "困境儿童": "困境儿童",
    "留守儿童": "留守儿童",
    "残疾": "残疾人",
}


def _text(value: Any) -> str:
    return " ".join(str(value or "").split())


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise AccessDenied(message)


def _number(prefix: str) -> str:
    return f"{prefix}{timezone.localdate():%Y%m%d}{uuid.uuid4().hex[:6].upper()}"


def _receipt_hash(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


def _check_photo(upload: UploadedFile | None) -> tuple[str, str]:
    if upload is None:
        raise ApplicationError("网格员代为确认时须上传送达照片")
    if upload.size is not None and upload.size > PHOTO_MAX_BYTES:
        raise ApplicationError("照片不能超过 8 MB")
    kind = file_kind(upload)
    if kind is None:
        raise ApplicationError("只能上传 JPEG、PNG 或 WebP 格式的照片")
    return kind


def age_on(birth: dt.date | None, today: dt.date) -> int | None:
    if birth is None:
        return None
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def public_line_for(*, person: Any, public_kind: str = "") -> str:
    """The anonymised line of the wall: "独居老人，78岁，安秀社区" — a kind, an age, a community;
    never a name, an address or a photo."""
    today = timezone.localdate()
    age = age_on(person.birth_date, today)
    kind = public_kind
    if not kind:
        tags = [t.tag for t in registry_selectors.active_tags_of([person]).get(person.pk, [])]
        kind = next((_TAG_KIND[t] for t in tags if t in _TAG_KIND), "")
    if not kind:
        kind = (
            "老人"
            if age is not None and age >= 60
            else "儿童"
            if age is not None and age < 18
            else "困难群众"
        )
    parts = [kind]
    if age is not None:
        parts.append(f"{age}岁")
    parts.append(person.division.short_name)
    return "，".join(parts)


def _measure_implemented(*, actor: Any, target: Wish | ServiceTask, evidence: str) -> bool:
    """Mark the care measure that the wish or task ``target`` serves (if any) implemented through
    care's service. When the actor cannot (the measure belongs to another unit, the plan is not
    approved yet), the wish or task still closes and the refusal is audited; the responsible
    unit then confirms it in care."""
    if not target.care_measure_id:
        return False
    measure = target.care_measure
    try:
        with transaction.atomic():
            care_services.measure_implement(actor=actor, measure=measure, evidence=evidence)
    except ApplicationError as exc:
        audit.record(
            actor=actor,
            action=f"{target._meta.label_lower}.measure_pending",
            target=target,
            changes={"measure": measure.pk, "reason": exc.message},
        )
        return False
    return True


# ---------------------------------------------------------------------------------------------
# Micro-wishes


@transaction.atomic
def wish_create(
    *,
    actor: Any,
    title: str,
    category: str,
    estimate_fen: int | None,
    person: Any = None,
    measure: Any = None,
    division: Any = None,
    institution: str = "",
    public_kind: str = "",
    story: str = "",
    claim_days: int = DEFAULT_CLAIM_DAYS,
    publish: bool = False,
) -> tuple[Wish, str]:
    """A grid worker or community worker records a wish from a visit (``person``), as a measure
    of the household's care plan (``measure``: the wish becomes the measure's delivery), or for
    a welfare institution (``division`` + ``institution``). Returns the wish and the receipt
    code the beneficiary keeps to confirm receipt (stored only as a keyed hash)."""
    title = _text(title)
    missing = []
    if not title:
        missing.append("心愿内容")
    if category not in WishCategory.values:
        missing.append("类别")
    if estimate_fen is None:
        missing.append("估价")
    if person is None and measure is None and not (division is not None and _text(institution)):
        missing.append("受助人或福利机构")
    if missing:
        raise ApplicationError(f"微心愿缺少：{'、'.join(missing)}")
    assert estimate_fen is not None
    if estimate_fen <= 0 or estimate_fen > MAX_ESTIMATE_FEN:
        raise ApplicationError("估价应在 0.01 元至 100,000 元之间")
    if public_kind and public_kind not in PUBLIC_KINDS:
        raise ApplicationError("公开描述只能从列表中选择")
    if not 1 <= int(claim_days) <= 90:
        raise ApplicationError("送达期限应为 1 至 90 天")
    source = WishSource.VISIT
    grid = None
    if measure is not None:
        source = WishSource.CARE_MEASURE
        household = measure.case.household
        if person is None:
            person = household.head
        if measure.status not in ("planned", "in_progress"):
            raise InvalidTransition("该措施已落实或已取消，不能再发布心愿")
    if person is not None:
        division = person.division
        grid = person.grid
        line = public_line_for(person=person, public_kind=public_kind)
    else:
        source = WishSource.INSTITUTION
        line = f"{_text(institution)[:30]}，{public_kind or '福利院儿童'}"
    probe = Wish(division=division, grid=grid)
    probe.area_code = division.code
    _require(
        frontline(actor, probe),
        "只有本网格的网格员或本社区工作人员可以登记微心愿",
    )
    code = f"{secrets.randbelow(10**6):06d}"
    wish = Wish.objects.create(
        number=_number("XY"),
        title=title[:120],
        category=category,
        story=_text(story)[:300],
        public_line=line[:60],
        estimate_fen=int(estimate_fen),
        source=source,
        person=person,
        institution=_text(institution)[:80],
        care_measure=measure,
        division=division,
        grid=grid,
        claim_days=int(claim_days),
        receipt_code_hash=_receipt_hash(code),
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action="volunteers.wish.create",
        target=wish,
        changes={
            "source": source,
            "estimate_fen": wish.estimate_fen,
            "measure": getattr(measure, "pk", None),
        },
    )
    if measure is not None:
        care_services.measure_link_delivery(
            actor=actor,
            measure=measure,
            delivery_type="volunteers.microwish",
            delivery_id=wish.pk,
            label=f"微心愿 {wish.number}",
        )
    if publish and area_staff(actor, wish):
        wish = wish_publish(actor=actor, obj=wish)
    return wish, code


def _wish_move(actor: Any, obj: Wish, name: str, **details: Any) -> Wish:
    """The wish moves along ``name`` (``updates``), audited as volunteers.wish.<name>."""
    action = f"volunteers.wish.{name}"
    return advance_audited(WISH_WORKFLOW, obj, name, actor=actor, action=action, **details)


def _task_move(actor: Any, obj: ServiceTask, name: str, **details: Any) -> ServiceTask:
    """The task moves along ``name`` (``updates``), audited as volunteers.task.<name>."""
    action = f"volunteers.task.{name}"
    return advance_audited(TASK_WORKFLOW, obj, name, actor=actor, action=action, **details)


@transaction.atomic
def wish_publish(*, actor: Any, obj: Wish) -> Wish:
    """The community publishes the wish on the wall (staff of the area)."""
    return _wish_move(actor, obj, "publish", updates={"published_at": timezone.now()})


def _claimant_org(actor: Any) -> Any:
    from lianxin.directory.models import Organisation

    orgs = sorted(scope_of(actor).organisation_ids(WALL_ROLES))
    return Organisation.objects.filter(pk=orgs[0]).first() if orgs else None


@transaction.atomic
def wish_claim(*, actor: Any, obj: Wish, note: str = "") -> Wish:
    """A partner unit (its organisation) or a volunteer claims the wish — once: the conditional
    UPDATE lets exactly one of concurrent claims through; every later claim is refused."""
    now = timezone.now()
    org = _claimant_org(actor)
    due = now + dt.timedelta(days=obj.claim_days)
    try:
        wish = WISH_WORKFLOW.advance(
            obj,
            "claim",
            actor=actor,
            updates={
                "claimant_org": org,
                "claimant_user": actor,
                "claimed_at": now,
                "claim_due": due,
            },
        )
    except InvalidTransition as exc:
        raise Conflict("该心愿已被认领，每个心愿只能认领一次") from exc
    try:
        with transaction.atomic():
            WishClaim.objects.create(
                wish=wish,
                claimant_org=org,
                claimant_user=actor,
                claimed_at=now,
                due_at=due,
                created_by=actor,
            )
    except IntegrityError as exc:  # the partial unique index: one active claim per wish
        raise Conflict("该心愿已被认领，每个心愿只能认领一次") from exc
    return audited(
        wish,
        actor=actor,
        action="volunteers.wish.claim",
        changes={"claimant_org": getattr(org, "pk", None), "due": due.isoformat()},
    )


def _end_claim(wish: Wish, outcome: str) -> None:
    WishClaim.objects.filter(wish=wish, outcome=WishClaim.Outcome.ACTIVE).update(
        outcome=outcome, ended_at=timezone.now()
    )


_CLEAR_CLAIM = {"claimant_org": None, "claimant_user": None, "claimed_at": None, "claim_due": None}


@transaction.atomic
def wish_release(*, actor: Any, obj: Wish, reason: str = "") -> Wish:
    """The claimant gives the wish up; it returns to the wall."""
    noted = {"reason": _text(reason)[:100]}
    wish = _wish_move(actor, obj, "release", updates=_CLEAR_CLAIM, changes=noted)
    _end_claim(wish, WishClaim.Outcome.RELEASED)
    return wish


@transaction.atomic
def wish_lapse_overdue(*, now: dt.datetime | None = None) -> int:
    """Claims not delivered by their due time lapse: the wish returns to the wall."""
    now = now or timezone.now()
    count = 0
    for wish in Wish.objects.filter(status=WishStatus.CLAIMED, claim_due__lt=now).order_by("pk"):
        try:
            WISH_WORKFLOW.advance(
                wish,
                "lapse",
                actor=None,
                check=False,
                updates={**_CLEAR_CLAIM, "lapse_count": F("lapse_count") + 1},
            )
        except InvalidTransition:
            continue  # delivered meanwhile
        _end_claim(wish, WishClaim.Outcome.LAPSED)
        audit.record(actor=None, action="volunteers.wish.lapse", target=wish)
        count += 1
    return count


@transaction.atomic
def wish_deliver(*, actor: Any, obj: Wish, note: str = "", value_fen: int | None = None) -> Wish:
    """The claimant records the delivery (and what the goods were worth)."""
    if value_fen is not None and not 0 <= int(value_fen) <= MAX_ESTIMATE_FEN:
        raise ApplicationError("捐赠价值应在 0 至 100,000 元之间")
    updates = {"delivered_at": timezone.now(), "delivery_note": _text(note)[:200]}
    updates["value_fen"] = obj.estimate_fen if value_fen is None else int(value_fen)
    wish = _wish_move(actor, obj, "deliver", updates=updates)
    _end_claim(wish, WishClaim.Outcome.DELIVERED)
    return wish


@transaction.atomic
def wish_confirm(
    *,
    actor: Any,
    obj: Wish,
    confirmed_by: str = ConfirmedBy.GRID_WORKER,
    receipt_code: str = "",
    photo: UploadedFile | None = None,
) -> Wish:
    """The beneficiary confirms receipt (the receipt code they keep, entered by whoever is with
    them), or the grid worker confirms for them with a photo. Closing marks the care measure
    the wish serves implemented (care's service)."""
    updates: dict[str, Any] = {
        "confirmed_at": timezone.now(),
        "confirmed_by": confirmed_by,
        "confirmed_user": actor,
    }
    if confirmed_by == ConfirmedBy.BENEFICIARY:
        code = _text(receipt_code)
        if not code or not hmac.compare_digest(_receipt_hash(code), obj.receipt_code_hash):
            raise ApplicationError("确认码不正确，请核对受助人手中的确认码")
    elif confirmed_by == ConfirmedBy.GRID_WORKER:
        _require(frontline(actor, obj), "只有本网格的网格员或本社区工作人员可以代为确认")
        kind = _check_photo(photo)
        assert photo is not None
        photo.name = f"confirm.{kind[1]}"
    else:
        raise ApplicationError("请选择确认方式")
    wish = WISH_WORKFLOW.advance(obj, "confirm", actor=actor, updates=updates)
    if confirmed_by == ConfirmedBy.GRID_WORKER:
        wish.confirm_photo = photo
        wish.save(update_fields=["confirm_photo", "updated_at"])
    audit.record(
        actor=actor, action="volunteers.wish.confirm", target=wish, changes={"by": confirmed_by}
    )
    _measure_implemented(
        actor=actor,
        target=wish,
        evidence=f"微心愿{wish.number}「{wish.title}」由{wish.claimant_name or '认领方'}送达，"
        f"{ConfirmedBy(confirmed_by).label}",
    )
    return wish


@transaction.atomic
def wish_cancel(*, actor: Any, obj: Wish, reason: str = "") -> Wish:
    if not _text(reason):
        raise ApplicationError("请填写撤销原因")
    noted = _text(reason)[:200]
    return _wish_move(
        actor, obj, "cancel", updates={"cancel_reason": noted}, changes={"reason": noted}
    )


# ---------------------------------------------------------------------------------------------
# Teams and volunteers


@transaction.atomic
def team_create(
    *,
    actor: Any,
    name: str,
    kind: str,
    division: Any,
    specialty: str = "",
    grid: Any = None,
    building: Any = None,
    organisation: Any = None,
    service_phone: str = "",
    task_kinds: list[str] | None = None,
) -> Team:
    if not _text(name) or kind not in TeamKind.values:
        raise ApplicationError("请填写队伍名称和类型")
    _require(covers(actor, division.code), "只有本社区或乡镇(街道)工作人员可以组建队伍")
    if building is not None and grid is None:
        grid = building.grid
    if grid is not None and grid.division_id != division.code:
        raise ApplicationError("网格不属于该社区(村)")
    bad = [k for k in task_kinds or [] if k not in TaskKind.values]
    if bad:
        raise ApplicationError("服务类型不正确")
    team = Team.objects.create(
        name=_text(name)[:80],
        kind=kind,
        specialty=_text(specialty)[:120],
        division=division,
        grid=grid,
        building=building,
        organisation=organisation,
        service_phone=_text(service_phone),
        task_kinds=list(task_kinds or []),
        created_by=actor,
    )
    return audited(team, actor=actor, action="volunteers.team.create", changes={"kind": kind})


def _volunteer_code(area_code: str) -> str:
    while True:
        code = f"ZY{area_code[:6]}{secrets.randbelow(10**8):08d}"
        if not VolunteerProfile.objects.filter(code=code).exists():
            return code


@transaction.atomic
def volunteer_register(
    *,
    actor: Any,
    name: str,
    division: Any,
    user: Any = None,
    national_number: str = "",
    skills: str = "",
    availability: str = "",
    phone: str = "",
    phone_on_card: bool = False,
) -> VolunteerProfile:
    """Community staff register a volunteer (and link the account with the volunteer role)."""
    from lianxin.core.phone import normalise

    _require(covers(actor, division.code), "只有本社区或乡镇(街道)工作人员可以登记志愿者")
    if not _text(name):
        raise ApplicationError("请填写志愿者姓名")
    phone_value = ""
    if _text(phone):
        try:
            phone_value = normalise(phone)
        except (ValueError, ApplicationError) as exc:
            raise ApplicationError("联系电话格式不正确") from exc
    profile = VolunteerProfile.objects.create(
        user=user,
        code=_volunteer_code(division.code),
        name=_text(name)[:40],
        national_number=_text(national_number)[:40],
        skills=_text(skills)[:200],
        availability=_text(availability)[:120],
        division=division,
        phone=phone_value,
        phone_on_card=bool(phone_on_card) and bool(phone_value),
        created_by=actor,
    )
    Balance.objects.create(volunteer=profile)
    return audited(profile, actor=actor, action="volunteers.volunteer.register")


@transaction.atomic
def team_add_member(
    *, actor: Any, team: Team, volunteer: VolunteerProfile, is_leader: bool = False
) -> TeamMembership:
    _require(covers(actor, team.area_code), "只有本社区或乡镇(街道)工作人员可以调整队员")
    membership, created = TeamMembership.objects.get_or_create(
        team=team,
        volunteer=volunteer,
        defaults={"is_leader": is_leader, "joined_on": timezone.localdate(), "created_by": actor},
    )
    if created:
        audit.record(
            actor=actor,
            action="volunteers.team.add_member",
            target=team,
            changes={"volunteer": volunteer.pk},
        )
    return membership


# ---------------------------------------------------------------------------------------------
# Service tasks


@transaction.atomic
def task_create(
    *,
    actor: Any,
    kind: str,
    title: str,
    team: Team,
    person: Any = None,
    measure: Any = None,
    wish: Wish | None = None,
    division: Any = None,
    scheduled_for: dt.datetime | None = None,
    meeting_point: str = "",
    public_kind: str = "",
) -> ServiceTask:
    """A service task from a care measure, a key person's need or a wish, offered to a team."""
    if kind not in TaskKind.values or not _text(title):
        raise ApplicationError("请填写服务类型和服务内容")
    source = TaskSource.MANUAL
    if measure is not None:
        source = TaskSource.CARE_MEASURE
        person = person or measure.case.household.head
    elif wish is not None:
        source = TaskSource.WISH
        person = person or wish.person
        division = division or wish.division
    elif person is not None:
        source = TaskSource.KEY_PERSON
    if person is not None:
        division = person.division
        line = public_line_for(person=person, public_kind=public_kind)
    elif wish is not None:
        line = wish.public_line
    else:
        raise ApplicationError("请选择服务对象")
    grid = person.grid if person is not None else wish.grid if wish is not None else None
    probe = ServiceTask(division=division, grid=grid)
    probe.area_code = division.code
    _require(frontline(actor, probe), "只有本网格的网格员或本社区工作人员可以派发服务任务")
    if not team.is_active or not division.code.startswith(team.area_code[:6]):
        raise ApplicationError("请选择本县(区)在册的服务队伍")
    task = ServiceTask.objects.create(
        number=_number("RW"),
        kind=kind,
        title=_text(title)[:120],
        public_line=line[:60],
        meeting_point=_text(meeting_point)[:120],
        source=source,
        person=person,
        care_measure=measure,
        wish=wish,
        team=team,
        division=division,
        grid=grid,
        scheduled_for=scheduled_for,
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action="volunteers.task.create",
        target=task,
        changes={"kind": kind, "team": team.pk},
    )
    if measure is not None:
        care_services.measure_link_delivery(
            actor=actor,
            measure=measure,
            delivery_type="volunteers.service",
            delivery_id=task.pk,
            label=f"志愿服务 {task.number}",
        )
    return task


def _profile_of(actor: Any) -> VolunteerProfile:
    profile = VolunteerProfile.objects.filter(
        user_id=getattr(actor, "pk", None) or 0, is_active=True
    ).first()
    if profile is None:
        raise AccessDenied("您还没有志愿者档案，请联系社区登记")
    return profile


@transaction.atomic
def task_take(*, actor: Any, obj: ServiceTask) -> ServiceTask:
    """One volunteer of the team takes the task; every later attempt is refused."""
    profile = _profile_of(actor)
    try:
        task = TASK_WORKFLOW.advance(
            obj, "take", actor=actor, updates={"volunteer": profile, "taken_at": timezone.now()}
        )
    except InvalidTransition as exc:
        raise Conflict("该任务已被其他志愿者接单") from exc
    return audited(task, actor=actor, action="volunteers.task.take")


@transaction.atomic
def task_release(*, actor: Any, obj: ServiceTask, reason: str = "") -> ServiceTask:
    noted = {"reason": _text(reason)[:100]}
    cleared = {"volunteer": None, "taken_at": None}
    return _task_move(actor, obj, "release", updates=cleared, changes=noted)


@transaction.atomic
def task_check_in(*, actor: Any, obj: ServiceTask) -> ServiceTask:
    return _task_move(actor, obj, "check_in", updates={"checked_in_at": timezone.now()})


@transaction.atomic
def task_check_out(*, actor: Any, obj: ServiceTask, note: str = "") -> ServiceTask:
    now = timezone.now()
    started = obj.checked_in_at or now
    minutes = max(1, round((now - started).total_seconds() / 60))
    minutes = min(minutes, 12 * 60)  # a forgotten check-out counts at most 12 hours
    updates = {"checked_out_at": now, "minutes": minutes, "result_note": _text(note)[:200]}
    return _task_move(actor, obj, "check_out", updates=updates, changes={"minutes": minutes})


def points_rule(area_code: str, kind: str) -> tuple[int, int]:
    chain = [*ancestors_of(area_code), area_code]
    rules = {r.area_code: r for r in PointsRule.objects.filter(area_code__in=chain, task_kind=kind)}
    for code in reversed(chain):
        if code in rules:
            return rules[code].points_per_task, rules[code].points_per_hour
    return DEFAULT_POINTS.get(kind, (0, 0))


def points_valid_days(area_code: str) -> int:
    chain = [*ancestors_of(area_code), area_code]
    policies = {p.area_code: p.valid_days for p in PointsPolicy.objects.filter(area_code__in=chain)}
    for code in reversed(chain):
        if code in policies:
            return policies[code]
    return int(getattr(settings, "VOLUNTEERS_POINTS_VALID_DAYS", DEFAULT_VALID_DAYS))


def points_for(task: ServiceTask) -> int:
    per_task, per_hour = points_rule(task.area_code, task.kind)
    return per_task + (per_hour * task.minutes) // 60


def _tally(task: ServiceTask) -> None:
    month = timezone.localdate().replace(day=1)
    changed = DeliveryTally.objects.filter(team=task.team, kind=task.kind, month=month).update(
        count=F("count") + 1
    )
    if not changed:
        DeliveryTally.objects.create(team=task.team, kind=task.kind, month=month, count=1)


@transaction.atomic
def task_confirm(
    *, actor: Any, obj: ServiceTask, confirmed_by: str = ConfirmedBy.GRID_WORKER, note: str = ""
) -> ServiceTask:
    """The grid worker (or community staff) confirms the service, for the beneficiary or on his
    word: the hours and points are booked, the delivery is counted, the care measure closes."""
    if confirmed_by not in ConfirmedBy.values:
        raise ApplicationError("请选择确认方式")
    task = TASK_WORKFLOW.advance(
        obj,
        "confirm",
        actor=actor,
        updates={
            "confirmed_at": timezone.now(),
            "confirmed_by": confirmed_by,
            "confirmed_user": actor,
        },
    )
    volunteer = task.volunteer
    served_on = (
        timezone.localdate(task.checked_in_at) if task.checked_in_at else timezone.localdate()
    )
    _hours_add(
        actor=actor,
        volunteer=volunteer,
        minutes=task.minutes,
        task=task,
        served_on=served_on,
        note=task.title,
    )
    points = points_for(task)
    if points:
        _points_add(
            actor=actor,
            volunteer=volunteer,
            kind=PointsKind.EARN,
            points=points,
            task=task,
            expires_on=timezone.localdate() + dt.timedelta(days=points_valid_days(task.area_code)),
            note=f"{task.get_kind_display()} {task.number}",
        )
    Balance.objects.filter(volunteer=volunteer).update(tasks=F("tasks") + 1)
    _tally(task)
    audit.record(
        actor=actor,
        action="volunteers.task.confirm",
        target=task,
        changes={"by": confirmed_by, "points": points},
    )
    _measure_implemented(
        actor=actor,
        target=task,
        evidence=f"志愿服务{task.number}「{task.title}」已完成，服务{task.minutes}分钟，{ConfirmedBy(confirmed_by).label}",
    )
    return task


@transaction.atomic
def task_cancel(*, actor: Any, obj: ServiceTask, reason: str = "") -> ServiceTask:
    if not _text(reason):
        raise ApplicationError("请填写取消原因")
    return _task_move(actor, obj, "cancel", updates={"result_note": _text(reason)[:200]})


# ---------------------------------------------------------------------------------------------
# The ledgers


def _hours_add(
    *,
    actor: Any,
    volunteer: VolunteerProfile,
    minutes: int,
    task: Any,
    served_on: dt.date,
    note: str,
    kind: str = HoursKind.SERVICE,
    reverses: Any = None,
) -> HoursEntry:
    Balance.objects.get_or_create(volunteer=volunteer)
    entry = HoursEntry.objects.create(
        volunteer=volunteer,
        kind=kind,
        minutes=minutes,
        task=task,
        reverses=reverses,
        served_on=served_on,
        note=note[:200],
        created_at=timezone.now(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    Balance.objects.filter(volunteer=volunteer).update(minutes=F("minutes") + minutes)
    return entry


def _points_add(
    *,
    actor: Any,
    volunteer: VolunteerProfile,
    kind: str,
    points: int,
    task: Any = None,
    merchant: Any = None,
    expires_on: dt.date | None = None,
    reverses: Any = None,
    note: str = "",
) -> PointsEntry:
    Balance.objects.get_or_create(volunteer=volunteer)
    if points < 0:
        # a conditional UPDATE: the balance never goes below zero, even under concurrency
        changed = Balance.objects.filter(volunteer=volunteer, points__gte=-points).update(
            points=F("points") + points
        )
        if not changed:
            raise ApplicationError("积分余额不足")
    else:
        earned = points if kind in (PointsKind.EARN,) else 0
        Balance.objects.filter(volunteer=volunteer).update(
            points=F("points") + points, points_earned=F("points_earned") + earned
        )
    return PointsEntry.objects.create(
        volunteer=volunteer,
        kind=kind,
        points=points,
        task=task,
        merchant=merchant,
        reverses=reverses,
        expires_on=expires_on,
        note=note[:200],
        created_at=timezone.now(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )


@transaction.atomic
def points_spend(
    *, actor: Any, volunteer: VolunteerProfile, points: int, merchant: Any = None, note: str = ""
) -> PointsEntry:
    """Points spent at a love-alliance merchant (recorded by the merchant's staff, with a
    reference to the merchant organisation) or on a reward (recorded by community staff)."""
    if not isinstance(points, int) or points <= 0:
        raise ApplicationError("兑换积分应为正整数")
    if merchant is not None:
        _require(
            merchant.pk in scope_of(actor).organisation_ids((Role.PARTNER,)),
            "只有该商家的工作人员可以登记积分消费",
        )
        if not merchant.is_active:
            raise ApplicationError(f"{merchant.name}已停用")
        kind = PointsKind.SPEND
    else:
        _require(covers(actor, volunteer.area_code), "只有本社区工作人员可以登记积分兑换")
        kind = PointsKind.REWARD
        if not _text(note):
            raise ApplicationError("请填写兑换的奖励")
    entry = _points_add(
        actor=actor,
        volunteer=volunteer,
        kind=kind,
        points=-points,
        merchant=merchant,
        note=_text(note) or "积分消费",
    )
    audit.record(
        actor=actor,
        action="volunteers.points.spend",
        target=volunteer,
        changes={"points": -points, "merchant": getattr(merchant, "pk", None)},
    )
    return entry


def points_expiring(*, volunteer: VolunteerProfile, today: dt.date) -> int:
    """Points that expire on ``today``: points are consumed oldest first, so what expires is the
    points of lots due by today less everything consumed so far (spent, rewarded, expired)."""
    rows = PointsEntry.objects.filter(volunteer=volunteer)
    due = rows.filter(expires_on__lte=today).aggregate(s=Sum("points"))["s"] or 0
    consumed = -(rows.filter(expires_on__isnull=True).aggregate(s=Sum("points"))["s"] or 0)
    balance = rows.aggregate(s=Sum("points"))["s"] or 0
    return max(0, min(balance, due - consumed))


@transaction.atomic
def points_expire(*, today: dt.date | None = None) -> int:
    """Write the expiry entries of every volunteer with points due (the daily task)."""
    today = today or timezone.localdate()
    volunteers = (
        PointsEntry.objects.filter(kind=PointsKind.EARN, expires_on__lte=today)
        .values_list("volunteer_id", flat=True)
        .distinct()
    )
    total = 0
    for volunteer in VolunteerProfile.objects.filter(pk__in=list(volunteers)).select_for_update():
        amount = points_expiring(volunteer=volunteer, today=today)
        if amount > 0:
            _points_add(
                actor=None,
                volunteer=volunteer,
                kind=PointsKind.EXPIRE,
                points=-amount,
                note=f"{today:%Y-%m-%d} 到期清零",
            )
            audit.record(
                actor=None,
                action="volunteers.points.expire",
                target=volunteer,
                changes={"points": -amount},
            )
            total += amount
    return total


@transaction.atomic
def ledger_reverse(
    *, actor: Any, entry: HoursEntry | PointsEntry, reason: str
) -> HoursEntry | PointsEntry:
    """A correction: the reversing entry (the original stays); each entry is reversed once."""
    if not _text(reason):
        raise ApplicationError("请填写冲正原因")
    volunteer = entry.volunteer
    _require(covers(actor, volunteer.area_code), "只有本社区或乡镇(街道)工作人员可以冲正")
    if entry.kind in ("correction", PointsKind.EXPIRE):
        raise InvalidTransition("冲正分录和到期清零不能再冲正")
    if type(entry).objects.filter(reverses=entry).exists():
        raise InvalidTransition("该分录已冲正")
    if isinstance(entry, HoursEntry):
        new: HoursEntry | PointsEntry = _hours_add(
            actor=actor,
            volunteer=volunteer,
            minutes=-entry.minutes,
            task=None,
            served_on=entry.served_on,
            note=f"冲正：{_text(reason)}",
            kind=HoursKind.CORRECTION,
            reverses=entry,
        )
    else:
        new = _points_add(
            actor=actor,
            volunteer=volunteer,
            kind=PointsKind.CORRECTION,
            points=-entry.points,
            expires_on=entry.expires_on,
            reverses=entry,
            note=f"冲正：{_text(reason)}",
        )
        if entry.kind == PointsKind.EARN:
            Balance.objects.filter(volunteer=volunteer).update(
                points_earned=F("points_earned") - entry.points
            )
    audit.record(
        actor=actor,
        action="volunteers.ledger.reverse",
        target=volunteer,
        changes={"entry": entry.pk, "type": type(entry).__name__},
    )
    return new


@transaction.atomic
def balance_rebuild(*, volunteer: VolunteerProfile) -> Balance:
    """Recompute the running totals from the rows (checks; the services keep them otherwise)."""
    points = PointsEntry.objects.filter(volunteer=volunteer)
    earned = points.filter(
        Q(kind=PointsKind.EARN) | Q(kind=PointsKind.CORRECTION, reverses__kind=PointsKind.EARN)
    )
    balance, _ = Balance.objects.update_or_create(
        volunteer=volunteer,
        defaults={
            "minutes": HoursEntry.objects.filter(volunteer=volunteer).aggregate(s=Sum("minutes"))[
                "s"
            ]
            or 0,
            "points": points.aggregate(s=Sum("points"))["s"] or 0,
            "points_earned": earned.aggregate(s=Sum("points"))["s"] or 0,
            "tasks": ServiceTask.objects.filter(
                volunteer=volunteer, status=TaskStatus.CONFIRMED
            ).count(),
        },
    )
    audit.record(actor=None, action="volunteers.balance.rebuild", target=volunteer)
    return balance


# ---------------------------------------------------------------------------------------------
# Warm-delivery teams: the four ones

FOUR_ONES = {"leaflet": "leaflet_on", "card": "card_on", "kit": "kit_on"}


@transaction.atomic
def roster_sync(*, actor: Any, team: Team, on: dt.date | None = None) -> int:
    """Enter the key persons of the team's grid (or building) on its roster — the registry's
    key-person ledger (active tags) is the source. Returns how many were added."""
    _require(
        covers(actor, team.area_code) or team.grid_id in scope_of(actor).grid_ids(),
        "您不负责该队伍",
    )
    if team.kind != TeamKind.WARM_DELIVERY:
        raise ApplicationError("只有暖心配送小分队有重点人员台账")
    persons = registry_selectors.key_persons(
        user=actor, grid_id=team.grid_id, area_code=team.area_code
    )
    if team.building_id:
        persons = persons.filter(building_id=team.building_id)
    known = set(
        KeyPersonCare.objects.filter(person__in=persons).values_list("person_id", flat=True)
    )
    added = 0
    for person in persons:
        if person.pk in known:
            continue
        KeyPersonCare.objects.create(
            person=person,
            team=team,
            division=person.division,
            grid=person.grid,
            building_id=person.building_id,
            roster_on=on or timezone.localdate(),
            created_by=actor,
        )
        added += 1
    if added:  # a sync that adds nothing changes nothing and leaves no audit row
        audit.record(
            actor=actor, action="volunteers.roster.sync", target=team, changes={"added": added}
        )
    return added


@transaction.atomic
def fourones_record(
    *,
    actor: Any,
    care: KeyPersonCare,
    item: str,
    on: dt.date | None = None,
    volunteer: VolunteerProfile | None = None,
) -> KeyPersonCare:
    """Record one of the four ones given (leaflet, card, kit) with its date."""
    _require(frontline(actor, care), "只有本网格的网格员或本社区工作人员可以登记“四个一”")
    field = FOUR_ONES.get(item)
    if field is None:
        raise ApplicationError("请选择发放的物品")
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ApplicationError("发放日期不能晚于今天")
    if on < care.roster_on:
        raise ApplicationError("发放日期不能早于建立台账日期")
    before = getattr(care, field)
    setattr(care, field, on)
    fields = [field, "updated_at", "updated_by"]
    if volunteer is not None:
        care.volunteer = volunteer
        fields.append("volunteer")
    care.updated_by = actor
    care.save(update_fields=fields)
    return audited(
        care, actor=actor, action=f"volunteers.fourones.{item}", changes={field: [before, on]}
    )


@transaction.atomic
def card_printed(*, actor: Any, care: KeyPersonCare) -> None:
    """A printed emergency contact card (a view of the volunteer's phone): audited."""
    KeyPersonCare.objects.filter(pk=care.pk).update(card_printed_at=timezone.now())
    audit.record_view(
        actor=actor,
        target=care,
        fields=["volunteer.phone", "team.service_phone"],
        reason="打印应急联系卡",
    )


@transaction.atomic
def tally_import(*, actor: Any, team: Team, kind: str, month: dt.date, count: int) -> DeliveryTally:
    """Counts from an earlier paper ledger (the city's 15,517 medicine deliveries…)."""
    _require(covers(actor, team.area_code), "只有本社区或乡镇(街道)工作人员可以导入台账")
    if kind not in TaskKind.values or count < 0:
        raise ApplicationError("服务类型或次数不正确")
    month = month.replace(day=1)
    tally, _ = DeliveryTally.objects.get_or_create(team=team, kind=kind, month=month)
    DeliveryTally.objects.filter(pk=tally.pk).update(
        count=F("count") + count, imported=F("imported") + count
    )
    audit.record(
        actor=actor,
        action="volunteers.tally.import",
        target=team,
        changes={"kind": kind, "count": count},
    )
    tally.refresh_from_db()
    return tally
