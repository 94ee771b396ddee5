"""Reads of neighbourhood help. Every list starts from ``for_user``; the wall's rows carry only
the anonymised fields (``WALL_FIELDS``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from lianxin.core.querysets import filter_given
from lianxin.core.roles import AREA_STAFF_ROLES, Role
from lianxin.core.scoping import get_for_user_or_404, prefix_q, scope_of

from .models import (
    Balance,
    DeliveryTally,
    HoursEntry,
    KeyPersonCare,
    PointsEntry,
    ServiceTask,
    TaskKind,
    TaskStatus,
    Team,
    TeamKind,
    VolunteerProfile,
    Wish,
    WishClaim,
    WishStatus,
)
from .querysets import wall_cities

# What a partner or volunteer may see of a wish: no person, no address, no photo.
WALL_FIELDS = (
    "id",
    "number",
    "title",
    "category",
    "story",
    "public_line",
    "estimate_fen",
    "status",
    "published_at",
    "claim_days",
    "claimant_org",
    "claimant_user",
    "claimed_at",
    "claim_due",
    "delivered_at",
    "confirmed_at",
    "area_code",
    "grid",
    "division",
)
STAFF_ROLES = (*AREA_STAFF_ROLES, Role.GRID_WORKER)


def is_staff(user: Any) -> bool:
    return scope_of(user).has_role(*STAFF_ROLES)


def wish_list(
    *, user: Any, status: str = "", search: str = "", category: str = ""
) -> QuerySet[Wish]:
    qs = Wish.objects.for_user(user)
    if not is_staff(user):
        qs = qs.only(*WALL_FIELDS)
    else:  # the staff's list shows who claimed each wish (Wish.claimant_name): one query
        qs = qs.select_related("claimant_org", "claimant_user")
    qs = filter_given(qs, status=status, category=category)
    if search:
        qs = qs.filter(Q(title__contains=search.strip()) | Q(number=search.strip()))
    return qs.order_by("-published_at", "-id")


def wall(*, user: Any, category: str = "") -> QuerySet[Wish]:
    """The wish wall: published wishes, newest first (index vol_wish_wall_idx). Built from the
    scope without the claimant clauses (a published wish has no claimant), so the planner walks
    the partial index instead of an OR over the whole table."""
    scope = scope_of(user)
    if not scope.grants:
        return Wish.objects.none()
    q = prefix_q("area_code", scope.area_prefixes()) | prefix_q("area_code", wall_cities(scope))
    if scope.grid_ids():
        q |= Q(grid_id__in=scope.grid_ids())
    qs = Wish.objects.filter(status=WishStatus.PUBLISHED).filter(q).only(*WALL_FIELDS)
    if category:
        qs = qs.filter(category=category)
    return qs.order_by("-published_at", "-id")


def wish_get_for_user(*, user: Any, pk: int) -> Wish:
    qs = Wish.objects.select_related("claimant_org", "claimant_user", "division")
    if not is_staff(user):
        qs = qs.only(
            *WALL_FIELDS,
            "claimant_org__name",
            "claimant_user__display_name",
            "claimant_user__username",
            "division__short_name",
            "division__name",
            "division__code",
        )
    return get_for_user_or_404(qs, user, pk=pk)


def my_claims(*, user: Any) -> QuerySet[Wish]:
    orgs = scope_of(user).organisation_ids((Role.PARTNER, Role.VOLUNTEER))
    return (
        Wish.objects.filter(Q(claimant_user_id=user.pk) | Q(claimant_org_id__in=orgs))
        .only(*WALL_FIELDS)
        .order_by("-claimed_at")
    )


def wish_report(*, user: Any) -> dict[str, Any]:
    """The seed figures of micro-wishes per community (or institution): wishes listed, claimed,
    fulfilled, distinct claimant units, value given, beneficiaries."""
    qs = Wish.objects.for_user(user).exclude(status=WishStatus.CANCELLED)
    claimed_q = Q(status__in=[WishStatus.CLAIMED, WishStatus.DELIVERED, WishStatus.CONFIRMED])
    rows = list(
        qs.values("division__short_name", "institution")
        .annotate(
            listed=Count("id"),
            claimed=Count("id", filter=claimed_q),
            fulfilled=Count("id", filter=Q(status=WishStatus.CONFIRMED)),
            partners=Count("claimant_org", distinct=True, filter=claimed_q),
            value_fen=Sum("value_fen", filter=Q(status=WishStatus.CONFIRMED)),
            beneficiaries=Count("person", distinct=True, filter=claimed_q),
        )
        .order_by("division__short_name", "institution")
    )
    townships = list(
        qs.filter(status=WishStatus.CONFIRMED)
        .values("division__parent__name")
        .annotate(fulfilled=Count("id"), partners=Count("claimant_org", distinct=True))
        .order_by("division__parent__name")
    )
    lapsed = WishClaim.objects.filter(wish__in=qs, outcome=WishClaim.Outcome.LAPSED).count()
    return {"rows": rows, "townships": townships, "lapsed": lapsed}


def team_list(*, user: Any, kind: str = "") -> QuerySet[Team]:
    qs = Team.objects.for_user(user).filter(is_active=True).annotate(member_count=Count("members"))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.select_related("division", "grid", "building").order_by("area_code", "kind", "name")


def team_get_for_user(*, user: Any, pk: int) -> Team:
    return get_for_user_or_404(
        Team.objects.select_related("division", "grid", "building"), user, pk=pk
    )


def team_members(team: Team) -> QuerySet[Any]:
    return team.teammembership_set.select_related("volunteer").order_by(
        "-is_leader", "volunteer__name"
    )


def profile_of(user: Any) -> VolunteerProfile | None:
    return (
        VolunteerProfile.objects.filter(user_id=getattr(user, "pk", None) or 0)
        .select_related("division")
        .first()
    )


def profile_list(*, user: Any, search: str = "") -> QuerySet[VolunteerProfile]:
    qs = VolunteerProfile.objects.for_user(user).select_related("balance", "division")
    if search:
        qs = qs.filter(Q(name__contains=search.strip()) | Q(code=search.strip()))
    return qs.order_by("area_code", "name")


def profile_get_for_user(*, user: Any, pk: int) -> VolunteerProfile:
    return get_for_user_or_404(VolunteerProfile.objects.select_related("division"), user, pk=pk)


def task_list(*, user: Any, status: str = "", kind: str = "") -> QuerySet[ServiceTask]:
    qs = ServiceTask.objects.for_user(user).select_related("team", "volunteer")
    qs = filter_given(qs, status=status, kind=kind)
    return qs.order_by("-created_at", "-id")


def my_tasks(*, user: Any) -> dict[str, list[ServiceTask]]:
    """A volunteer's phone home: what he took and what his teams are offered."""
    mine = list(
        ServiceTask.objects.filter(volunteer__user_id=user.pk)
        .exclude(status__in=[TaskStatus.CONFIRMED, TaskStatus.CANCELLED])
        .select_related("team")
        .order_by("scheduled_for", "id")
    )
    offered = list(
        ServiceTask.objects.for_user(user)
        .filter(status=TaskStatus.OPEN)
        .select_related("team")
        .order_by("scheduled_for", "id")[:50]
    )
    done = list(
        ServiceTask.objects.filter(volunteer__user_id=user.pk, status=TaskStatus.CONFIRMED)
        .select_related("team")
        .order_by("-confirmed_at")[:20]
    )
    return {"mine": mine, "offered": offered, "done": done}


