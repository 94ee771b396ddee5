"""Every write of benefits and funds. Keyword-only, ``actor`` first, one transaction each, an
audit row each. Status changes go through the workflows of ``workflows.py``.

The payments ledger is written only by ``_book`` (payment runs) and ``ledger_reverse`` (and the
reversals of a stop): rows are inserted, never changed; the monthly aggregates are bumped in the
same transaction, so a department's monthly summary reads a few rows instead of the ledger."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from lianxin.core import audit
from lianxin.core.errors import AccessDenied, ApplicationError, Conflict, InvalidTransition
from lianxin.core.servicekit import (
    DOCUMENT_SIGNATURES,
    advance_audited,
    audited,
    file_kind,
    required_text,
)
from lianxin.registry.models import Household, Membership, Person

from . import eligibility, standards
from .models import (
    AGGREGATE_AREA_LENGTH,
    Application,
    ApplicationDocument,
    ApplicationSource,
    ApplicationStatus,
    Entitlement,
    EntitlementShare,
    EntitlementStatus,
    EntryKind,
    Frequency,
    FundingSource,
    LedgerEntry,
    MonthClose,
    MonthlyAggregate,
    PaymentRun,
    PayrollLine,
    Policy,
    PolicyFunding,
    RunStatus,
    StopProposal,
    Subject,
    UnionAssistance,
    UnionFile,
    UnionPlanItem,
)
from .workflows import (
    APPLICATION_WORKFLOW,
    ENTITLEMENT_WORKFLOW,
    RUN_WORKFLOW,
    STOP_WORKFLOW,
    UNION_FILE_WORKFLOW,
    covers,
    is_department,
    is_frontline,
)

ENTITLED_ALERT_RULES = ("living_subsidy_missing", "nursing_subsidy_missing")
STOP_ALERT_RULES = (
    "living_subsidy_should_stop",
    "nursing_subsidy_should_stop",
    "assistance_recipient_deceased",
)


# --- helpers ---------------------------------------------------------------------------------


def _save_once(obj: Any, conflict: str) -> None:
    """Insert a row a unique constraint allows once (the same alert, one open proposal); a
    second, also from a parallel request, is refused with ``conflict`` (Chinese)."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise Conflict(conflict) from exc


