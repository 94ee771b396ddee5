"""Every write of the employment app: keyword-only, ``actor`` first, atomic, audited.

Status changes go through the workflows of ``workflows.py`` (``Workflow.advance``: one
conditional UPDATE). A placement implements the person's employment care measure where there is
one, and its follow-ups are written back to the care case (``lianxin.care.services``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from lianxin.areas.models import Division, Level
from lianxin.care import selectors as care_selectors
from lianxin.care import services as care_services
from lianxin.core import audit, idnumber, inputs, phone
from lianxin.core.errors import AccessDenied, ApplicationError, Conflict
from lianxin.core.roles import AREA_STAFF_ROLES
from lianxin.core.scoping import scope_of
from lianxin.core.servicekit import audited
from lianxin.directory import services as directory_services
from lianxin.directory.models import Organisation, OrgKind
from lianxin.registry import selectors as registry_selectors
from lianxin.registry.models import DisabilityType

from . import matching
from .models import (
    FOLLOW_UP_MONTHS,
    SHARE_KEYS,
    SKILLS,
    Assessment,
    Employer,
    EmployerKind,
    EndReason,
    JobSeeker,
    Match,
    MatchStatus,
    OutreachStatus,
    OutreachVisit,
    Placement,
    PlacementFollowUp,
    PlacementStatus,
    Post,
    PostStatus,
    RecruitmentPlan,
    Route,
    Season,
    SeasonReturn,
    SeekerSource,
    SeekerStatus,
    Workshop,
)
from .querysets import employer_org_ids
from .workflows import MATCH_WORKFLOW, PLACEMENT_WORKFLOW, SEEKER_WORKFLOW, covers

CARE_DELIVERY_TYPE = "employment.placement"
EMPLOYMENT_ACTION = "employment"


def _text(value: Any, limit: int | None = None) -> str:
    text = str(value or "").strip()
    return text[:limit] if limit else text


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise AccessDenied(message)


def _require_staff(actor: Any, area_code: str, message: str = "您不负责该地区，不能办理") -> None:
    _require(covers(actor, area_code), message)


def _acts_for_employer(actor: Any, employer: Employer) -> bool:
    return employer.organisation_id in employer_org_ids(scope_of(actor))


def _city_staff_of(actor: Any, area_code: str) -> bool:
    """Area staff of the same city (employers, posts and seasons are city-wide work)."""
    return any(
        g.role in AREA_STAFF_ROLES and area_code[:4].startswith(g.area_code[:4])
        for g in scope_of(actor).grants
    )


def _clean_intention(data: Mapping[str, Any]) -> dict[str, Any]:
    """Validate the intention fields; a Chinese message names what is wrong."""
    preferred = _text(data.get("preferred_posts"), 200)
    if not preferred:
        raise ApplicationError("请填写意向岗位")
    skills = [s for s in data.get("skills") or [] if s in SKILLS]
    unknown = [s for s in data.get("skills") or [] if s not in SKILLS]
    if unknown:
        raise ApplicationError(f"未知的技能：{'、'.join(map(str, unknown))}")
    share = [k for k in data.get("share") or [] if k in SHARE_KEYS]
    minutes = int(data.get("max_daily_minutes") or 0)
    if not 30 <= minutes <= 720:
        raise ApplicationError("每天可工作时长应在0.5到12小时之间")
    pay = int(data.get("expected_pay_fen") or 0)
    if pay < 0:
        raise ApplicationError("期望月薪不能为负数")
    km = int(data.get("max_commute_km") or 0)
    if not 0 <= km <= 200:
        raise ApplicationError("通勤距离应在0到200公里之间")
    return {
        "preferred_posts": preferred,
        "expected_pay_fen": pay,
        "skills": skills,
        "other_skills": _text(data.get("other_skills"), 200),
        "max_daily_minutes": minutes,
        "work_places": _text(data.get("work_places"), 200),
        "max_commute_km": km,
        "needs_accessible": bool(data.get("needs_accessible")),
        "accommodations": _text(data.get("accommodations"), 2000),
        "share": sorted(set(share)),
    }


# ---------------------------------------------------------------------------------------------
# Job seekers


def _active_disability(person: Any) -> Any:
    return registry_selectors.active_disability_of(person)


def _copy_from_registry(seeker: JobSeeker, person: Any) -> None:
    disability = _active_disability(person)
    if disability is None:
        raise ApplicationError("登记库中该居民没有有效的残疾人证，不能登记为残疾人求职者")
    seeker.person = person
    seeker.name = person.name
    seeker.disability_type = disability.disability_type
    seeker.disability_grade = disability.grade
    seeker.sex = person.sex or ""
    seeker.birth_year = person.birth_date.year if person.birth_date else None
    seeker.division_id = person.division_id
    if person.latitude is not None and person.longitude is not None:
        seeker.latitude = float(person.latitude)
        seeker.longitude = float(person.longitude)
    if person.id_number:
        seeker.id_number = person.id_number
        seeker.id_hash = idnumber.search_hash(person.id_number)
    if person.phone and not seeker.phone:
        seeker.phone = person.phone


def _no_other_open_record(seeker: JobSeeker) -> None:
    if seeker.person_id is None:
        return
    others = JobSeeker.objects.filter(
        person_id=seeker.person_id,
        status__in=(SeekerStatus.VERIFIED, SeekerStatus.PLACED),
    ).exclude(pk=seeker.pk)
    if others.exists():
        raise Conflict("该居民已有有效的求职登记，请在原登记上更新意向")


@transaction.atomic
def seeker_submit_public(
    *,
    actor: Any,
    name: str,
    id_number: str,
    phone_number: str,
    division_name: str,
    intention: Mapping[str, Any],
) -> JobSeeker:
    """本人在线填报: an anonymous intention form, kept ``submitted`` until staff verify it
    against the registry. Says nothing about whether the person is known: the answer is the
    same for every well-formed form."""
    name = _text(name, 40)
    if not name:
        raise ApplicationError("请填写姓名")
    try:
        parsed = idnumber.parse(id_number)
    except idnumber.IdNumberError as exc:
        raise ApplicationError("身份证号格式不正确，请核对后重新填写") from exc
    try:
        mobile = phone.normalise(phone_number)
    except phone.PhoneError as exc:
        raise ApplicationError("联系电话格式不正确") from exc
    division = _division_by_name(division_name)
    fields = _clean_intention(intention)
    seeker = JobSeeker.objects.create(
        name=name,
        id_number=parsed.number,
        id_hash=idnumber.search_hash(parsed.number),
        phone=mobile,
        sex=parsed.sex,
        birth_year=parsed.birth_date.year,
        division=division,
        source=SeekerSource.SELF,
        status=SeekerStatus.SUBMITTED,
        **fields,
    )
    return audited(seeker, actor=actor, action="employment.seeker.submit_public")


def _division_by_name(text: str) -> Division:
    """The community or village the person names (its name or short name; "县区 社区" tells
    homonyms apart). Unknown names are refused with a message, nothing is written."""
    text = _text(text, 60)
    if not text:
        raise ApplicationError("请填写居住的社区(村)")
    parts = inputs.split_values(text)
    name = parts[-1]
    candidates = list(
        Division.objects.filter(level=Level.VILLAGE)
        .filter(Q(name=name) | Q(short_name=name))
        .select_related("parent__parent")
        .order_by("code")[:20]
    )
    if len(parts) > 1:
        hint = parts[0]
        narrowed = [
            d
            for d in candidates
            if d.parent and d.parent.parent and hint in (d.parent.parent.name + d.parent.name)
        ]
        candidates = narrowed or candidates
    if not candidates:
        raise ApplicationError(f"没有找到“{name}”，请填写社区(村)的全称，例如“安秀社区”")
    return candidates[0]


@transaction.atomic
def seeker_register(
    *,
    actor: Any,
    person: Any,
    source: str,
    intention: Mapping[str, Any],
) -> JobSeeker:
    """社区/残联代为登记: staff register a resident of their area who holds a disability
    certificate in the registry; the record is verified at once."""
    _require_staff(actor, person.area_code, "该居民不在您的辖区，不能代为登记")
    if source not in (SeekerSource.COMMUNITY, SeekerSource.FEDERATION):
        raise ApplicationError("请选择登记方式")
    seeker = JobSeeker(source=source, status=SeekerStatus.VERIFIED, created_by=actor)
    _copy_from_registry(seeker, person)
    _no_other_open_record(seeker)
    for key, value in _clean_intention(intention).items():
        setattr(seeker, key, value)
    seeker.verified_at = timezone.now()
    seeker.verified_by = actor
    seeker.save()
    return audited(
        seeker, actor=actor, action="employment.seeker.register", changes={"source": source}
    )


@transaction.atomic
def seeker_update_intention(
    *, actor: Any, seeker: JobSeeker, intention: Mapping[str, Any]
) -> JobSeeker:
    _require_staff(actor, seeker.area_code)
    fields = _clean_intention(intention)
    before = {k: getattr(seeker, k) for k in fields}
    for key, value in fields.items():
        setattr(seeker, key, value)
    seeker.updated_by = actor
    seeker.save(update_fields=[*fields, "updated_by", "updated_at"])
    return audited(
        seeker,
        actor=actor,
        action="employment.seeker.update",
        changes=audit.diff(seeker, before, fields),
    )


@transaction.atomic
def seeker_verify(*, actor: Any, obj: JobSeeker) -> JobSeeker:
    """核实: match the form to the registry by ID number (a resident of the actor's area with a
    valid disability certificate); the registry's type and grade replace what was typed."""
    seeker = JobSeeker.objects.select_for_update().get(pk=obj.pk)
    SEEKER_WORKFLOW.check(actor, seeker, "verify")
    person = (
        registry_selectors.person_find(user=actor, id_number=seeker.id_number).first()
        if seeker.id_number
        else None
    )
    if person is None:
        raise ApplicationError(
            "登记库中没有找到该身份证号对应的居民（或不在您的辖区），请核对或入户登记后再核实"
        )
    _copy_from_registry(seeker, person)
    _no_other_open_record(seeker)
    seeker.save()
    seeker = SEEKER_WORKFLOW.advance(
        seeker, "verify", actor=actor, updates={"verified_at": timezone.now(), "verified_by": actor}
    )
    return audited(
        seeker,
        actor=actor,
        action="employment.seeker.verify",
        changes={"status": [SeekerStatus.SUBMITTED, seeker.status], "person": person.pk},
    )


