"""Reads of the employment app. Lists start from ``for_user()``. An employer's staff see a
candidate only through :func:`candidate_card` — what the seeker agreed to share, never an ID or
phone number."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from lianxin.areas.models import Division
from lianxin.core.querysets import filter_given
from lianxin.core.scoping import get_for_user_or_404, scope_of

from . import matching
from .models import (
    FOLLOW_UP_MONTHS,
    Assessment,
    Employer,
    JobSeeker,
    Match,
    MatchStatus,
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
    SeekerStatus,
)
from .querysets import employer_org_ids

# --- one object ---------------------------------------------------------------------------------


def seeker_get_for_user(*, user: Any, pk: int) -> JobSeeker:
    return get_for_user_or_404(JobSeeker.objects.select_related("division", "person"), user, pk=pk)


def employer_get_for_user(*, user: Any, pk: int) -> Employer:
    return get_for_user_or_404(
        Employer.objects.select_related("organisation", "partner_factory__organisation"),
        user,
        pk=pk,
    )


def post_get_for_user(*, user: Any, pk: int) -> Post:
    return get_for_user_or_404(
        Post.objects.select_related("employer__organisation", "workshop", "season"), user, pk=pk
    )


def match_get_for_user(*, user: Any, pk: int) -> Match:
    return get_for_user_or_404(
        Match.objects.select_related("seeker", "post__employer__organisation"), user, pk=pk
    )


def placement_get_for_user(*, user: Any, pk: int) -> Placement:
    return get_for_user_or_404(
        Placement.objects.select_related("seeker", "employer__organisation", "post"), user, pk=pk
    )


def season_get_for_user(*, user: Any, pk: int) -> Season:
    return get_for_user_or_404(Season.objects.select_related("area"), user, pk=pk)


# --- lists --------------------------------------------------------------------------------------


def is_employer_user(user: Any) -> bool:
    return bool(employer_org_ids(scope_of(user)))


def seeker_list(*, user: Any, status: str = "", search: str = "") -> QuerySet[JobSeeker]:
    qs = JobSeeker.objects.for_user(user).select_related("division")
    if status:
        qs = qs.filter(status=status)
    if search:
        qs = qs.filter(
            Q(name__contains=search.strip()[:40]) | Q(preferred_posts__contains=search.strip()[:40])
        )
    return qs.order_by("-pk")


def employer_list(
    *, user: Any, kind: str = "", outreach: str = "", search: str = ""
) -> QuerySet[Employer]:
    qs = Employer.objects.for_user(user).select_related("organisation")
    qs = filter_given(qs, kind=kind, outreach_status=outreach)
    if search:
        qs = qs.filter(organisation__name__contains=search.strip()[:60])
    return qs.annotate(
        open_posts=Count("posts", filter=Q(posts__status=PostStatus.OPEN), distinct=True),
        active_placements=Count(
            "placements", filter=Q(placements__status=PlacementStatus.ACTIVE), distinct=True
        ),
    ).order_by("area_code", "pk")


def post_list(*, user: Any, status: str = "", route: str = "", search: str = "") -> QuerySet[Post]:
    qs = Post.objects.for_user(user).select_related("employer__organisation", "workshop")
    qs = filter_given(qs, status=status, route=route)
    if search:
        qs = qs.filter(
            Q(title__contains=search.strip()[:60])
            | Q(employer__organisation__name__contains=search.strip()[:60])
        )
    return qs.order_by("-pk")


def match_list(*, user: Any, status: str = "") -> QuerySet[Match]:
    qs = Match.objects.for_user(user).select_related("seeker", "post__employer__organisation")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-pk")


def placement_list(*, user: Any, status: str = "", route: str = "") -> QuerySet[Placement]:
    qs = Placement.objects.for_user(user).select_related("seeker", "employer__organisation", "post")
    qs = filter_given(qs, status=status, route=route)
    return qs.order_by("-started_on", "-pk")


def season_list(*, user: Any) -> QuerySet[Season]:
    return Season.objects.for_user(user).select_related("area").order_by("-starts_on", "pk")


def seeker_assessments(seeker: JobSeeker) -> QuerySet[Assessment]:
    return (
        Assessment.objects.filter(seeker=seeker)
        .select_related("coach")
        .order_by("-assessed_on", "-pk")
    )


def seeker_matches(seeker: JobSeeker) -> QuerySet[Match]:
    return (
        Match.objects.filter(seeker=seeker)
        .select_related("post__employer__organisation")
        .order_by("-pk")
    )


def seeker_placements(seeker: JobSeeker) -> QuerySet[Placement]:
    return (
        Placement.objects.filter(seeker=seeker)
        .select_related("employer__organisation", "post")
        .order_by("-started_on")
    )


def employer_visits(employer: Employer) -> QuerySet[OutreachVisit]:
    return OutreachVisit.objects.filter(employer=employer).select_related("visitor", "season")


def employer_plans(employer: Employer) -> QuerySet[RecruitmentPlan]:
    return (
        RecruitmentPlan.objects.filter(employer=employer).select_related("season").order_by("-pk")
    )


def placement_followups(placement: Placement) -> QuerySet[PlacementFollowUp]:
    return PlacementFollowUp.objects.filter(placement=placement).select_related("visitor")


def employers_for_placement(*, user: Any) -> QuerySet[Employer]:
    return Employer.objects.for_user(user).select_related("organisation").order_by("kind", "pk")


def open_posts_for_placement(*, user: Any) -> QuerySet[Post]:
    return (
        Post.objects.for_user(user)
        .open()
        .select_related("employer__organisation")
        .order_by("employer_id", "pk")[:500]
    )


# --- follow-ups ---------------------------------------------------------------------------------


@dataclass
class DueFollowUp:
    placement: Placement
    month: int
    due_on: dt.date
    overdue: bool


def followups_due(
    *, user: Any, today: dt.date | None = None, horizon_days: int = 14
) -> list[DueFollowUp]:
    """Follow-ups (1/3/6/12 months) of active placements due within ``horizon_days`` or overdue
    and not yet recorded — the coach's phone list."""
    from .services import followup_due_on

    today = today or timezone.localdate()
    placements = (
        Placement.objects.for_user(user)
        .filter(status=PlacementStatus.ACTIVE, started_on__gte=today - dt.timedelta(days=400))
        .select_related("seeker", "employer__organisation")
        .prefetch_related("followups")
        .order_by("started_on")[:2000]
    )
    due: list[DueFollowUp] = []
    for placement in placements:
        done = {f.month for f in placement.followups.all()}
        for month in FOLLOW_UP_MONTHS:
            if month in done:
                continue
            on = followup_due_on(placement, month)
            if on <= today + dt.timedelta(days=horizon_days):
                due.append(DueFollowUp(placement, month, on, on < today))
            break  # one open milestone at a time
    return sorted(due, key=lambda d: d.due_on)