def _today() -> dt.date:
    return timezone.localdate()


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return next_month(day) - dt.timedelta(days=1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = month_end(dt.date(year, month, 1)).day
    return dt.date(year, month, min(day.day, last))


def _fen(yuan: Any) -> int | None:
    if yuan in (None, ""):
        return None
    return int((Decimal(str(yuan)) * 100).to_integral_value())


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise AccessDenied(message)


def _new_number(prefix: str) -> str:
    return f"{prefix}{_today():%Y%m%d}{uuid.uuid4().hex[:6].upper()}"


def _current_member(household: Household, person: Person) -> bool:
    return Membership.objects.filter(
        household=household, person=person, ended_on__isnull=True
    ).exists()


def _policy_covers(policy: Policy, area_code: str) -> bool:
    return area_code.startswith(policy.area_code)


# --- policies --------------------------------------------------------------------------------


@transaction.atomic
def policy_create(
    *, actor: Any, data: Mapping[str, Any], fundings: Iterable[tuple[FundingSource, int]]
) -> Policy:
    """A policy with a whole standard, a usable rule and funding shares summing to 1000‰
    (in-kind policies may have none). Created by county, city or region staff of its area."""
    area_code = str(data.get("area_code", ""))
    _require(
        actor is None or covers(actor, area_code, ("county_staff", "city_staff", "region_staff")),
        "只有本区域的县级及以上部门可以制定政策",
    )
    policy = Policy(**dict(data))
    errors = standards.validate(policy) + eligibility.validate_rule(policy.rule)
    shares = list(fundings)
    if policy.standard_kind != "in_kind" and sum(p for _s, p in shares) != 1000:
        errors.append("各资金来源分担比例之和须为100%（1000‰）")
    if errors:
        raise ApplicationError("；".join(errors), extra={"errors": errors})
    policy.created_by = actor
    policy.save()
    for source, permille in shares:
        PolicyFunding.objects.create(
            policy=policy, source=source, share_permille=permille, created_by=actor
        )
    return audited(
        policy, actor=actor, action="benefits.policy.create", changes={"code": policy.code}
    )


# --- eligibility of one person or household --------------------------------------------------


def unmet_conditions(
    *,
    policy: Policy,
    household: Household,
    person: Person | None,
    as_of: dt.date,
    income_per_head_fen: int | None = None,
) -> list[str]:
    """The rule's conditions this beneficiary does not meet (described in Chinese)."""
    unmet: list[str] = []
    for cond in (policy.rule or {}).get("all", []):
        label = eligibility.describe_rule({"all": [cond]})[0]
        if cond["kind"] == "income_per_head" and income_per_head_fen is not None:
            if income_per_head_fen > cond["max_fen"]:
                unmet.append(label)
            continue
        q = eligibility.person_q({"all": [cond]}, as_of)
        if person is not None:
            ok = Person.objects.filter(pk=person.pk).filter(q).exists()
        else:
            ok = Person.objects.filter(
                q, memberships__household=household, memberships__ended_on__isnull=True
            ).exists()
        if not ok:
            unmet.append(label)
    if (
        person is not None
        and not Person.objects.filter(pk=person.pk).filter(eligibility.person_q({}, as_of)).exists()
    ):
        unmet.insert(0, "对象须在册（未死亡、未迁出）")
    return unmet


def default_standard_key(policy: Policy, person: Person | None) -> str:
    """The schedule's key from registry data (the lowest active certificate grade)."""
    if policy.schedule_basis == "disability_grade" and person is not None:
        grade = (
            person.disabilities.filter(is_active=True)
            .order_by("grade")
            .values_list("grade", flat=True)
            .first()
        )
        return str(grade) if grade is not None else ""
    return ""


# --- applications ----------------------------------------------------------------------------


OPEN_APPLICATION = (
    ApplicationStatus.DRAFT,
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.REVIEWED,
)


def _beneficiary_filter(policy: Policy, household: Household, person: Person | None) -> Q:
    return (
        Q(person=person)
        if policy.subject == Subject.PERSON
        else Q(household=household, person__isnull=True)
    )


@transaction.atomic
def application_file(
    *,
    actor: Any,
    policy: Policy,
    household: Household,
    person: Person | None = None,
    source: str = ApplicationSource.PROXY,
    reason: str = "",
    requested_fen: int | None = None,
    standard_key: str = "",
    income_per_head_fen: int | None = None,
    submit: bool = False,
    source_alert_id: int | None = None,
) -> Application:
    """Community staff (or the household's grid worker) file an application, also on the
    resident's behalf. One open application and one running entitlement per beneficiary and
    policy; the standard must allow the amount or grade asked for."""
    _require(
        is_frontline(actor, household.area_code, household.grid_id), "您不负责该住户，不能为其申请"
    )
    if not policy.is_active or not _policy_covers(policy, household.area_code):
        raise ApplicationError("该政策不适用于该住户所在区域")
    if policy.valid_to and policy.valid_to < _today():
        raise ApplicationError("该政策已到期")
    if policy.subject == Subject.PERSON:
        if person is None:
            raise ApplicationError("请选择申请对象（家庭成员）")
        if not _current_member(household, person):
            raise ApplicationError("申请对象不是该住户的现有成员")
    else:
        person = None
    who = _beneficiary_filter(policy, household, person)
    if Application.objects.filter(who, policy=policy, status__in=OPEN_APPLICATION).exists():
        raise Conflict("该对象已有正在办理的同类申请")
    if Entitlement.objects.filter(who, policy=policy).running().exists():
        raise Conflict("该对象已在享受该待遇")
    standard_key = standard_key or default_standard_key(policy, person)
    if policy.standard_kind == "schedule":
        standards.amount_for(policy, key=standard_key)
    if policy.standard_kind == "range" and requested_fen is not None:
        standards.amount_for(policy, requested_fen=requested_fen)
    app = Application(
        number=_new_number("SQ"),
        policy=policy,
        household=household,
        person=person,
        source=source,
        source_alert_id=source_alert_id,
        reason=(reason or "").strip()[:2000],
        requested_fen=requested_fen,
        standard_key=standard_key,
        income_per_head_fen=income_per_head_fen,
        filed_by=actor,
        created_by=actor,
    )
    _save_once(app, "该预警已生成申请")
    audit.record(
        actor=actor,
        action="benefits.application.file",
        target=app,
        changes={"policy": policy.code, "source": source, "alert": source_alert_id},
    )
    if submit:
        app = application_submit(actor=actor, obj=app)
    return app


@transaction.atomic
def application_submit(*, actor: Any, obj: Application) -> Application:
    """A draft goes to review; a range standard needs the amount asked for."""
    if obj.policy.standard_kind == "range" and obj.requested_fen is None:
        raise ApplicationError("请填写申请金额后再提交")
    return advance_audited(
        APPLICATION_WORKFLOW,
        obj,
        "submit",
        actor=actor,
        action="benefits.application.submit",
        updates={"submitted_at": timezone.now()},
    )


DOCUMENT_MAX_BYTES = 10 * 1024 * 1024


@transaction.atomic
def application_add_document(
    *, actor: Any, application: Application, upload: Any, title: str
) -> ApplicationDocument:
    """A supporting document: PDF, JPEG, PNG or WebP by its content (not its name), at most
    10 MB, while the application is a draft or waits for review."""
    app = Application.objects.select_for_update().get(pk=application.pk)
    _require(
        is_frontline(actor, app.area_code, app.household.grid_id), "您不负责该住户，不能上传材料"
    )
    if app.status not in (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED):
        raise InvalidTransition("申请已审核，不能再上传材料")
    title = (title or "").strip()
    if not title:
        raise ApplicationError("请填写材料名称")
    if upload.size is None or upload.size > DOCUMENT_MAX_BYTES:
        raise ApplicationError("材料文件不能超过 10 MB")
    kind = file_kind(upload, DOCUMENT_SIGNATURES)
    if kind is None:
        raise ApplicationError("只能上传 PDF、JPEG、PNG 或 WebP 格式的材料")
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    upload.name = f"{uuid.uuid4().hex}.{kind[1]}"
    doc = ApplicationDocument(
        application=app,
        file=upload,
        title=title[:60],
        content_type=kind[0],
        size=upload.size,
        sha256=digest.hexdigest(),
        created_by=actor,
    )
    doc.save()
    audit.record(
        actor=actor,
        action="benefits.application.document",
        target=app,
        changes={"title": doc.title},
    )
    return doc


@transaction.atomic
def application_withdraw(*, actor: Any, obj: Application, reason: str) -> Application:
    return advance_audited(
        APPLICATION_WORKFLOW,
        obj,
        "withdraw",
        actor=actor,
        action="benefits.application.withdraw",
        updates={"refusal_reason": reason.strip()[:300]},
        changes={"reason": reason},
    )


@transaction.atomic
def application_review(*, actor: Any, obj: Application, note: str = "") -> Application:
    """The township or the department checks the file; not by whoever filed it."""
    return advance_audited(
        APPLICATION_WORKFLOW,
        obj,
        "review",
        actor=actor,
        action="benefits.application.review",
        updates={
            "reviewed_by": actor,
            "reviewed_at": timezone.now(),
            "review_note": (note or "").strip()[:300],
        },
    )


@transaction.atomic
def application_refuse(*, actor: Any, obj: Application, reason: str) -> Application:
    reason = required_text(reason, "请填写不予批准的理由")
    return advance_audited(
        APPLICATION_WORKFLOW,
        obj,
        "refuse",
        actor=actor,
        action="benefits.application.refuse",
        updates={"decided_by": actor, "decided_at": timezone.now(), "refusal_reason": reason[:300]},
        changes={"reason": reason},
    )


@transaction.atomic
def application_approve(
    *,
    actor: Any,
    obj: Application,
    approved_yuan: Any = None,
    note: str = "",
    approved_fen: int | None = None,
) -> Application:
    """A second person of the owning department approves (not the filer, not the reviewer).
    The beneficiary must meet the policy's rule on registry data today; the approval creates
    the entitlement from the first day of this month."""
    APPLICATION_WORKFLOW.check(actor, obj, "approve")
    policy = obj.policy
    today = _today()
    unmet = unmet_conditions(
        policy=policy,
        household=obj.household,
        person=obj.person,
        as_of=today,
        income_per_head_fen=obj.income_per_head_fen,
    )
    if unmet:
        raise ApplicationError("不符合资格条件：" + "；".join(unmet), extra={"unmet": unmet})
    if approved_fen is None:
        approved_fen = _fen(approved_yuan)
    amount = standards.amount_for(
        policy, key=obj.standard_key, requested_fen=approved_fen or obj.requested_fen
    )
    app = APPLICATION_WORKFLOW.advance(
        obj,
        "approve",
        actor=actor,
        updates={
            "decided_by": actor,
            "decided_at": timezone.now(),
            "approved_fen": amount,
            "review_note": obj.review_note,
        },
    )
    entitlement = _entitlement_save(
        new_entitlement(
            actor=actor,
            policy=policy,
            household=app.household,
            person=app.person,
            amount_fen=amount,
            standard_key=app.standard_key,
            start_on=month_start(today),
            application=app,
        ),
        actor=actor,
    )
    return audited(
        app,
        actor=actor,
        action="benefits.application.approve",
        changes={"amount_fen": amount, "entitlement": entitlement.pk, "note": note},
    )


def new_entitlement(
    *,
    actor: Any,
    policy: Policy,
    household: Household,
    person: Person | None,
    amount_fen: int,
    start_on: dt.date,
    standard_key: str = "",
    application: Application | None = None,
    import_key: str = "",
) -> Entitlement:
    """An entitlement of ``policy``, not saved yet: the policy's frequency and end, the first
    re-verification a policy period after ``start_on``."""
    return Entitlement(
        policy=policy,
        household=household,
        person=person,
        application=application,
        amount_fen=amount_fen,
        frequency=policy.frequency,
        standard_key=standard_key,
        start_on=start_on,
        end_on=policy.valid_to,
        reverify_due_on=add_months(start_on, policy.reverify_months),
        import_key=import_key,
        created_by=actor,
    )


def _entitlement_save(entitlement: Entitlement, *, actor: Any) -> Entitlement:
    """Save a :func:`new_entitlement` and audit it; Conflict when the person or household
    already has the policy."""
    try:
        with transaction.atomic():
            entitlement.save()
    except IntegrityError as exc:
        raise Conflict("该对象已在享受该待遇") from exc
    return audited(
        entitlement,
        actor=actor,
        action="benefits.entitlement.create",
        changes={
            "policy": entitlement.policy.code,
            "amount_fen": entitlement.amount_fen,
            "start_on": entitlement.start_on,
        },
    )


# --- monitoring alerts -----------------------------------------------------------------------


def _alert(actor: Any, alert_id: int) -> Any:
    from lianxin.monitoring import selectors as monitoring_selectors

    alert = monitoring_selectors.alert_get_for_user(user=actor, pk=alert_id)
    if alert.status == "rejected":
        raise InvalidTransition("该预警已核实为不属实")
    return alert


def _policies_for_rule(field: str, rule: str, area_code: str) -> list[Policy]:
    return [
        p
        for p in Policy.objects.filter(is_active=True).order_by("pk")
        if rule in (getattr(p, field) or []) and area_code.startswith(p.area_code)
    ]


@transaction.atomic
def application_open_from_alert(*, actor: Any, alert_id: int) -> Application:
    """An "entitled but not receiving" alert (应享未享) opens a draft application for the
    community, prefilled with the person, the household and the grade; once per alert."""
    from lianxin.registry.selectors import current_household_of

    alert = _alert(actor, alert_id)
    policies = _policies_for_rule("alert_rules_entitled", alert.rule, alert.area_code)
    if not policies:
        raise ApplicationError("该预警不对应任何待遇政策")
    existing = Application.objects.filter(source_alert_id=alert.pk).first()
    if existing is not None:
        return existing
    household = current_household_of(alert.person)
    if household is None:
        raise ApplicationError("该居民没有登记住户，请先在居民信息中登记")
    return application_file(
        actor=actor,
        policy=policies[0],
        household=household,
        person=alert.person,
        source=ApplicationSource.ALERT,
        source_alert_id=alert.pk,
        reason=f"大数据比对预警：{alert.detail}"
        + (f"；核实情况：{alert.verification_note}" if alert.verification_note else ""),
    )


@transaction.atomic
def stop_propose(
    *,
    actor: Any,
    entitlement: Entitlement,
    reason: str,
    end_on: dt.date,
    source_alert_id: int | None = None,
) -> StopProposal:
    """Propose to stop a running entitlement (frontline or department); one open proposal."""
    _require(
        is_frontline(actor, entitlement.area_code, entitlement.household.grid_id)
        or is_department(actor, entitlement.policy.department_type, entitlement.area_code),
        "您不负责该待遇，不能提出停发",
    )
    if entitlement.status == EntitlementStatus.ENDED:
        raise InvalidTransition("该待遇已终止")
    reason = required_text(reason, "请填写停发理由")
    stop = StopProposal(
        entitlement=entitlement,
        reason=reason[:300],
        end_on=end_on,
        source_alert_id=source_alert_id,
        proposed_by=actor,
        created_by=actor,
    )
    _save_once(stop, "该待遇已有待审批的停发建议")
    return audited(
        stop,
        actor=actor,
        action="benefits.stop.propose",
        changes={"reason": reason, "end_on": end_on},
    )


@transaction.atomic
def stop_propose_from_alert(*, actor: Any, alert_id: int) -> list[StopProposal]:
    """A "receiving but no longer entitled" alert (应退未退) opens a stop proposal for each of
    the person's running entitlements under the policies that name the alert's rule."""
    alert = _alert(actor, alert_id)
    policies = _policies_for_rule("alert_rules_stop", alert.rule, alert.area_code)
    running = Entitlement.objects.filter(
        person=alert.person, policy__in=policies, status=EntitlementStatus.ACTIVE
    )
    proposals: list[StopProposal] = []
    end_on = alert.person.status_date or _today()
    for entitlement in running.select_related("policy", "household"):
        already = StopProposal.objects.filter(
            entitlement=entitlement, source_alert_id=alert.pk
        ).first()
        proposals.append(
            already
            or stop_propose(
                actor=actor,
                entitlement=entitlement,
                reason=f"大数据比对预警：{alert.detail}",
                end_on=end_on,
                source_alert_id=alert.pk,
            )
        )
    if not proposals:
        raise ApplicationError("该居民没有可停发的相关待遇")
    return proposals


@transaction.atomic
def stop_approve(*, actor: Any, obj: StopProposal, note: str = "") -> StopProposal:
    """A second person approves: the entitlement ends on the proposal's date and what was paid
    for months after it is reversed (reversing entries in the first open month)."""
    stop = STOP_WORKFLOW.advance(
        obj,
        "approve",
        actor=actor,
        updates={
            "decided_by": actor,
            "decided_at": timezone.now(),
            "decision_note": (note or "")[:300],
        },
    )
    entitlement = Entitlement.objects.select_for_update().get(pk=stop.entitlement_id)
    ENTITLEMENT_WORKFLOW.advance(
        entitlement,
        "end",
        actor=actor,
        check=False,
        updates={"end_on": stop.end_on, "status_reason": stop.reason},
    )
    overpaid = (
        LedgerEntry.objects.filter(
            entitlement=entitlement, kind=EntryKind.PAYMENT, period__gt=stop.end_on
        )
        .filter(reversed_by__isnull=True)
        .order_by("id")
    )
    reversed_ids = [
        _reverse(actor=actor, entry=entry, note=f"停发冲正：{stop.reason}"[:200]).pk
        for entry in overpaid
    ]
    return audited(
        stop,
        actor=actor,
        action="benefits.stop.approve",
        changes={"entitlement": entitlement.pk, "end_on": stop.end_on, "reversals": reversed_ids},
    )


@transaction.atomic
def stop_dismiss(*, actor: Any, obj: StopProposal, reason: str) -> StopProposal:
    return advance_audited(
        STOP_WORKFLOW,
        obj,
        "dismiss",
        actor=actor,
        action="benefits.stop.dismiss",
        updates={
            "decided_by": actor,
            "decided_at": timezone.now(),
            "decision_note": reason.strip()[:300],
        },
        changes={"reason": reason},
    )


# --- entitlements ----------------------------------------------------------------------------


@transaction.atomic
def entitlement_suspend(*, actor: Any, obj: Entitlement, reason: str) -> Entitlement:
    reason = required_text(reason, "请填写暂停原因")
    return advance_audited(
        ENTITLEMENT_WORKFLOW,
        obj,
        "suspend",
        actor=actor,
        action="benefits.entitlement.suspend",
        updates={"status_reason": reason[:300]},
        changes={"reason": reason},
    )


@transaction.atomic
def entitlement_resume(*, actor: Any, obj: Entitlement, note: str = "") -> Entitlement:
    return advance_audited(
        ENTITLEMENT_WORKFLOW,
        obj,
        "resume",
        actor=actor,
        action="benefits.entitlement.resume",
        updates={"status_reason": ""},
        changes={"note": note},
    )


@transaction.atomic
def entitlement_reverify(*, actor: Any, obj: Entitlement, note: str = "") -> Entitlement:
    """The yearly re-verification (年度复核): the next one is due a policy period later."""
    today = _today()
    return advance_audited(
        ENTITLEMENT_WORKFLOW,
        obj,
        "reverify",
        actor=actor,
        action="benefits.entitlement.reverify",
        updates={
            "last_verified_on": today,
            "reverify_due_on": add_months(today, obj.policy.reverify_months),
        },
        changes={"note": note},
    )


@transaction.atomic
def grant_award(
    *,
    actor: Any,
    policy: Policy,
    household: Household,
    person: Person | None,
    shares: list[tuple[FundingSource, int]],
    note: str = "",
) -> Entitlement:
    """A co-funded one-off grant: the amount is the sum of the sources' shares (fen), each
    source paying its own part; paid by the next payment run (approved by a second person)."""
    _require(
        is_department(actor, policy.department_type, household.area_code),
        "只有主管部门可以核定资助",
    )
    if policy.frequency != Frequency.ONCE:
        raise ApplicationError("分担资助只适用于一次性待遇")
    if (
        not shares
        or any(fen <= 0 for _s, fen in shares)
        or len({s.pk for s, _f in shares}) != len(shares)
    ):
        raise ApplicationError("请列出各资金来源及其分担金额（大于0，来源不重复）")
    total = sum(fen for _s, fen in shares)
    if policy.standard_kind in ("range", "fixed"):
        standards.amount_for(policy, requested_fen=total)
    if person is not None and not _current_member(household, person):
        raise ApplicationError("资助对象不是该住户的现有成员")
    entitlement = _entitlement_save(
        new_entitlement(
            actor=actor,
            policy=policy,
            household=household,
            person=person,
            amount_fen=total,
            start_on=month_start(_today()),
        ),
        actor=actor,
    )
    for source, fen in shares:
        EntitlementShare.objects.create(
            entitlement=entitlement, source=source, amount_fen=fen, created_by=actor
        )
    return audited(
        entitlement,
        actor=actor,
        action="benefits.grant.award",
        changes={"total_fen": total, "shares": {s.name: fen for s, fen in shares}, "note": note},
    )


# --- payment runs and the ledger -------------------------------------------------------------


def _paid_periods(entitlement_ids: list[int]) -> dict[tuple[int, dt.date], int]:
    rows = (
        LedgerEntry.objects.filter(entitlement_id__in=entitlement_ids)
        .values("entitlement_id", "period")
        .annotate(total=Sum("amount_fen"))
    )
    return {(r["entitlement_id"], r["period"]): r["total"] for r in rows}


def _due_amount(
    e: Entitlement, month: dt.date, paid: dict[tuple[int, dt.date], int], paid_once: set[int]
) -> int:
    if e.start_on > month_end(month) or (e.end_on is not None and e.end_on < month):
        return 0
    if paid.get((e.pk, month), 0) > 0:
        return 0
    if e.frequency == Frequency.MONTHLY:
        return e.amount_fen
    if e.frequency == Frequency.YEARLY:
        return e.amount_fen if e.start_on.month == month.month else 0
    return 0 if e.pk in paid_once else e.amount_fen


@transaction.atomic
def payment_run_prepare(*, actor: Any, policy: Policy, area: Any, month: dt.date) -> PaymentRun:
    """The payroll (花名册) of one policy, area and month: every active entitlement due that
    month that is not paid and not in another run of that month."""
    month = month_start(month)
    _require(
        is_department(actor, policy.department_type, area.code), "只有主管部门可以编制发放花名册"
    )
    if not area.code.startswith(policy.area_code) and not policy.area_code.startswith(area.code):
        raise ApplicationError("发放区域不在政策适用范围内")
    if month > month_start(_today()):
        raise ApplicationError("不能编制未来月份的花名册")
    candidates = list(
        Entitlement.objects.filter(
            policy=policy, status=EntitlementStatus.ACTIVE, area_code__startswith=area.code
        )
        .filter(Q(area_code__startswith=policy.area_code))
        .order_by("pk")
    )
    ids = [e.pk for e in candidates]
    paid = _paid_periods(ids)
    paid_once = {eid for (eid, _p), total in paid.items() if total > 0}
    busy = set(
        PayrollLine.objects.filter(entitlement_id__in=ids, run__month=month)
        .exclude(run__status=RunStatus.CANCELLED)
        .values_list("entitlement_id", flat=True)
    )
    lines = [(e, _due_amount(e, month, paid, paid_once)) for e in candidates if e.pk not in busy]
    lines = [(e, fen) for e, fen in lines if fen > 0]
    if not lines:
        raise ApplicationError("该月没有应发放的对象")
    run = PaymentRun(
        policy=policy,
        area=area,
        area_code=area.code,
        month=month,
        prepared_by=actor,
        created_by=actor,
        line_count=len(lines),
        total_fen=sum(fen for _e, fen in lines),
    )
    try:
        with transaction.atomic():
            run.save()
    except IntegrityError as exc:
        raise Conflict("该政策该区域该月已有发放批次") from exc
    PayrollLine.objects.bulk_create(
        [
            PayrollLine(
                run=run, entitlement=e, amount_fen=fen, area_code=e.area_code, created_by=actor
            )
            for e, fen in lines
        ]
    )
    return audited(
        run,
        actor=actor,
        action="benefits.run.prepare",
        changes={"lines": run.line_count, "total_fen": run.total_fen, "month": month},
    )


@transaction.atomic
def payment_run_approve(*, actor: Any, obj: PaymentRun) -> PaymentRun:
    """A second person of the department approves the payroll (not who prepared it)."""
    return advance_audited(
        RUN_WORKFLOW,
        obj,
        "approve",
        actor=actor,
        action="benefits.run.approve",
        updates={"approved_by": actor, "approved_at": timezone.now()},
    )


@transaction.atomic
def payment_run_cancel(*, actor: Any, obj: PaymentRun) -> PaymentRun:
    return advance_audited(RUN_WORKFLOW, obj, "cancel", actor=actor, action="benefits.run.cancel")


def _shares_of(
    entitlement: Entitlement, policy_shares: list[tuple[FundingSource, int]]
) -> list[tuple[Any, int]]:
    own = [(s.source, s.amount_fen) for s in entitlement.shares.all()]
    return own or policy_shares


def open_month(department_type: str, area_code: str, month: dt.date) -> dt.date:
    """The first month on or after ``month`` that the department has not closed for the county."""
    county = area_code[:AGGREGATE_AREA_LENGTH]
    closed = set(
        MonthClose.objects.filter(
            department_type=department_type, area_code=county, month__gte=month
        ).values_list("month", flat=True)
    )
    while month in closed:
        month = next_month(month)
    return month


def _book(entries: list[LedgerEntry]) -> list[LedgerEntry]:
    """Insert ledger entries and bump the monthly aggregates in the caller's transaction."""
    for entry in entries:
        closed = MonthClose.objects.filter(
            department_type=entry.department_type,
            area_code=entry.area_code[:AGGREGATE_AREA_LENGTH],
            month=entry.month,
        ).exists()
        if closed:
            raise InvalidTransition(f"{entry.month:%Y年%m月}台账已关账，不能再记账")
    created = LedgerEntry.objects.bulk_create(entries, batch_size=2000)
    totals: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0, 0])
    for e in entries:
        key = (
            e.month,
            e.department_type,
            e.policy_id,
            e.source_id,
            e.area_code[:AGGREGATE_AREA_LENGTH],
        )
        slot = totals[key]
        slot[0] += 1
        slot[1 if e.kind == EntryKind.PAYMENT else 2] += e.amount_fen
    for (month, dept, policy_id, source_id, county), (count, pay, rev) in totals.items():
        bump(
            month=month,
            department_type=dept,
            policy_id=policy_id,
            source_id=source_id,
            area_code=county,
            count=count,
            payment_fen=pay,
            reversal_fen=rev,
        )
    return created