def _simple(action: str, name: str, *, reason_field: bool = True) -> Any:
    @transaction.atomic
    def service(*, actor: Any, obj: JobSeeker, reason: str = "") -> JobSeeker:
        reason = _text(reason, 200)
        if reason_field and not reason:
            raise ApplicationError("请填写理由")
        before = obj.status
        updates = {"verify_note": reason} if reason_field else {}
        seeker = SEEKER_WORKFLOW.advance(obj, name, actor=actor, updates=updates)
        return audited(
            seeker,
            actor=actor,
            action=action,
            changes={"status": [before, seeker.status], **({"reason": reason} if reason else {})},
        )

    return service


seeker_reject = _simple("employment.seeker.reject", "reject")
seeker_close = _simple("employment.seeker.close", "close")
seeker_reopen = _simple("employment.seeker.reopen", "reopen", reason_field=False)


@transaction.atomic
def assessment_record(
    *,
    actor: Any,
    seeker: JobSeeker,
    assessed_on: dt.date,
    abilities: str,
    support_needed: str = "",
    recommended_route: str,
    summary: str = "",
) -> Assessment:
    """一对一评估 by the employment coach (area staff of the seeker)."""
    _require_staff(actor, seeker.area_code, "您不负责该求职者，不能评估")
    if seeker.status not in (SeekerStatus.VERIFIED, SeekerStatus.PLACED):
        raise ApplicationError("求职登记核实后才能评估")
    if not _text(abilities):
        raise ApplicationError("请填写能力评估")
    if recommended_route not in Route.values:
        raise ApplicationError("请选择建议的安置途径")
    if assessed_on > timezone.localdate():
        raise ApplicationError("评估日期不能晚于今天")
    assessment = Assessment.objects.create(
        seeker=seeker,
        coach=actor,
        assessed_on=assessed_on,
        abilities=_text(abilities, 4000),
        support_needed=_text(support_needed, 4000),
        recommended_route=recommended_route,
        summary=_text(summary, 200),
        created_by=actor,
    )
    return audited(assessment, actor=actor, action="employment.assessment.record")