# --- matching -----------------------------------------------------------------------------------


@dataclass
class Ranked:
    obj: Any
    score: int
    reasons: list[str] = field(default_factory=list)


def _labels(seeker: JobSeeker) -> tuple[str, str]:
    return (
        seeker.get_disability_type_display() if seeker.disability_type else "",
        seeker.get_disability_grade_display() if seeker.disability_grade else "",
    )


_POST_ARRAYS: dict[tuple[Any, ...], matching.Posts] = {}


def _post_arrays(qs: QuerySet[Post]) -> matching.Posts:
    """The posts of ``qs`` as arrays, kept in memory while the set is unchanged (same query,
    count, last change and last id): a seeker's page then costs one aggregate query."""
    sig = qs.aggregate(n=Count("pk"), changed=Max("updated_at"), last=Max("pk"))
    key = (str(qs.query), sig["n"], sig["changed"], sig["last"])
    arrays = _POST_ARRAYS.get(key)
    if arrays is None:
        arrays = matching.load_posts(qs)
        if len(_POST_ARRAYS) >= 32:
            _POST_ARRAYS.clear()
        _POST_ARRAYS[key] = arrays
    return arrays


def ranked_posts(*, user: Any, seeker: JobSeeker, limit: int = 20) -> list[Ranked]:
    """The open posts the user sees, best fit first, with the reasons (ineligible ones left
    out). Tailored posts made for someone else are left out too."""
    posts_qs = Post.objects.for_user(user).open()
    p = _post_arrays(posts_qs)
    others = list(
        posts_qs.filter(tailored_for__isnull=False)
        .exclude(tailored_for=seeker)
        .values_list("pk", flat=True)
    )
    if others:
        p = p.take(~np.isin(p.ids, others))
    s = matching.load_seekers(JobSeeker.objects.filter(pk=seeker.pk))
    if len(p) == 0 or len(s) == 0:
        return []
    ids, scores = matching.rank(s, p, k=limit)
    chosen = [int(i) for i in ids[0] if i >= 0]
    if not chosen:
        return []
    objs = Post.objects.select_related("employer__organisation").in_bulk(chosen)
    index = {int(pid): j for j, pid in enumerate(p.ids)}
    sub = p.take(np.array([index[i] for i in chosen]))
    tl, gl = _labels(seeker)
    reasons = matching.explain(
        s, sub, seeker_skills=list(seeker.skills),
        post_skills=[list(objs[i].skills) for i in chosen], type_label=tl, grade_label=gl,
    )  # fmt: skip
    return [Ranked(objs[i], round(float(scores[0][k])), reasons[k]) for k, i in enumerate(chosen)]