def bump(
    *,
    month: dt.date,
    department_type: str,
    policy_id: int,
    source_id: int,
    area_code: str,
    count: int,
    payment_fen: int,
    reversal_fen: int,
) -> None:
    key = {
        "month": month,
        "department_type": department_type,
        "policy_id": policy_id,
        "source_id": source_id,
        "area_code": area_code,
    }
    delta = {
        "entry_count": F("entry_count") + count,
        "payment_fen": F("payment_fen") + payment_fen,
        "reversal_fen": F("reversal_fen") + reversal_fen,
    }
    if MonthlyAggregate.objects.filter(**key).update(**delta):
        return
    try:
        with transaction.atomic():
            MonthlyAggregate.objects.create(
                **key, entry_count=count, payment_fen=payment_fen, reversal_fen=reversal_fen
            )
    except IntegrityError:
        MonthlyAggregate.objects.filter(**key).update(**delta)


@transaction.atomic
def payment_run_book(*, actor: Any, obj: PaymentRun) -> PaymentRun:
    """Book an approved payroll: one ledger entry per line per funding source (shares split to
    the fen, the parts summing to the line), in the first open month on or after the run's
    month. One-off grants end once paid."""
    run = RUN_WORKFLOW.advance(obj, "book", actor=actor, updates={"booked_at": timezone.now()})
    policy = run.policy
    policy_shares = [
        (f.source, f.share_permille)
        for f in policy.fundings.select_related("source").order_by("pk")
    ]
    lines = list(
        run.lines.select_related("entitlement")
        .prefetch_related("entitlement__shares__source")
        .order_by("pk")
    )
    now = timezone.now()
    months: dict[str, dt.date] = {}
    entries: list[LedgerEntry] = []
    for line in lines:
        e = line.entitlement
        county = e.area_code[:AGGREGATE_AREA_LENGTH]
        if county not in months:
            months[county] = open_month(policy.department_type, county, run.month)
        for source, fen in standards.split(line.amount_fen, _shares_of(e, policy_shares)):
            entries.append(
                LedgerEntry(
                    booked_at=now,
                    booked_by=actor,
                    month=months[county],
                    period=run.month,
                    kind=EntryKind.PAYMENT,
                    policy=policy,
                    department_type=policy.department_type,
                    source=source,
                    entitlement=e,
                    household_id=e.household_id,
                    person_id=e.person_id,
                    run=run,
                    amount_fen=fen,
                    area_code=e.area_code,
                    note=f"{run.month:%Y年%m月}{policy.name}",
                )
            )
    _book(entries)
    for line in lines:
        if line.entitlement.frequency == Frequency.ONCE:
            ENTITLEMENT_WORKFLOW.advance(
                line.entitlement,
                "end",
                actor=actor,
                check=False,
                updates={"end_on": _today(), "status_reason": "一次性待遇已发放"},
            )
    return audited(
        run,
        actor=actor,
        action="benefits.run.book",
        changes={"entries": len(entries), "total_fen": sum(x.amount_fen for x in entries)},
    )