# ---------------------------------------------------------------------------------------------
# Employers, outreach, plans, posts


@transaction.atomic
def employer_register(
    *,
    actor: Any,
    name: str,
    kind: str,
    area: Division,
    organisation: Organisation | None = None,
    industry: str = "",
    staff_count: int = 0,
    disabled_staff_count: int = 0,
    address: str = "",
    partner_factory: Employer | None = None,
) -> Employer:
    """An employer's profile over an organisation of the directory (created there when new)."""
    _require(_city_staff_of(actor, area.code), "您不负责该地区，不能登记用人单位")
    if kind not in EmployerKind.values:
        raise ApplicationError("请选择单位类别")
    if staff_count < 0 or disabled_staff_count < 0:
        raise ApplicationError("人数不能为负数")
    if organisation is None:
        name = _text(name, 120)
        if not name:
            raise ApplicationError("请填写单位名称")
        existing = Organisation.objects.filter(
            name=name, area_code__startswith=area.code[:4]
        ).first()
        organisation = existing or directory_services.organisation_create(
            actor=actor,
            code=f"EMP-{area.code}-{Organisation.objects.count() + 1:05d}",
            name=name,
            kind=OrgKind.ENTERPRISE,
            level=area.level,
            area=area,
            address=_text(address, 200),
        )
    if Employer.objects.filter(organisation=organisation).exists():
        raise Conflict(f"{organisation.name}已登记为用人单位")
    employer = Employer.objects.create(
        organisation=organisation,
        kind=kind,
        industry=_text(industry, 40),
        staff_count=staff_count,
        disabled_staff_count=disabled_staff_count,
        address=_text(address, 200) or organisation.address,
        partner_factory=partner_factory,
        created_by=actor,
    )
    return audited(employer, actor=actor, action="employment.employer.register")