def task_get_for_user(*, user: Any, pk: int) -> ServiceTask:
    return get_for_user_or_404(
        ServiceTask.objects.select_related("team", "volunteer", "division"), user, pk=pk
    )


def balance_of(volunteer: VolunteerProfile) -> Balance:
    """The running totals (one row kept by the services, never a scan of the ledgers)."""
    return Balance.objects.filter(volunteer=volunteer).first() or Balance(volunteer=volunteer)


def ledger_of(volunteer: VolunteerProfile) -> dict[str, Any]:
    return {
        "hours": HoursEntry.objects.filter(volunteer=volunteer)
        .select_related("task")
        .order_by("-served_on", "-id")[:200],
        "points": PointsEntry.objects.filter(volunteer=volunteer)
        .select_related("merchant")
        .order_by("-created_at", "-id")[:200],
    }


def service_records(
    *, user: Any, volunteer: VolunteerProfile | None = None
) -> QuerySet[HoursEntry]:
    qs = HoursEntry.objects.for_user(user).select_related("volunteer", "task")
    if volunteer is not None:
        qs = qs.filter(volunteer=volunteer)
    return qs.order_by("volunteer__area_code", "volunteer__name", "served_on", "id")


def roster(
    *, user: Any, team_id: int | None = None, grid_id: int | None = None
) -> QuerySet[KeyPersonCare]:
    qs = KeyPersonCare.objects.for_user(user).select_related(
        "person", "team", "volunteer", "grid", "building"
    )
    qs = filter_given(qs, team_id=team_id, grid_id=grid_id)
    return qs.order_by("area_code", "grid_id", "building_id", "person__name")