def _reverse(*, actor: Any, entry: LedgerEntry, note: str) -> LedgerEntry:
    if entry.kind != EntryKind.PAYMENT:
        raise InvalidTransition("冲正分录不能再冲正")
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise Conflict("该分录已冲正")
    reversal = LedgerEntry(
        booked_at=timezone.now(),
        booked_by=actor,
        month=open_month(entry.department_type, entry.area_code, month_start(_today())),
        period=entry.period,
        kind=EntryKind.REVERSAL,
        policy_id=entry.policy_id,
        department_type=entry.department_type,
        source_id=entry.source_id,
        entitlement_id=entry.entitlement_id,
        household_id=entry.household_id,
        person_id=entry.person_id,
        run=None,
        amount_fen=-entry.amount_fen,
        reverses=entry,
        area_code=entry.area_code,
        note=note[:200],
    )
    try:
        with transaction.atomic():
            _book([reversal])
    except IntegrityError as exc:
        raise Conflict("该分录已冲正") from exc
    return reversal


@transaction.atomic
def ledger_reverse(*, actor: Any, entry: LedgerEntry, reason: str) -> LedgerEntry:
    """A correction: a reversing entry (the negative of the original, same source and period)
    in the first open month; the original stays as it was. Once per entry."""
    _require(is_department(actor, entry.department_type, entry.area_code), "只有主管部门可以冲正")
    reason = required_text(reason, "请填写冲正原因")
    reversal = _reverse(actor=actor, entry=entry, note=f"冲正：{reason}")
    return audited(
        reversal,
        actor=actor,
        action="benefits.ledger.reverse",
        changes={"reverses": entry.pk, "reason": reason},
    )