@transaction.atomic
def outreach_record(
    *,
    actor: Any,
    employer: Employer,
    visited_on: dt.date,
    willing: bool,
    notes: str = "",
    season: Season | None = None,
) -> OutreachVisit:
    """走访企业: the visit and the firm's willingness; the employer's status follows."""
    _require(_city_staff_of(actor, employer.area_code), "您不负责该地区，不能记录走访")
    if visited_on > timezone.localdate():
        raise ApplicationError("走访日期不能晚于今天")
    visit = OutreachVisit.objects.create(
        employer=employer,
        season=season,
        visited_on=visited_on,
        visitor=actor,
        willing=bool(willing),
        notes=_text(notes, 4000),
        created_by=actor,
    )
    before = employer.outreach_status
    employer.outreach_status = (
        OutreachStatus.WILLING
        if willing
        else (
            OutreachStatus.WILLING if before == OutreachStatus.WILLING else OutreachStatus.VISITED
        )
    )
    if not willing and before != OutreachStatus.WILLING and _text(notes).startswith("暂无"):
        employer.outreach_status = OutreachStatus.DECLINED
    employer.save(update_fields=["outreach_status", "updated_at"])
    return audited(
        visit,
        actor=actor,
        action="employment.outreach.record",
        changes={"willing": bool(willing), "outreach_status": [before, employer.outreach_status]},
    )


@transaction.atomic
def plan_declare(
    *,
    actor: Any,
    employer: Employer,
    planned_headcount: int,
    benefits: str = "",
    notes: str = "",
    season: Season | None = None,
) -> RecruitmentPlan:
    _require(
        _city_staff_of(actor, employer.area_code) or _acts_for_employer(actor, employer),
        "您不能为该单位申报招聘计划",
    )
    if planned_headcount < 0:
        raise ApplicationError("计划招聘人数不能为负数")
    plan = RecruitmentPlan.objects.create(
        employer=employer,
        season=season,
        planned_headcount=planned_headcount,
        benefits=_text(benefits, 2000),
        notes=_text(notes, 2000),
        created_by=actor,
    )
    return audited(plan, actor=actor, action="employment.plan.declare")


@transaction.atomic
def workshop_add(*, actor: Any, employer: Employer, name: str, description: str = "") -> Workshop:
    _require(_city_staff_of(actor, employer.area_code), "您不能为该单位添加车间")
    if employer.kind != EmployerKind.SUNSHINE_FACTORY:
        raise ApplicationError("只有阳光工厂设有车间")
    if not _text(name):
        raise ApplicationError("请填写车间名称")
    workshop, created = Workshop.objects.get_or_create(
        employer=employer,
        name=_text(name, 60),
        defaults={"description": _text(description, 200), "created_by": actor},
    )
    if created:
        audit.record(actor=actor, action="employment.workshop.add", target=workshop)
    return workshop


POST_FIELDS = (
    "title", "route", "requirements", "skills", "headcount", "monthly_pay_fen", "daily_minutes",
    "days_per_week", "social_insurance", "accessible", "accessibility_notes", "suitable_types",
    "suitable_grades", "tailored", "address",
)  # fmt: skip


def _clean_post(data: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: data[k] for k in POST_FIELDS if k in data}
    out["title"] = _text(out.get("title"), 60)
    if not out["title"]:
        raise ApplicationError("请填写岗位名称")
    if out.get("route", Route.FIRM) not in Route.values:
        raise ApplicationError("请选择安置途径")
    types = list(out.get("suitable_types") or [])
    if any(t not in DisabilityType.values for t in types):
        raise ApplicationError("残疾类别不正确")
    grades = sorted({int(g) for g in out.get("suitable_grades") or []})
    if any(g not in (1, 2, 3, 4) for g in grades):
        raise ApplicationError("残疾等级应为一至四级")
    out["suitable_types"], out["suitable_grades"] = types, grades
    skills = list(out.get("skills") or [])
    if any(s not in SKILLS for s in skills):
        raise ApplicationError("所需技能不在技能目录中")
    out["skills"] = skills
    minutes = int(out.get("daily_minutes") or 0)
    if not 30 <= minutes <= 720:
        raise ApplicationError("每日工作时长应在0.5到12小时之间")
    if int(out.get("monthly_pay_fen") or 0) < 0:
        raise ApplicationError("月薪不能为负数")
    if int(out.get("headcount") or 1) < 1:
        raise ApplicationError("招聘人数至少为1")
    for key in ("requirements", "accessibility_notes", "address"):
        if key in out:
            out[key] = _text(out[key], 2000 if key == "requirements" else 200)
    return out


