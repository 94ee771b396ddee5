"""Who sees which neighbourhood-help rows (ARCHITECTURE.md "Scoping").

- community, township, county, city and region staff: their division subtree;
- grid worker: the rows of his grids (teams and volunteers of his community);
- partner (爱心单位/商家) and volunteer: the published (and claimed, delivered, confirmed) wishes
  of their city (anonymised; the views and the API never show more than the public line) and
  the wishes they claimed;
- volunteer: his own profile, ledgers and tasks, and the tasks offered to his teams;
- hotline agents, unit staff, leaders and administrators: nothing."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from lianxin.core.roles import Role
from lianxin.core.scoping import NOTHING, Scope, ScopedQuerySet, prefix_q

WALL_ROLES = (Role.PARTNER, Role.VOLUNTEER)
VISIBLE_ON_WALL = ("published", "claimed", "delivered", "confirmed")


def _area_q(scope: Scope) -> Q:
    return prefix_q("area_code", scope.area_prefixes())


def _grid_q(scope: Scope, field: str = "grid_id") -> Q:
    grids = scope.grid_ids()
    return Q(**{f"{field}__in": grids}) if grids else NOTHING


def _grid_worker_villages(scope: Scope) -> Q:
    codes = [g.area_code for g in scope.grants if g.role == Role.GRID_WORKER]
    return prefix_q("area_code", codes)


def wall_cities(scope: Scope) -> tuple[str, ...]:
    """The cities whose wish walls a partner or volunteer sees (their assignment's city)."""
    return tuple(sorted({g.area_code[:4] for g in scope.grants if g.role in WALL_ROLES}))


class WishQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        q = _area_q(scope) | _grid_q(scope)
        cities = wall_cities(scope)
        if cities:
            # anonymised rows only; claimed ones stay visible so a late claim is told "already
            # claimed" (409) rather than "not found"
            q |= Q(status__in=VISIBLE_ON_WALL) & prefix_q("area_code", cities)
            if scope.user_id is not None:
                q |= Q(claimant_user_id=scope.user_id)
            orgs = scope.organisation_ids(WALL_ROLES)
            if orgs:
                q |= Q(claimant_org_id__in=orgs)
        return q

    def published(self) -> WishQuerySet:
        return self.filter(status="published")


class TeamQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        q = _area_q(scope) | _grid_worker_villages(scope)
        if scope.has_role(Role.VOLUNTEER) and scope.user_id is not None:
            from .models import TeamMembership

            q |= Q(
                Exists(
                    TeamMembership.objects.filter(
                        team_id=OuterRef("pk"), volunteer__user_id=scope.user_id
                    )
                )
            )
        orgs = scope.organisation_ids((Role.PARTNER,))
        if orgs:
            q |= Q(organisation_id__in=orgs)
        return q


class ProfileQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        q = _area_q(scope) | _grid_worker_villages(scope)
        if scope.has_role(Role.VOLUNTEER) and scope.user_id is not None:
            q |= Q(user_id=scope.user_id)
        return q


class ServiceTaskQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        q = _area_q(scope) | _grid_q(scope)
        if scope.has_role(Role.VOLUNTEER) and scope.user_id is not None:
            from .models import TeamMembership

            # the tasks of his teams (anonymised; a late "take" is told "already taken")
            q |= Q(volunteer__user_id=scope.user_id) | Q(
                Exists(
                    TeamMembership.objects.filter(
                        team_id=OuterRef("team_id"), volunteer__user_id=scope.user_id
                    )
                )
            )
        return q


class LedgerQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        q = _area_q(scope)
        if scope.has_role(Role.VOLUNTEER) and scope.user_id is not None:
            q |= Q(volunteer__user_id=scope.user_id)
        return q


class KeyPersonCareQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        return _area_q(scope) | _grid_q(scope)