@transaction.atomic
def month_close(*, actor: Any, department_type: str, county: Any, month: dt.date) -> MonthClose:
    """Close a department's month in a county: the monthly ledger (月度台账) is generated,
    stored with its SHA-256 and never regenerated; later corrections go to the next month."""
    from . import exports

    month = month_start(month)
    _require(is_department(actor, department_type, county.code), "只有本县（区）的主管部门可以关账")
    if len(county.code) != AGGREGATE_AREA_LENGTH:
        raise ApplicationError("请按县（区）关账")
    if month > month_start(_today()):
        raise ApplicationError("不能关闭未来月份")
    if MonthClose.objects.filter(
        department_type=department_type, area_code=county.code, month=month
    ).exists():
        raise Conflict("该月已关账")
    qs = LedgerEntry.objects.filter(
        department_type=department_type, month=month, area_code__startswith=county.code
    )
    total = qs.aggregate(total=Sum("amount_fen"))["total"] or 0
    handle, count = exports.ledger_xlsx(
        user=None, entries=qs, title=f"{county.name}{month:%Y年%m月}资金台账"
    )
    content = handle.read()
    record = MonthClose(
        department_type=department_type,
        area_code=county.code,
        month=month,
        sha256=hashlib.sha256(content).hexdigest(),
        row_count=count,
        total_fen=total,
        closed_by=actor,
        created_by=actor,
    )
    record.file.save(
        f"{department_type}-{county.code}-{month:%Y%m}.xlsx", ContentFile(content), save=False
    )
    record.save()
    return audited(
        record,
        actor=actor,
        action="benefits.month.close",
        changes={"rows": count, "total_fen": total, "sha256": record.sha256},
    )