@transaction.atomic
def post_create(
    *,
    actor: Any,
    employer: Employer,
    data: Mapping[str, Any],
    season: Season | None = None,
    plan: RecruitmentPlan | None = None,
    workshop: Workshop | None = None,
    tailored_for: JobSeeker | None = None,
) -> Post:
    """岗位: declared by the employer's own staff or by the city's staff on its behalf."""
    _require(
        _city_staff_of(actor, employer.area_code) or _acts_for_employer(actor, employer),
        "您不能为该单位发布岗位",
    )
    fields = _clean_post(data)
    if workshop is not None and workshop.employer_id != employer.pk:
        raise ApplicationError("车间不属于该单位")
    if tailored_for is not None:
        fields["tailored"] = True
    post = Post(
        employer=employer,
        season=season,
        plan=plan,
        workshop=workshop,
        tailored_for=tailored_for,
        latitude=employer.latitude,
        longitude=employer.longitude,
        created_by=actor,
        **fields,
    )
    if not post.address:
        post.address = employer.address
    post.save()
    return audited(post, actor=actor, action="employment.post.create")


@transaction.atomic
def post_close(*, actor: Any, post: Post, reason: str = "") -> Post:
    _require(
        _city_staff_of(actor, post.area_code) or _acts_for_employer(actor, post.employer),
        "您不能关闭该岗位",
    )
    changed = Post.objects.filter(pk=post.pk, status=PostStatus.OPEN).update(
        status=PostStatus.CLOSED, updated_at=timezone.now()
    )
    if not changed:
        raise ApplicationError("岗位已不在招聘中")
    post.status = PostStatus.CLOSED
    return audited(
        post, actor=actor, action="employment.post.close", changes={"reason": _text(reason, 200)}
    )


# ---------------------------------------------------------------------------------------------
# Matching


@transaction.atomic
def match_propose(
    *, actor: Any, seeker: JobSeeker, post: Post, season: Season | None = None
) -> Match:
    """推荐: staff of the seeker's area propose a post; the fit and reasons are kept."""
    _require_staff(actor, seeker.area_code, "您不负责该求职者，不能推荐")
    if seeker.status != SeekerStatus.VERIFIED:
        raise ApplicationError("只能为核实后、正在求职的人员推荐岗位")
    if post.status != PostStatus.OPEN:
        raise ApplicationError("该岗位已不在招聘中")
    if post.tailored_for_id is not None and post.tailored_for_id != seeker.pk:
        raise ApplicationError("该岗位是为他人定制的岗位")
    s = matching.load_seekers(JobSeeker.objects.filter(pk=seeker.pk))
    p = matching.load_posts(Post.objects.filter(pk=post.pk))
    score = float(matching.scores(s, p)[0, 0])
    reasons = matching.explain(
        s,
        p,
        seeker_skills=list(seeker.skills),
        post_skills=[list(post.skills)],
        type_label=seeker.get_disability_type_display() if seeker.disability_type else "",
        grade_label=seeker.get_disability_grade_display() if seeker.disability_grade else "",
    )[0]
    if score < 0:
        raise ApplicationError("该岗位不适合此求职者：" + reasons[0])
    try:
        with transaction.atomic():
            match = Match.objects.create(
                seeker=seeker,
                post=post,
                season=season or post.season,
                score=round(score),
                reasons=reasons,
                proposed_by=actor,
                created_by=actor,
            )
    except IntegrityError as exc:
        raise Conflict("已向该求职者推荐过这个岗位") from exc
    return audited(
        match, actor=actor, action="employment.match.propose", changes={"score": match.score}
    )


def _lock_match(match: Match) -> Match:
    return Match.objects.select_related("post", "post__employer", "seeker").get(pk=match.pk)


@transaction.atomic
def match_answer(*, actor: Any, obj: Match, name: str = "") -> Match:
    """One side accepts. ``name`` is the transition (seeker_accept, seeker_confirm,
    employer_accept, employer_confirm); pages pass it through ``Workflow.run``."""
    match = _lock_match(obj)
    if not name:
        name = _answer_name(actor, match)
    if name not in ("seeker_accept", "seeker_confirm", "employer_accept", "employer_confirm"):
        raise ApplicationError("没有这个操作")
    before = match.status
    now = timezone.now()
    stamp = "seeker_decision_at" if name.startswith("seeker") else "employer_decision_at"
    match = MATCH_WORKFLOW.advance(match, name, actor=actor, updates={stamp: now})
    return audited(
        match,
        actor=actor,
        action=f"employment.match.{name}",
        changes={"status": [before, match.status]},
    )