def keyperson_get_for_user(*, user: Any, pk: int) -> KeyPersonCare:
    return get_for_user_or_404(
        KeyPersonCare.objects.select_related(
            "person", "team", "volunteer", "division", "grid", "building"
        ),
        user,
        pk=pk,
    )


def fourones_figures(qs: QuerySet[KeyPersonCare]) -> dict[str, int]:
    return qs.aggregate(
        persons=Count("id"),
        leaflet=Count("id", filter=Q(leaflet_on__isnull=False)),
        card=Count("id", filter=Q(card_on__isnull=False)),
        kit=Count("id", filter=Q(kit_on__isnull=False)),
        complete=Count(
            "id",
            filter=Q(leaflet_on__isnull=False, card_on__isnull=False, kit_on__isnull=False),
        ),
    )


def deliveries_by_kind(*, user: Any) -> list[dict[str, Any]]:
    """Deliveries counted by kind over the user's area (the city's 15,517 medicine deliveries,
    14,440 purchases on behalf, 9,249 times of company and counselling)."""
    teams = Team.objects.for_user(user).values("pk")
    totals = {
        r["kind"]: r["n"]
        for r in DeliveryTally.objects.filter(team__in=teams)
        .values("kind")
        .annotate(n=Sum("count"))
    }
    return [{"kind": k, "label": label, "count": totals.get(k, 0)} for k, label in TaskKind.choices]


def warm_team_figures(*, user: Any) -> dict[str, int]:
    teams = Team.objects.for_user(user).filter(kind=TeamKind.WARM_DELIVERY, is_active=True)
    return {
        "teams": teams.count(),
        "party_buildings": teams.exclude(building__party_member_household="")
        .filter(building__isnull=False)
        .count(),
    }


def wall_figures(*, user: Any) -> dict[str, int]:
    qs = Wish.objects.for_user(user)
    return {
        "published": qs.filter(status=WishStatus.PUBLISHED).count(),
        "mine": my_claims(user=user)
        .exclude(status__in=[WishStatus.CONFIRMED, WishStatus.CANCELLED])
        .count(),
    }


def today() -> dt.date:
    return timezone.localdate()


def merchants_of(user: Any) -> QuerySet[Any]:
    """The organisations a partner user works for (where he records points spent)."""
    from lianxin.directory.models import Organisation

    return Organisation.objects.filter(
        pk__in=scope_of(user).organisation_ids((Role.PARTNER,)), is_active=True
    )


def volunteer_by_code(code: str) -> VolunteerProfile | None:
    """A volunteer found by the number he shows at a merchant (any area: points are spent at any
    love-alliance merchant). Only the id is used; nothing of him is shown to the merchant."""
    return VolunteerProfile.objects.filter(code=code.strip(), is_active=True).first()


def certificate_entries(volunteer: VolunteerProfile) -> QuerySet[HoursEntry]:
    """The hours of a volunteer the caller already obtained through a scoped lookup."""
    return (
        HoursEntry.objects.filter(volunteer=volunteer)
        .select_related("task")
        .order_by("served_on", "id")
    )