# --- the trade union's files -----------------------------------------------------------------


@transaction.atomic
def union_file_open(
    *,
    actor: Any,
    union: Any,
    household: Household,
    worker: Person,
    difficulty_class: str,
    causes: list[str],
    employer: str = "",
) -> UnionFile:
    """The union opens a file (建档) for a worker household: its causes and class; the first
    re-verification is due a year later. One open file per household."""
    from .models import DifficultyClass, HardshipCause

    _require(
        union.dept_type == "trade_union"
        and is_department(actor, "trade_union", household.area_code)
        and union.pk in _org_ids(actor),
        "只有本区域工会可以建档",
    )
    if difficulty_class not in DifficultyClass.values:
        raise ApplicationError("请选择困难类别")
    causes = [c for c in dict.fromkeys(causes) if c]
    if not causes or any(c not in HardshipCause.values for c in causes):
        raise ApplicationError("请选择致困原因")
    if not _current_member(household, worker):
        raise ApplicationError("职工不是该住户的现有成员")
    today = _today()
    file = UnionFile(
        number=_new_number("KN"),
        union=union,
        household=household,
        worker=worker,
        employer=employer.strip()[:100],
        difficulty_class=difficulty_class,
        causes=causes,
        opened_on=today,
        status_changed_on=today,
        last_verified_on=today,
        reverify_due_on=add_months(today, 12),
        created_by=actor,
    )
    try:
        with transaction.atomic():
            file.save()
    except IntegrityError as exc:
        raise Conflict("该住户已有困难职工档案") from exc
    return audited(
        file,
        actor=actor,
        action="benefits.union_file.open",
        changes={"class": difficulty_class, "causes": causes},
    )