def _answer_name(actor: Any, match: Match) -> str:
    for t in MATCH_WORKFLOW.available(actor, match):
        if t.service and t.name in (
            "seeker_accept",
            "seeker_confirm",
            "employer_accept",
            "employer_confirm",
        ):
            return t.name
    raise ApplicationError("当前状态不能答复")


@transaction.atomic
def match_decline(*, actor: Any, obj: Match, reason: str, side: str = "") -> Match:
    """One side declines, with its reason."""
    match = _lock_match(obj)
    reason = _text(reason, 200)
    if not reason:
        raise ApplicationError("请填写婉拒理由")
    if not side:
        names = {t.name for t in MATCH_WORKFLOW.available(actor, match)}
        side = "seeker" if "seeker_decline" in names else "employer"
    name = f"{side}_decline"
    before = match.status
    match = MATCH_WORKFLOW.advance(
        match, name, actor=actor, updates={"declined_by": side, "decline_reason": reason}
    )
    return audited(
        match,
        actor=actor,
        action=f"employment.match.{name}",
        changes={"status": [before, match.status], "reason": reason},
    )


@transaction.atomic
def match_withdraw(*, actor: Any, obj: Match, reason: str) -> Match:
    match = _lock_match(obj)
    reason = _text(reason, 200)
    if not reason:
        raise ApplicationError("请填写撤回理由")
    before = match.status
    match = MATCH_WORKFLOW.advance(
        match, "withdraw", actor=actor, updates={"decline_reason": reason, "declined_by": "staff"}
    )
    return audited(
        match,
        actor=actor,
        action="employment.match.withdraw",
        changes={"status": [before, match.status], "reason": reason},
    )


@transaction.atomic
def match_place(
    *,
    actor: Any,
    obj: Match,
    started_on: dt.date,
    monthly_pay_yuan: Any = None,
    daily_hours: Any = None,
    social_insurance: bool = False,
    work_type: str = "",
    monthly_pay_fen: int | None = None,
    daily_minutes: int | None = None,
) -> Placement:
    """An accepted match becomes a placement with the post's employer and route."""
    match = _lock_match(obj)
    MATCH_WORKFLOW.check(actor, match, "place")
    pay = monthly_pay_fen if monthly_pay_fen is not None else int((monthly_pay_yuan or 0) * 100)
    minutes = daily_minutes if daily_minutes is not None else int((daily_hours or 0) * 60)
    placement = placement_create(
        actor=actor,
        seeker=match.seeker,
        route=match.post.route,
        employer=match.post.employer,
        post=match.post,
        match=match,
        season=match.season,
        started_on=started_on,
        monthly_pay_fen=pay or match.post.monthly_pay_fen,
        daily_minutes=minutes or match.post.daily_minutes,
        social_insurance=social_insurance or match.post.social_insurance,
        work_type=work_type or match.post.title,
    )
    MATCH_WORKFLOW.advance(match, "place", actor=actor)
    audit.record(
        actor=actor,
        action="employment.match.place",
        target=match,
        changes={"status": [MatchStatus.ACCEPTED, MatchStatus.PLACED], "placement": placement.pk},
    )
    return placement


# ---------------------------------------------------------------------------------------------
# Placement, care measure, follow-ups


def _household_id(seeker: JobSeeker) -> int | None:
    if seeker.person is None:
        return None
    household = registry_selectors.current_household_of(seeker.person)
    return household.pk if household else None


def _implement_care_measure(actor: Any, placement: Placement) -> str:
    """Implements the person's employment care measure where there is one. Care decides who
    may: the link is made by the responsible unit or the area's staff, the implementation by the
    responsible unit only; what could not be done is noted for the unit to finish."""
    household_id = _household_id(placement.seeker)
    if household_id is None:
        return ""
    measure = care_selectors.household_measures(
        household_id=household_id, action=EMPLOYMENT_ACTION
    ).first()
    if measure is None:
        return ""
    placement.care_measure_id = measure.pk
    label = f"{placement.get_route_display()}：{placement.employer.name}，{placement.started_on:%Y-%m-%d}上岗"
    notes = []
    if not measure.delivery_type:
        try:
            care_services.measure_link_delivery(
                actor=actor,
                measure=measure,
                delivery_type=CARE_DELIVERY_TYPE,
                delivery_id=placement.pk,
                label=label,
            )
            notes.append("已关联关爱措施")
        except ApplicationError as exc:
            notes.append(f"未能关联关爱措施（{exc.message}）")
    if measure.is_open:
        try:
            care_services.measure_implement(actor=actor, measure=measure, evidence=label)
            notes.append("就业帮扶措施已落实")
        except ApplicationError:
            notes.append(f"就业帮扶措施待责任单位（{measure.responsible_unit.name}）确认落实")
    return "；".join(notes)[:200]


