"""Reads of the care app for pages, the API and other apps. Every list starts from
``for_user()``; queues are ordered urgent (red) and complex first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from lianxin.core.querysets import filter_given
from lianxin.core.roles import AREA_STAFF_ROLES, Role
from lianxin.core.scoping import NOTHING, get_for_user_or_404, prefix_q, scope_of

from .models import (
    Batch,
    CareAction,
    CareCase,
    Escalation,
    FollowUp,
    InvestigationPhoto,
    JointMeeting,
    Measure,
    MeasureProof,
    MeasureStatus,
    Referral,
    ReferralStatus,
    Stage,
)
from .querysets import UNIT_ROLES

FOLLOWUP_INTERVAL_DAYS = 30


def _today() -> dt.date:
    return timezone.localdate()


# --- cases ------------------------------------------------------------------------------------


def case_list(
    *,
    user: Any,
    stage: str = "",
    grade: str = "",
    search: str = "",
    batch_id: int | None = None,
    open_only: bool = False,
) -> QuerySet[CareCase]:
    qs = CareCase.objects.for_user(user)
    qs = filter_given(qs, stage=stage, grade=grade, batch_id=batch_id)
    if open_only:
        qs = qs.open()
    if search:
        term = search.strip()
        qs = qs.filter(Q(number__startswith=term) | Q(household__number__startswith=term))
    return qs.select_related("household", "household__head", "grid", "batch").urgent_first()


def case_get_for_user(*, user: Any, pk: int) -> CareCase:
    """One case the user may see; 404 for missing and not-yours alike."""
    return get_for_user_or_404(
        CareCase.objects.select_related(
            "household",
            "household__head",
            "household__division",
            "grid",
            "batch",
            "leader",
            "paired_unit",
        ),
        user,
        pk=pk,
    )


def measure_get_for_user(*, user: Any, pk: int) -> Measure:
    return get_for_user_or_404(
        Measure.objects.select_related("case", "responsible_unit", "paired_unit"), user, pk=pk
    )


def photo_get_for_user(*, user: Any, pk: int) -> InvestigationPhoto:
    return get_for_user_or_404(InvestigationPhoto.objects.all(), user, pk=pk)


def proof_get_for_user(*, user: Any, pk: int) -> MeasureProof:
    """A measure's proof file, for those who can see its case; 404 otherwise."""
    return get_for_user_or_404(MeasureProof.objects.select_related("measure"), user, pk=pk)


def household_measures(*, household_id: int, action: str) -> QuerySet[Measure]:
    """The measures of one care action in the household's running case (approved plan, being
    tracked or continued), open ones first: for apps that deliver them (an employment placement
    implements the employment measure, its follow-ups are written back to the case)."""
    return (
        Measure.objects.filter(
            case__household_id=household_id,
            action=action,
            case__stage__in=(Stage.PLANNED, Stage.TRACKING, Stage.CONTINUED),
        )
        .exclude(status=MeasureStatus.CANCELLED)
        .select_related("case", "responsible_unit")
        .order_by("implemented_at", "pk")
    )


def measure_by_pk(pk: int) -> Measure | None:
    """One measure by its id, unscoped: for an app holding the id of a measure it delivers."""
    return Measure.objects.select_related("case", "responsible_unit").filter(pk=pk).first()


def with_open_escalation(qs: QuerySet[Measure]) -> QuerySet[Measure]:
    """``has_open_escalation`` on each measure (the escalate button asks it; no query per row)."""
    open_ones = Escalation.objects.filter(measure=OuterRef("pk")).exclude(
        status=Escalation.Status.RESOLVED
    )
    return qs.annotate(has_open_escalation=Exists(open_ones))


def case_measures(case: CareCase) -> QuerySet[Measure]:
    return with_open_escalation(
        Measure.objects.filter(case=case)
        .select_related("responsible_unit", "paired_unit", "decided_by_meeting")
        .prefetch_related("proofs")
        .order_by("pk")
    )


# --- pickers of the case forms (each the user's own) -------------------------------------------

PICKER_LIMIT = 500


def unit_choices(user: Any) -> list[tuple[int, str]]:
    """The units the user may name as responsible or paired (the directory's, scoped)."""
    from lianxin.directory.selectors import organisation_list

    return list(organisation_list(user=user).values_list("pk", "name")[:PICKER_LIMIT])