def ranked_seekers(*, user: Any, post: Post, limit: int = 20) -> list[Ranked]:
    """The verified seekers the user sees, best fit for this post first, with the reasons."""
    qs = JobSeeker.objects.for_user(user).filter(status=SeekerStatus.VERIFIED)
    if post.tailored_for_id is not None:
        qs = qs.filter(pk=post.tailored_for_id)
    s = matching.load_seekers(qs)
    p = matching.load_posts(Post.objects.filter(pk=post.pk))
    if len(s) == 0:
        return []
    sc = matching.scores(s, p)[:, 0]
    best = np.argsort(-sc, kind="stable")[:limit]
    order = [int(r) for r in best if sc[r] >= 0]
    if not order:
        return []
    objs = JobSeeker.objects.select_related("division").in_bulk([int(s.ids[r]) for r in order])
    out = []
    for r in order:
        seeker = objs[int(s.ids[r])]
        tl, gl = _labels(seeker)
        reasons = matching.explain(
            s.take(np.array([r])), p, seeker_skills=list(seeker.skills),
            post_skills=[list(post.skills)], type_label=tl, grade_label=gl,
        )[0]  # fmt: skip
        out.append(Ranked(seeker, round(float(sc[r])), reasons))
    return out


# --- what an employer sees ----------------------------------------------------------------------


def age_of(birth_year: int | None, today: dt.date | None = None) -> int | None:
    if not birth_year:
        return None
    return (today or timezone.localdate()).year - birth_year


def candidate_card(match: Match) -> dict[str, Any]:
    """A proposed candidate as the employer's staff see it: a code, the preferred post and the
    hours always; the rest only as far as the seeker agreed. Never an ID or phone number."""
    seeker = match.seeker
    share = set(seeker.share or [])
    card: dict[str, Any] = {
        "code": seeker.code,
        "preferred_posts": seeker.preferred_posts,
        "daily_hours": f"{seeker.max_daily_minutes / 60:g}",
        "shared": sorted(share),
    }
    if "name" in share:
        card["name"] = seeker.name
    if "age" in share:
        card["age"] = age_of(seeker.birth_year)
    if "sex" in share:
        card["sex"] = {"M": "男", "F": "女"}.get(seeker.sex, "")
    if "disability" in share and seeker.disability_type:
        card["disability"] = (
            f"{seeker.get_disability_type_display()}{seeker.get_disability_grade_display() or ''}"
        )
    if "skills" in share:
        card["skills"] = "、".join(
            [*seeker.skills, *([seeker.other_skills] if seeker.other_skills else [])]
        )
    if "accommodations" in share:
        card["accommodations"] = seeker.accommodations
        card["needs_accessible"] = seeker.needs_accessible
    if "assessment" in share:
        latest = seeker_assessments(seeker).first()
        if latest is not None:
            card["assessment"] = latest.summary or latest.get_recommended_route_display()
    return card