@transaction.atomic
def placement_create(
    *,
    actor: Any,
    seeker: JobSeeker,
    route: str,
    employer: Employer,
    started_on: dt.date,
    monthly_pay_fen: int,
    daily_minutes: int,
    social_insurance: bool = False,
    work_type: str = "",
    post: Post | None = None,
    match: Match | None = None,
    season: Season | None = None,
) -> Placement:
    """安置上岗 by one of the routes. The seeker stops seeking; a post that reaches its
    headcount is filled; the employment care measure is implemented where there is one."""
    seeker = JobSeeker.objects.select_for_update().get(pk=seeker.pk)
    _require_staff(actor, seeker.area_code, "您不负责该求职者，不能办理安置")
    if route not in Route.values:
        raise ApplicationError("请选择安置途径")
    if post is not None and post.employer_id != employer.pk:
        raise ApplicationError("岗位不属于该安置单位")
    if route == Route.SUNSHINE and employer.kind != EmployerKind.SUNSHINE_FACTORY:
        raise ApplicationError("阳光工厂集中安置应选择阳光工厂")
    if started_on is None:
        raise ApplicationError("请填写上岗日期")
    if monthly_pay_fen < 0:
        raise ApplicationError("月薪不能为负数")
    if not 30 <= int(daily_minutes or 0) <= 720:
        raise ApplicationError("每日工作时长应在0.5到12小时之间")
    if post is not None and post.status != PostStatus.OPEN:
        raise ApplicationError("该岗位已不在招聘中")
    SEEKER_WORKFLOW.advance(seeker, "place", actor=actor)
    try:
        with transaction.atomic():
            placement = Placement.objects.create(
                seeker=seeker,
                route=route,
                employer=employer,
                post=post,
                match=match,
                season=season or (post.season if post else None),
                work_type=_text(work_type, 60) or (post.title if post else ""),
                started_on=started_on,
                monthly_pay_fen=monthly_pay_fen,
                daily_minutes=daily_minutes,
                social_insurance=bool(social_insurance),
                created_by=actor,
            )
    except IntegrityError as exc:
        raise Conflict("该求职者已在岗") from exc
    if post is not None:
        active = Placement.objects.filter(post=post, status=PlacementStatus.ACTIVE).count()
        if active >= post.headcount:
            Post.objects.filter(pk=post.pk, status=PostStatus.OPEN).update(status=PostStatus.FILLED)
    placement.care_note = _implement_care_measure(actor, placement)
    placement.save(update_fields=["care_measure_id", "care_note", "updated_at"])
    return audited(
        placement,
        actor=actor,
        action="employment.placement.create",
        changes={"route": route, "employer": employer.name, "care": placement.care_note},
    )


@transaction.atomic
def placement_end(
    *, actor: Any, obj: Placement, ended_on: dt.date, end_reason: str, end_notes: str = ""
) -> Placement:
    """离岗: the placement ends with its reason; the person is seeking again."""
    placement = Placement.objects.select_related("seeker", "employer").get(pk=obj.pk)
    if end_reason not in EndReason.values:
        raise ApplicationError("请选择离岗原因")
    if ended_on is None or ended_on < placement.started_on:
        raise ApplicationError("离岗日期不能早于上岗日期")
    if ended_on > timezone.localdate():
        raise ApplicationError("离岗日期不能晚于今天")
    placement = PLACEMENT_WORKFLOW.advance(
        placement,
        "end",
        actor=actor,
        updates={
            "ended_on": ended_on,
            "end_reason": end_reason,
            "end_notes": _text(end_notes, 200),
        },
    )
    seeker = placement.seeker
    if seeker.status == SeekerStatus.PLACED:
        SEEKER_WORKFLOW.advance(seeker, "resume", actor=actor, check=False)
    if placement.post_id:
        Post.objects.filter(pk=placement.post_id, status=PostStatus.FILLED).update(
            status=PostStatus.OPEN
        )
    return audited(
        placement,
        actor=actor,
        action="employment.placement.end",
        changes={"status": [PlacementStatus.ACTIVE, PlacementStatus.ENDED], "reason": end_reason},
    )


def followup_due_on(placement: Placement, month: int) -> dt.date:
    start = placement.started_on
    year = start.year + (start.month - 1 + month) // 12
    mon = (start.month - 1 + month) % 12 + 1
    day = min(start.day, 28)
    return dt.date(year, mon, day)