def _org_ids(actor: Any) -> frozenset[int]:
    from lianxin.core.scoping import scope_of

    return scope_of(actor).organisation_ids()


@transaction.atomic
def union_file_assist(
    *,
    actor: Any,
    obj: UnionFile,
    policy: Policy,
    standard_key: str = "",
    amount_yuan: Any = None,
    note: str = "",
    shares: list[tuple[FundingSource, int]] | None = None,
) -> UnionAssistance:
    """Assistance under the union's schedule: an entitlement for the household (paid by the
    union's payment runs) and its record on the file, which is then "assisted"."""
    if policy.department_type != "trade_union":
        raise ApplicationError("请选择工会帮扶项目")
    UNION_FILE_WORKFLOW.check(actor, obj, "assist")
    if shares:
        entitlement = grant_award(
            actor=actor,
            policy=policy,
            household=obj.household,
            person=obj.worker,
            shares=shares,
            note=note,
        )
    else:
        person = obj.worker if policy.subject == Subject.PERSON else None
        amount = standards.amount_for(policy, key=standard_key, requested_fen=_fen(amount_yuan))
        entitlement = _entitlement_save(
            new_entitlement(
                actor=actor,
                policy=policy,
                household=obj.household,
                person=person,
                amount_fen=amount,
                standard_key=standard_key,
                start_on=month_start(_today()),
            ),
            actor=actor,
        )
    today = _today()
    updates: dict[str, Any] = {}
    if obj.status != "assisted":
        updates["status_changed_on"] = today
    file = UNION_FILE_WORKFLOW.advance(obj, "assist", actor=actor, updates=updates)
    record = UnionAssistance.objects.create(
        file=file, entitlement=entitlement, given_on=today, note=note[:200], created_by=actor
    )
    audit.record(
        actor=actor,
        action="benefits.union_file.assist",
        target=file,
        changes={"policy": policy.code, "entitlement": entitlement.pk},
    )
    return record


