from __future__ import annotations

from django.db.models import Q

from lianxin.core.roles import Role
from lianxin.core.scoping import Scope, ScopedQuerySet, prefix_q

# Who works with roster comparison: county and higher civil-affairs and department staff run
# it; township and community staff follow their area's alerts; grid workers verify their own.
COMPARISON_ROLES = (Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF, Role.CITY_STAFF, Role.REGION_STAFF)
ALERT_AREA_ROLES = (Role.COMMUNITY_STAFF, *COMPARISON_ROLES)


class AreaScopedQuerySet(ScopedQuerySet):
    """Roster imports, runs and reminders: staff of the area from township up."""

    def scope_q(self, scope: Scope) -> Q:
        return prefix_q("area_code", scope.area_prefixes(COMPARISON_ROLES))


class AlertQuerySet(ScopedQuerySet):
    """An alert reaches the grid worker of the person's grid, and the area's staff; nobody else."""

    def scope_q(self, scope: Scope) -> Q:
        return prefix_q("area_code", scope.area_prefixes(ALERT_AREA_ROLES)) | Q(
            grid_id__in=scope.grid_ids()
        )

    def open(self) -> AlertQuerySet:
        return self.filter(status="open")


class ReviewItemQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        return prefix_q("area_code", scope.area_prefixes(COMPARISON_ROLES))