@transaction.atomic
def followup_record(
    *,
    actor: Any,
    placement: Placement,
    month: int,
    visited_on: dt.date,
    still_employed: bool,
    monthly_pay_fen: int | None = None,
    problems: str = "",
    support: str = "",
) -> PlacementFollowUp:
    """跟踪回访 at 1, 3, 6 or 12 months; written back to the person's care case as a follow-up
    (with the employment measure's progress) where there is one and the actor may record it."""
    placement = Placement.objects.select_related("seeker", "employer").get(pk=placement.pk)
    _require(
        covers(actor, placement.area_code) or covers(actor, placement.employer.area_code),
        "您不负责该人员，不能记录回访",
    )
    if month not in FOLLOW_UP_MONTHS:
        raise ApplicationError("回访节点应为上岗后1、3、6或12个月")
    if visited_on is None:
        raise ApplicationError("请填写回访日期")
    if visited_on > timezone.localdate():
        raise ApplicationError("回访日期不能晚于今天")
    if visited_on < placement.started_on:
        raise ApplicationError("回访日期不能早于上岗日期")
    if monthly_pay_fen is not None and monthly_pay_fen < 0:
        raise ApplicationError("月薪不能为负数")
    try:
        with transaction.atomic():
            followup = PlacementFollowUp.objects.create(
                placement=placement,
                month=month,
                visited_on=visited_on,
                visitor=actor,
                still_employed=bool(still_employed),
                monthly_pay_fen=monthly_pay_fen,
                problems=_text(problems, 4000),
                support=_text(support, 4000),
                created_by=actor,
            )
    except IntegrityError as exc:
        raise Conflict(f"上岗{month}个月的回访已记录") from exc
    followup.care_followup_id = _write_back_to_care(actor, placement, followup)
    if followup.care_followup_id:
        followup.save(update_fields=["care_followup_id", "updated_at"])
    return audited(
        followup,
        actor=actor,
        action="employment.followup.record",
        changes={"month": month, "still_employed": bool(still_employed)},
    )


def _write_back_to_care(
    actor: Any, placement: Placement, followup: PlacementFollowUp
) -> int | None:
    if placement.care_measure_id is None:
        return None
    measure = care_selectors.measure_by_pk(placement.care_measure_id)
    if measure is None:
        return None
    state = "仍在岗" if followup.still_employed else "已离岗"
    pay = (
        f"，月薪{followup.monthly_pay_fen / 100:,.0f}元"
        if followup.monthly_pay_fen is not None
        else ""
    )
    notes = f"就业回访（上岗{followup.month}个月）：{state}{pay}。"
    if followup.problems:
        notes += f"问题：{followup.problems}。"
    if followup.support:
        notes += f"支持：{followup.support}。"
    try:
        care_followup = care_services.followup_record(
            actor=actor,
            case=measure.case,
            visited_on=followup.visited_on,
            notes=notes[:4000],
            measure_progress={measure.pk: f"上岗{followup.month}个月{state}"},
        )
    except ApplicationError:
        return None
    return care_followup.pk


# ---------------------------------------------------------------------------------------------
# Seasons


@transaction.atomic
def season_create(
    *, actor: Any, name: str, area: Division, starts_on: dt.date, ends_on: dt.date, notes: str = ""
) -> Season:
    _require(covers(actor, area.code), "您不负责该地区，不能组织就业援助月")
    if not _text(name):
        raise ApplicationError("请填写活动名称")
    if ends_on < starts_on:
        raise ApplicationError("结束日期不能早于开始日期")
    season = Season.objects.create(
        name=_text(name, 60), area=area, starts_on=starts_on, ends_on=ends_on, notes=_text(notes),
        created_by=actor,
    )  # fmt: skip
    return audited(season, actor=actor, action="employment.season.create")


@transaction.atomic
def season_return_save(
    *,
    actor: Any,
    season: Season,
    county: Division,
    route: str,
    disability_type: str,
    posts_developed: int,
    newly_employed: int,
) -> SeasonReturn:
    """县区报送: a county's totals for a season by route and disability type (replaces the row)."""
    _require(covers(actor, county.code), "只能报送本县区的数据")
    if not county.code.startswith(season.area_code):
        raise ApplicationError("该县区不在本次就业援助月的范围内")
    if route not in Route.values or disability_type not in DisabilityType.values:
        raise ApplicationError("安置途径或残疾类别不正确")
    if posts_developed < 0 or newly_employed < 0:
        raise ApplicationError("数量不能为负数")
    row, _ = SeasonReturn.objects.update_or_create(
        season=season,
        county=county,
        route=route,
        disability_type=disability_type,
        defaults={
            "posts_developed": posts_developed,
            "newly_employed": newly_employed,
            "updated_by": actor,
        },
    )
    return audited(
        row,
        actor=actor,
        action="employment.season.return",
        changes={"posts_developed": posts_developed, "newly_employed": newly_employed},
    )