def visible_reasons(match: Match, *, staff: bool) -> list[str]:
    """The match's reasons; for an employer's staff without the disability fit line unless the
    seeker agreed to share the disability (the line names its type and grade)."""
    reasons = list(match.reasons or [])
    if staff or "disability" in (match.seeker.share or []):
        return reasons
    return [r for r in reasons if "残疾" not in r]


def employer_posts(*, user: Any) -> QuerySet[Post]:
    orgs = employer_org_ids(scope_of(user))
    return (
        Post.objects.filter(employer__organisation_id__in=orgs)
        .annotate(
            candidates=Count("matches", filter=~Q(matches__status__in=[MatchStatus.WITHDRAWN]))
        )
        .order_by("-pk")
    )


def employer_candidates(*, user: Any) -> QuerySet[Match]:
    orgs = employer_org_ids(scope_of(user))
    return (
        Match.objects.filter(post__employer__organisation_id__in=orgs)
        .exclude(status=MatchStatus.WITHDRAWN)
        .select_related("seeker", "post")
        .order_by("-pk")
    )


# --- the funnel and the totals ------------------------------------------------------------------


def _season_scope(user: Any, season: Season) -> tuple[str, ...]:
    """The area prefixes the user's figures cover inside the season's area."""
    scope = scope_of(user)
    prefixes = []
    for g in scope.grants:
        if g.area_code.startswith(season.area_code):
            prefixes.append(g.area_code)
        elif season.area_code.startswith(g.area_code):
            prefixes.append(season.area_code)
    return tuple(sorted(set(prefixes)))


def _within(field_name: str, prefixes: tuple[str, ...]) -> Q:
    q = Q(pk__in=[])
    for p in prefixes:
        q |= Q(**{f"{field_name}__startswith": p})
    return q


def funnel(*, user: Any, season: Season) -> dict[str, int]:
    """Firms visited → willing → posts → people helped → employed, for the season within the
    user's area. Posts count headcount; people helped are seekers proposed for a post of the
    season; employed are placements of the season."""
    prefixes = _season_scope(user, season)
    if not prefixes:
        return dict.fromkeys(("visited", "willing", "posts", "helped", "employed"), 0)
    visits = OutreachVisit.objects.filter(season=season).filter(_within("area_code", prefixes))
    visited = visits.values("employer_id").distinct().count()
    willing = visits.filter(willing=True).values("employer_id").distinct().count()
    posts = Post.objects.filter(season=season).filter(_within("area_code", prefixes))
    post_total = sum(posts.values_list("headcount", flat=True))
    helped = (
        Match.objects.filter(season=season)
        .filter(_within("post__area_code", prefixes) | _within("area_code", prefixes))
        .values("seeker_id")
        .distinct()
        .count()
    )
    employed = (
        Placement.objects.filter(season=season)
        .filter(_within("employer__area_code", prefixes) | _within("area_code", prefixes))
        .values("seeker_id")
        .distinct()
        .count()
    )
    return {
        "visited": visited,
        "willing": willing,
        "posts": post_total,
        "helped": helped,
        "employed": employed,
    }


FUNNEL_LABELS = [
    ("visited", "走访企业"),
    ("willing", "有用工意愿"),
    ("posts", "提供岗位"),
    ("helped", "帮扶人员"),
    ("employed", "实现就业"),
]