@transaction.atomic
def union_file_reverify(*, actor: Any, obj: UnionFile, note: str = "") -> UnionFile:
    today = _today()
    return advance_audited(
        UNION_FILE_WORKFLOW,
        obj,
        "reverify",
        actor=actor,
        action="benefits.union_file.reverify",
        updates={"last_verified_on": today, "reverify_due_on": add_months(today, 12)},
        changes={"note": note},
    )


def _union_file_end(actor: Any, obj: UnionFile, name: str, reason: str, missing: str) -> Any:
    """The file leaves the union's care (``name``: out, close) for a reason that must be given."""
    reason = required_text(reason, missing)
    return advance_audited(
        UNION_FILE_WORKFLOW,
        obj,
        name,
        actor=actor,
        action=f"benefits.union_file.{name}",
        updates={"status_changed_on": _today(), "closed_reason": reason[:300]},
        changes={"reason": reason},
    )


@transaction.atomic
def union_file_out(*, actor: Any, obj: UnionFile, reason: str) -> UnionFile:
    """Out of difficulty (解困脱困): the household no longer needs the union's help."""
    return _union_file_end(actor, obj, "out", reason, "请说明解困脱困的情况")


@transaction.atomic
def union_file_close(*, actor: Any, obj: UnionFile, reason: str) -> UnionFile:
    """Close the file (销档); the household's running union entitlements are not touched."""
    return _union_file_end(actor, obj, "close", reason, "请说明销档原因")


@transaction.atomic
def union_plan_add(
    *, actor: Any, file: UnionFile, year: int, measure: str, responsible: str, deadline: dt.date
) -> UnionPlanItem:
    """A measure of the household's yearly plan (owner and deadline required)."""
    from .workflows import union_staff

    _require(union_staff(actor, file), "只有本区域工会可以制定帮扶计划")
    if file.status == "closed":
        raise InvalidTransition("档案已销档")
    if not (measure or "").strip() or not (responsible or "").strip():
        raise ApplicationError("请填写帮扶措施和责任人")
    if deadline.year != year:
        raise ApplicationError("完成期限须在计划年度内")
    item = UnionPlanItem.objects.create(
        file=file,
        year=year,
        measure=measure.strip()[:200],
        responsible=responsible.strip()[:80],
        deadline=deadline,
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action="benefits.union_plan.add",
        target=file,
        changes={"measure": item.measure},
    )
    return item


@transaction.atomic
def union_plan_done(
    *, actor: Any, item: UnionPlanItem, done_on: dt.date | None = None
) -> UnionPlanItem:
    from .workflows import union_staff

    _require(union_staff(actor, item.file), "只有本区域工会可以更新帮扶计划")
    if item.done_on is not None:
        raise InvalidTransition("该措施已完成")
    item.done_on = done_on or _today()
    item.updated_by = actor
    item.save(update_fields=["done_on", "updated_by", "updated_at"])
    audit.record(
        actor=actor, action="benefits.union_plan.done", target=item.file, changes={"item": item.pk}
    )
    return item
