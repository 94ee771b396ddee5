"""Who sees which care rows (ARCHITECTURE.md "Scoping").

- grid worker: the cases of his grids;
- community, township, county, city and region staff: their division subtree;
- a department's staff (an assignment with an organisation): also the measures whose responsible
  or paired unit is their organisation, and the cases those measures belong to;
- a leader (包抓领导): the cases he leads; aggregates of his area come from selectors;
- partners, volunteers, hotline agents and administrators: nothing.

Every queue is ordered the same way: red before yellow before blue, then the most complex."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from lianxin.core.roles import AREA_STAFF_ROLES, Role
from lianxin.core.scoping import NOTHING, Scope, ScopedQuerySet, ancestors_of, prefix_q
from lianxin.registry.querysets import resident_scope_q

if TYPE_CHECKING:
    import datetime as dt

# Roles whose organisation makes them a department or unit that delivers measures.
UNIT_ROLES = (
    Role.TOWNSHIP_STAFF,
    Role.COUNTY_STAFF,
    Role.CITY_STAFF,
    Role.REGION_STAFF,
    Role.UNIT_STAFF,
)
URGENT_FIRST = ("grade_rank", "-priority", "pk")
AREA_ROLES = tuple(AREA_STAFF_ROLES)
# Who works the queue of referrals handed to their area (转介待办).
REFERRAL_ROLES = (Role.COMMUNITY_STAFF, Role.TOWNSHIP_STAFF)


def _leader_q(scope: Scope, field: str) -> Q:
    if scope.has_role(Role.LEADER) and scope.user_id is not None:
        return Q(**{field: scope.user_id})
    return NOTHING


def _case_q(scope: Scope, path: str = "") -> Q:
    """The case's area staff, its grid's workers and its leader (``path`` leads to the case)."""
    return resident_scope_q(scope, grid_field=f"{path}grid_id") | _leader_q(
        scope, f"{path}leader_id"
    )


class CareCaseQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        q = _case_q(scope)
        units = scope.organisation_ids(UNIT_ROLES)
        if units:
            from .models import Measure

            q |= Q(paired_unit_id__in=units) | Q(
                Exists(
                    Measure.objects.filter(case_id=OuterRef("pk")).filter(
                        Q(responsible_unit_id__in=units) | Q(paired_unit_id__in=units)
                    )
                )
            )
        return q

    def urgent_first(self) -> CareCaseQuerySet:
        return self.order_by(*URGENT_FIRST)

    def open(self) -> CareCaseQuerySet:
        return self.exclude(stage__in=["closed", "rejected"])


class CaseRelatedQuerySet(ScopedQuerySet):
    """Stage records: visible exactly when their case is."""

    case_path = "case"

    def scope_q(self, scope: Scope) -> Q:
        from .models import CareCase

        cases = CareCase.objects.filter(CareCase.objects.none().scope_q(scope))
        return Q(**{f"{self.case_path}__in": cases})


class PhotoQuerySet(CaseRelatedQuerySet):
    case_path = "investigation__case"


class ProofQuerySet(CaseRelatedQuerySet):
    """A measure's proof: visible exactly when its case is."""

    case_path = "measure__case"


class MeasureQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        q = _case_q(scope, "case__")
        units = scope.organisation_ids(UNIT_ROLES)
        if units:
            q |= Q(responsible_unit_id__in=units) | Q(paired_unit_id__in=units)
        return q

    def of_units(self, unit_ids: frozenset[int] | set[int]) -> MeasureQuerySet:
        return self.filter(responsible_unit_id__in=unit_ids)

    def open(self) -> MeasureQuerySet:
        return self.filter(status__in=["planned", "in_progress"])

    def overdue(self, today: dt.date | None = None) -> MeasureQuerySet:
        return self.open().filter(deadline__lt=today or timezone.localdate())

    def urgent_first(self) -> MeasureQuerySet:
        return self.order_by("grade_rank", "-priority", "deadline", "pk")


class BatchQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        """A batch run for an area: visible to staff of that area, of the areas below it and
        of the areas above it (a regional batch is seen by every county's staff, who see their
        own cases in it)."""
        codes = scope.all_area_codes()
        if not codes or not (
            scope.area_prefixes() or scope.grid_ids() or scope.has_role(Role.LEADER)
        ):
            return NOTHING
        ancestors = {a for c in codes for a in ancestors_of(c)}
        return prefix_q("area_code", codes) | Q(area_code__in=ancestors)


class JointMeetingQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        """Meetings of the user's subtree or of the areas above it (area staff and leaders;
        agenda items are filtered again by the escalations' own scope), and meetings that
        decided measures for the user's unit."""
        codes = scope.area_prefixes([*AREA_ROLES, Role.LEADER])
        ancestors = {a for c in codes for a in ancestors_of(c)}
        q = prefix_q("area_code", codes) | (Q(area_code__in=ancestors) if ancestors else NOTHING)
        units = scope.organisation_ids(UNIT_ROLES)
        if units:
            from .models import Measure

            q |= Q(
                Exists(
                    Measure.objects.filter(
                        decided_by_meeting_id=OuterRef("pk"), responsible_unit_id__in=units
                    )
                )
            )
        return q


class EscalationQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        q = _case_q(scope, "measure__case__")
        units = scope.organisation_ids(UNIT_ROLES)
        if units:
            q |= Q(measure__responsible_unit_id__in=units)
        return q


class ReferralQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        """A referral is seen only in the owning area's queue: community and township staff of
        the household's area. Not by the referrer (of another area), not by units."""
        return prefix_q("area_code", scope.area_prefixes(REFERRAL_ROLES))
