from __future__ import annotations

from django.db.models import Q

from lianxin.core.scoping import Scope, ScopedQuerySet, prefix_q


def resident_scope_q(scope: Scope, *, grid_field: str | None) -> Q:
    """Residents' data: area staff (community → region) by their division subtree; grid
    workers by their grids. Leaders, hotline agents, units, partners, volunteers and the
    administrators see no resident rows here (they get aggregates or dedicated views)."""
    q = prefix_q("area_code", scope.area_prefixes())
    grids = scope.grid_ids()
    if grids and grid_field:
        q |= Q(**{f"{grid_field}__in": grids})
    return q


class HouseholdQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        return resident_scope_q(scope, grid_field="grid_id")

    def active(self) -> HouseholdQuerySet:
        return self.filter(is_active=True)


class PersonQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        return resident_scope_q(scope, grid_field="grid_id")

    def current(self) -> PersonQuerySet:
        return self.filter(merged_into__isnull=True)


class PersonRelatedQuerySet(ScopedQuerySet):
    """Rows that hang off a person or household: the grid comes from the person/household."""

    def scope_q(self, scope: Scope) -> Q:
        field = (
            "household__grid_id"
            if self.model._meta.model_name in {"membership", "assistancestatus"}
            else "person__grid_id"
        )
        return resident_scope_q(scope, grid_field=field)


class ImportJobQuerySet(ScopedQuerySet):
    """Uploads are seen by their uploader and by area staff of the uploader's area."""

    def scope_q(self, scope: Scope) -> Q:
        q = prefix_q("area_code", scope.area_prefixes())
        if scope.user_id is not None:
            q |= Q(created_by_id=scope.user_id)
        return q