def unit_for(user: Any, pk: int | None) -> Any:
    from lianxin.directory.selectors import organisation_list

    return organisation_list(user=user).filter(pk=pk).first() if pk else None


def leaders_of(area_code: str) -> QuerySet[Any]:
    """Users holding the leader role over an area (its own code or an ancestor): the 包抓领导
    a plan may name. Names only; a leader of another area cannot be chosen."""
    from django.contrib.auth import get_user_model

    from lianxin.core.scoping import ancestors_of

    codes = [*ancestors_of(area_code), area_code]
    return (
        get_user_model()
        .objects.filter(
            assignments__role=Role.LEADER,
            assignments__is_active=True,
            assignments__area_id__in=codes,
            is_active=True,
        )
        .distinct()
        .order_by("pk")
    )


def leader_choices(area_code: str) -> list[tuple[int, str]]:
    return [(u.pk, str(u)) for u in leaders_of(area_code)[:200]]


def leader_get(pk: int) -> Any:
    """The user by id (the plan service checks that the user leads the household's area)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk=pk, is_active=True).first()


def batch_choices(user: Any) -> list[tuple[int, str]]:
    return list(Batch.objects.for_user(user).filter(is_open=True).values_list("pk", "name")[:50])


def batch_for(user: Any, pk: int) -> Batch | None:
    return Batch.objects.for_user(user).filter(pk=pk).first()


@dataclass(frozen=True)
class TimelineEntry:
    at: Any
    stage: str
    title: str
    who: Any
    detail: str


def case_timeline(case: CareCase) -> list[TimelineEntry]:
    """Every stage record of the case in the order it happened."""
    entries: list[TimelineEntry] = []
    for d in case.discoveries.select_related("reporter"):
        entries.append(
            TimelineEntry(
                d.created_at,
                "discovered",
                f"发现：{d.get_source_display()}",
                d.reporter,
                d.description,
            )
        )
    inv = getattr(case, "investigation", None)
    if inv is not None and inv.submitted_at:
        entries.append(
            TimelineEntry(inv.submitted_at, "investigated", "入户调查", inv.investigator, inv.needs)
        )
    review = getattr(case, "community_review", None)
    if review is not None:
        entries.append(
            TimelineEntry(
                review.created_at,
                "reviewed",
                "社区评议" + ("（建议认定）" if review.recommends else "（不建议认定）"),
                review.reviewer,
                f"参加人员：{review.participants}；意见：{review.opinion}",
            )
        )
    rec = getattr(case, "recognition", None)
    if rec is not None:
        entries.append(
            TimelineEntry(
                rec.decided_at, rec.decision, rec.get_decision_display(), rec.decided_by, rec.reason
            )
        )
    plan = getattr(case, "plan", None)
    if plan is not None and plan.approved_at:
        entries.append(
            TimelineEntry(
                plan.approved_at, "planned", "一户一策方案审定", plan.approved_by, plan.goal
            )
        )
    for m in case.measures.filter(implemented_at__isnull=False).select_related("implemented_by"):
        entries.append(
            TimelineEntry(
                m.implemented_at, "measure", f"措施落实：{m.title}", m.implemented_by, m.evidence
            )
        )
    for fu in case.followups.select_related("visitor"):
        entries.append(
            TimelineEntry(
                fu.created_at,
                "tracking",
                f"跟踪回访（{fu.visited_on:%Y-%m-%d}）",
                fu.visitor,
                fu.notes,
            )
        )
    for ev in case.evaluations.select_related("evaluator", "accepted_by"):
        entries.append(
            TimelineEntry(
                ev.created_at,
                "evaluated",
                f"评估：{ev.get_decision_display()}",
                ev.evaluator,
                ev.outcome,
            )
        )
        if ev.accepted_at:
            entries.append(TimelineEntry(ev.accepted_at, "accepted", "验收", ev.accepted_by, ""))
    return sorted(entries, key=lambda e: e.at)


# --- queues -----------------------------------------------------------------------------------


def grid_worker_todos(*, user: Any) -> dict[str, QuerySet[CareCase]]:
    """The grid worker's to-dos in his grids: households waiting for their investigation, and
    cases in tracking whose last visit is older than FOLLOWUP_INTERVAL_DAYS (or never)."""
    grids = scope_of(user).grid_ids()
    base = CareCase.objects.filter(grid_id__in=grids).select_related("household", "grid")
    since = _today() - dt.timedelta(days=FOLLOWUP_INTERVAL_DAYS)
    recent = FollowUp.objects.filter(case_id=OuterRef("pk"), visited_on__gte=since)
    return {
        "to_investigate": base.filter(stage=Stage.DISCOVERED).urgent_first(),
        "to_visit": base.filter(stage__in=[Stage.PLANNED, Stage.TRACKING, Stage.CONTINUED])
        .exclude(Exists(recent))
        .urgent_first(),
    }


def review_queue(*, user: Any) -> dict[str, QuerySet[CareCase]]:
    """Community staff: investigated cases of their communities to review; township staff:
    reviewed cases of their township to recognise, and recognised cases whose plan waits."""
    scope = scope_of(user)
    community = prefix_q(
        "area_code", scope.area_prefixes([Role.COMMUNITY_STAFF, Role.TOWNSHIP_STAFF])
    )
    township = prefix_q("area_code", scope.area_prefixes([Role.TOWNSHIP_STAFF]))
    qs = CareCase.objects.select_related("household", "household__head", "grid")
    return {
        "to_review": qs.filter(community, stage=Stage.INVESTIGATED).urgent_first()
        if community != NOTHING
        else qs.none(),
        "to_recognise": qs.filter(township, stage=Stage.REVIEWED).urgent_first()
        if township != NOTHING
        else qs.none(),
        "to_plan": qs.filter(township, stage=Stage.RECOGNISED).urgent_first()
        if township != NOTHING
        else qs.none(),
    }


# --- referrals handed to the user's area (转介待办) -------------------------------------------------


def referral_queue(*, user: Any, status: str = ReferralStatus.PENDING) -> QuerySet[Referral]:
    """The referrals of the user's area (community and township staff), oldest first; the
    referrer never sees them (another area's household)."""
    qs = Referral.objects.for_user(user).select_related(
        "household", "household__head", "referrer", "referrer_org", "case"
    )
    if status:
        qs = qs.filter(status=status)
    if status == ReferralStatus.PENDING:
        return qs.order_by("created_at", "pk")
    return qs.order_by("-decided_at", "-pk")


def referral_get_for_user(*, user: Any, pk: int) -> Referral:
    return get_for_user_or_404(
        Referral.objects.select_related("household", "referrer", "referrer_org", "case"),
        user,
        pk=pk,
    )


def unit_ids_of(user: Any) -> frozenset[int]:
    return scope_of(user).organisation_ids(UNIT_ROLES)


def measure_queue(
    *, user: Any, overdue_only: bool = False, status: str = "", action: str = ""
) -> QuerySet[Measure]:
    """A department's measures: those whose responsible unit is the user's organisation, open
    first, red first, nearest deadline first. Area staff without a unit get the measures of
    their area."""
    units = unit_ids_of(user)
    if units:
        qs = Measure.objects.filter(responsible_unit_id__in=units)
    else:
        qs = Measure.objects.for_user(user)
    if status:
        qs = qs.filter(status=status)
    elif not overdue_only:
        qs = qs.open()
    if overdue_only:
        qs = qs.overdue(_today())
    if action:
        qs = qs.filter(action=action)
    return with_open_escalation(qs.select_related("case", "responsible_unit").urgent_first())


def leader_cases(*, user: Any) -> QuerySet[CareCase]:
    """The households a leader leads (包抓), urgent first."""
    return (
        CareCase.objects.filter(leader_id=user.pk)
        .select_related("household", "grid", "paired_unit", "batch")
        .annotate(
            open_measures=Count(
                "measures", filter=Q(measures__status__in=["planned", "in_progress"])
            ),
            overdue_measures=Count(
                "measures",
                filter=Q(
                    measures__status__in=["planned", "in_progress"], measures__deadline__lt=_today()
                ),
            ),
        )
        .urgent_first()
    )


def area_codes_for_aggregates(user: Any) -> tuple[str, ...]:
    """Areas whose aggregates the user sees: staff and leaders their subtrees."""
    return scope_of(user).area_prefixes([*AREA_STAFF_ROLES, Role.LEADER])


def area_aggregates(*, user: Any) -> dict[str, Any]:
    """Counts of the user's areas by colour and stage (no names): what a leader sees."""
    codes = area_codes_for_aggregates(user)
    if not codes:
        return {"by_grade": {}, "by_stage": {}, "overdue": 0}
    cases = CareCase.objects.filter(prefix_q("area_code", codes))
    by_grade = dict(cases.open().values_list("grade").annotate(n=Count("pk")).order_by())
    by_stage = dict(cases.values_list("stage").annotate(n=Count("pk")).order_by())
    overdue = Measure.objects.filter(prefix_q("area_code", codes)).overdue(_today()).count()
    return {"by_grade": by_grade, "by_stage": by_stage, "overdue": overdue}


# --- batches ----------------------------------------------------------------------------------


def batch_list(*, user: Any) -> QuerySet[Any]:
    from .models import Batch

    return Batch.objects.for_user(user).order_by("area_code", "sequence")


def batch_get_for_user(*, user: Any, pk: int) -> Any:
    from .models import Batch

    return get_for_user_or_404(Batch.objects.all(), user, pk=pk)


def _covers_region(codes: tuple[str, ...], batch_area: str) -> bool:
    return any(batch_area.startswith(c) for c in codes)


def _progress_figures(
    totals: dict[str, int],
    by_status: dict[str, int],
    by_action_rows: Sequence[Mapping[str, Any]],
    overdue: int,
) -> dict[str, Any]:
    planned = sum(n for s, n in by_status.items() if s != MeasureStatus.CANCELLED)
    implemented = by_status.get(MeasureStatus.IMPLEMENTED, 0)
    labels = dict(CareAction.choices)
    order = list(labels)
    by_action = sorted(
        (
            {
                "action": r["action"],
                "label": labels.get(r["action"], r["action"]),
                "planned": r["planned"],
                "implemented": r["implemented"],
            }
            for r in by_action_rows
            if r["planned"]
        ),
        key=lambda r: order.index(r["action"]) if r["action"] in order else 99,
    )
    return {
        "households": totals.get("households") or 0,
        "persons": totals.get("persons") or 0,
        "measures": planned,
        "implemented": implemented,
        "in_progress": by_status.get(MeasureStatus.IN_PROGRESS, 0),
        "overdue": overdue,
        "rate": round(100 * implemented / planned, 1) if planned else 0.0,
        "by_action": by_action,
    }


def batch_progress(*, user: Any, batch: Any, use_tally: bool | None = None) -> dict[str, Any]:
    """The batch's information database in the user's areas: households, persons, measures
    planned (all but cancelled) and implemented, the same by care action, and overdue measures.
    Staff of a township or above read the running totals (BatchTally, per township); community
    staff and grid workers count their own rows directly."""
    from .models import BatchTally

    scope = scope_of(user)
    codes = scope.area_prefixes([*AREA_STAFF_ROLES, Role.LEADER])
    whole = bool(codes) and _covers_region(codes, batch.area_code)
    measures = Measure.objects.filter(batch=batch).open()
    if codes and not whole:
        measures = measures.filter(prefix_q("area_code", codes))
    elif not codes:
        measures = measures.filter(case__grid_id__in=scope.grid_ids())
    overdue = measures.filter(deadline__lt=_today()).count()
    if use_tally is None:
        use_tally = bool(codes) and all(len(c) <= 9 for c in codes)
    if use_tally:
        tallies = BatchTally.objects.filter(batch=batch)
        if not whole:
            tallies = tallies.filter(prefix_q("area_code", codes))
        households = tallies.filter(action="", status="").aggregate(
            households=Sum("count"), persons=Sum("persons")
        )
        rows = list(
            tallies.exclude(action="")
            .values("action", "status")
            .annotate(n=Sum("count"))
            .order_by()
        )
        by_status: dict[str, int] = {}
        by_action: dict[str, dict[str, Any]] = {}
        for r in rows:
            by_status[r["status"]] = by_status.get(r["status"], 0) + r["n"]
            if r["status"] == MeasureStatus.CANCELLED:
                continue
            entry = by_action.setdefault(
                r["action"], {"action": r["action"], "planned": 0, "implemented": 0}
            )
            entry["planned"] += r["n"]
            if r["status"] == MeasureStatus.IMPLEMENTED:
                entry["implemented"] += r["n"]
        return _progress_figures(households, by_status, list(by_action.values()), overdue)
    cases = CareCase.objects.filter(batch=batch)
    all_measures = Measure.objects.filter(batch=batch)
    if codes and not whole:
        cases = cases.filter(prefix_q("area_code", codes))
        all_measures = all_measures.filter(prefix_q("area_code", codes))
    elif not codes:
        grids = scope.grid_ids()
        cases = cases.filter(grid_id__in=grids)
        all_measures = all_measures.filter(case__grid_id__in=grids)
    totals = cases.aggregate(households=Count("pk"), persons=Sum("person_count"))
    by_status = dict(all_measures.values_list("status").annotate(n=Count("pk")).order_by())
    action_rows = list(
        all_measures.exclude(status=MeasureStatus.CANCELLED)
        .values("action")
        .annotate(
            planned=Count("pk"), implemented=Count("pk", filter=Q(status=MeasureStatus.IMPLEMENTED))
        )
        .order_by()
    )
    return _progress_figures(totals, by_status, action_rows, overdue)


# --- joint meetings ---------------------------------------------------------------------------


def meeting_list(*, user: Any) -> QuerySet[JointMeeting]:
    return JointMeeting.objects.for_user(user).order_by("-scheduled_on", "-pk")


def meeting_get_for_user(*, user: Any, pk: int) -> JointMeeting:
    return get_for_user_or_404(JointMeeting.objects.all(), user, pk=pk)


def meeting_agenda(*, user: Any, meeting: JointMeeting) -> QuerySet[Escalation]:
    return (
        Escalation.objects.for_user(user)
        .filter(meeting=meeting)
        .select_related("measure", "measure__case", "measure__responsible_unit")
        .order_by("measure__grade_rank", "pk")
    )


def open_escalations(*, user: Any) -> QuerySet[Escalation]:
    return (
        Escalation.objects.for_user(user)
        .filter(status=Escalation.Status.OPEN)
        .select_related("measure", "measure__case", "measure__responsible_unit")
        .order_by("measure__grade_rank", "pk")
    )


def batch_breakdown(*, user: Any, batch: Any, level: str = "township") -> dict[str, Any]:
    """The batch's progress by township (or community) and by stage, over the cases the user
    may see: households, persons, measures planned (not cancelled), implemented and overdue."""
    from django.db.models.functions import Substr

    from lianxin.areas.models import Division

    width = 12 if level == "community" else 9
    cases = CareCase.objects.for_user(user).filter(batch=batch)
    measures = Measure.objects.filter(case__in=cases.values("pk")).exclude(
        status=MeasureStatus.CANCELLED
    )
    today = _today()
    case_rows = {
        r["key"]: r
        for r in cases.annotate(key=Substr("area_code", 1, width))
        .values("key")
        .annotate(households=Count("pk"), persons=Sum("person_count"))
        .order_by()
    }
    measure_rows = {
        r["key"]: r
        for r in measures.annotate(key=Substr("area_code", 1, width))
        .values("key")
        .annotate(
            planned=Count("pk"),
            implemented=Count("pk", filter=Q(status=MeasureStatus.IMPLEMENTED)),
            overdue=Count(
                "pk",
                filter=Q(status__in=[MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS])
                & Q(deadline__lt=today),
            ),
        )
        .order_by()
    }
    keys = sorted(set(case_rows) | set(measure_rows))
    names = dict(Division.objects.filter(code__in=keys).values_list("code", "name"))
    areas = []
    for key in keys:
        c: Mapping[str, Any] = case_rows.get(key, {})
        m: Mapping[str, Any] = measure_rows.get(key, {})
        planned = m.get("planned", 0)
        areas.append(
            {
                "area": names.get(key, "未知区划"),
                "households": c.get("households", 0),
                "persons": c.get("persons") or 0,
                "planned": planned,
                "implemented": m.get("implemented", 0),
                "overdue": m.get("overdue", 0),
                "rate": round(m.get("implemented", 0) * 100 / planned) if planned else None,
            }
        )
    stage_counts = dict(cases.values_list("stage").annotate(n=Count("pk")).order_by())
    stages = [
        {"stage": label, "households": stage_counts.get(value, 0)}
        for value, label in Stage.choices
        if stage_counts.get(value)
    ]
    return {"areas": areas, "stages": stages, "level": level}


def case_visible(*, user: Any, pk: int) -> bool:
    return CareCase.objects.for_user(user).filter(pk=pk).exists()
