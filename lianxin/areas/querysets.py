from __future__ import annotations

from django.db.models import Q

from lianxin.core.roles import Role
from lianxin.core.scoping import NOTHING, Scope, ScopedQuerySet, ancestors_of, prefix_q


def _visible_division_q(scope: Scope) -> Q:
    """A user sees the divisions of their subtrees and the chain of ancestors above them."""
    codes = scope.all_area_codes()
    if not codes:
        return NOTHING
    ancestors = {a for c in codes for a in ancestors_of(c)}
    return prefix_q("code", codes) | Q(code__in=ancestors)


class DivisionQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        return _visible_division_q(scope)

    def subtree(self, code: str) -> DivisionQuerySet:
        return self.filter(code__startswith=code)


class GridQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        staff = [r for r in Role if r not in (Role.GRID_WORKER,)]
        return prefix_q("area_code", scope.area_prefixes(staff)) | Q(pk__in=scope.grid_ids())


class BuildingQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        staff = [r for r in Role if r not in (Role.GRID_WORKER,)]
        return prefix_q("area_code", scope.area_prefixes(staff)) | Q(grid_id__in=scope.grid_ids())