def season_totals(*, user: Any, season: Season) -> dict[str, Any]:
    """The counties' returns (posts developed, newly employed) within the user's area: the total
    and the breakdowns by county, route and disability type."""
    prefixes = _season_scope(user, season)
    rows = list(
        SeasonReturn.objects.filter(season=season)
        .filter(_within("area_code", prefixes))
        .values_list("county_id", "route", "disability_type", "posts_developed", "newly_employed")
    )
    names = dict(Division.objects.filter(code__in={r[0] for r in rows}).values_list("code", "name"))
    route_labels = dict(Route.choices)
    from lianxin.registry.models import DisabilityType

    type_labels = dict(DisabilityType.choices)

    def group(key: int, labels: dict[str, str]) -> list[tuple[str, int, int]]:
        acc: dict[str, list[int]] = {}
        for r in rows:
            a = acc.setdefault(str(r[key]), [0, 0])  # county code, route or disability type
            a[0] += r[3]
            a[1] += r[4]
        return [(labels.get(k, k), v[0], v[1]) for k, v in sorted(acc.items())]

    return {
        "posts_developed": sum(r[3] for r in rows),
        "newly_employed": sum(r[4] for r in rows),
        "by_county": group(0, names),
        "by_route": group(1, route_labels),
        "by_type": group(2, type_labels),
    }


def placements_breakdown(*, user: Any, season: Season) -> dict[str, list[tuple[str, int]]]:
    """The season's placements recorded here, by route and by disability type."""
    qs = Placement.objects.for_user(user).filter(season=season)
    from lianxin.registry.models import DisabilityType

    route_labels = dict(Route.choices)
    type_labels = dict(DisabilityType.choices)
    by_route = [
        (route_labels.get(r["route"], r["route"]), r["n"])
        for r in qs.values("route").annotate(n=Count("pk")).order_by("route")
    ]
    by_type = [
        (type_labels.get(r["seeker__disability_type"], "未登记"), r["n"])
        for r in qs.values("seeker__disability_type")
        .annotate(n=Count("pk"))
        .order_by("seeker__disability_type")
    ]
    return {"by_route": by_route, "by_type": by_type}


def sunshine_factory(*, user: Any, employer: Employer) -> dict[str, Any]:
    """A sunshine factory: workshops, work types (its posts), partner firms, employees."""
    active = Placement.objects.filter(employer=employer, status=PlacementStatus.ACTIVE)
    ages = [
        a
        for b in active.values_list("seeker__birth_year", flat=True)
        if b and (a := age_of(b)) is not None
    ]
    pays = list(active.values_list("monthly_pay_fen", flat=True))
    return {
        "workshops": list(employer.workshops.annotate(n=Count("posts")).order_by("pk")),
        "work_types": list(Post.objects.filter(employer=employer).order_by("workshop_id", "pk")),
        "partners": list(employer.partners.select_related("organisation").order_by("pk")),
        "employees": active.count(),
        "age_min": min(ages) if ages else None,
        "age_max": max(ages) if ages else None,
        "pay_min_fen": min(pays) if pays else None,
        "insured": active.filter(social_insurance=True).count(),
        "hours": sorted({m / 60 for m in active.values_list("daily_minutes", flat=True)}),
    }


def my_figures(*, user: Any) -> dict[str, int]:
    return {
        "submitted": JobSeeker.objects.for_user(user).filter(status=SeekerStatus.SUBMITTED).count(),
        "seeking": JobSeeker.objects.for_user(user).filter(status=SeekerStatus.VERIFIED).count(),
        "awaiting": Match.objects.for_user(user)
        .filter(
            status__in=[
                MatchStatus.PROPOSED,
                MatchStatus.SEEKER_ACCEPTED,
                MatchStatus.EMPLOYER_ACCEPTED,
            ]
        )
        .count(),
        "employed": Placement.objects.for_user(user).filter(status=PlacementStatus.ACTIVE).count(),
    }
