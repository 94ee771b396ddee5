"""Who sees which benefits rows (ARCHITECTURE.md "Scoping").

- policies and funding sources (no personal data): staff whose area lies under, over or at the
  policy's area (a regional policy is seen by every community's staff);
- applications, entitlements, stop proposals: area staff of their division subtree, grid
  workers of the household's grid;
- payment runs, payroll lines, ledger entries, closed months: area staff of the subtree;
- union files: area staff of the subtree (the union's own staff hold county/city assignments
  with the union as organisation).

Partners, volunteers, hotline agents, units, leaders and administrators see nothing here.

The ledger is append-only: its queryset refuses ``update`` and ``delete``."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from lianxin.core.models import AppendOnlyError
from lianxin.core.roles import AREA_STAFF_ROLES, Role
from lianxin.core.scoping import NOTHING, Scope, ScopedQuerySet, ancestors_of, prefix_q
from lianxin.registry.querysets import resident_scope_q


class PolicyQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        roles = [*AREA_STAFF_ROLES, Role.GRID_WORKER]
        codes = scope.area_prefixes(roles)
        if not codes:
            return NOTHING
        ancestors = {a for c in codes for a in ancestors_of(c)}
        return prefix_q("area_code", codes) | Q(area_code__in=ancestors)

    def active(self) -> PolicyQuerySet:
        return self.filter(is_active=True)


class ResidentRowQuerySet(ScopedQuerySet):
    """Rows about a household or person: area staff of the subtree, the household's grid worker."""

    grid_paths: dict[str, str] = {
        "application": "household__grid_id",
        "entitlement": "household__grid_id",
        "stopproposal": "entitlement__household__grid_id",
    }

    def scope_q(self, scope: Scope) -> Q:
        grid_field = self.grid_paths.get(self.model._meta.model_name or "")
        return resident_scope_q(scope, grid_field=grid_field)

    def running(self) -> ResidentRowQuerySet:
        return self.exclude(status="ended")


class SubtreeQuerySet(ScopedQuerySet):
    """Rows seen by the area staff of their subtree only (no grid path): payment runs, payroll
    lines, closed months, union files and the rows that hang off a file."""

    def scope_q(self, scope: Scope) -> Q:
        return resident_scope_q(scope, grid_field=None)


FileRelatedQuerySet = RunQuerySet = UnionFileQuerySet = SubtreeQuerySet


class LedgerQuerySet(SubtreeQuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("资金台账只能追加，不能修改；更正请做冲正分录")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("资金台账只能追加，不能删除；更正请做冲正分录")

    def _raw_delete(self, using: Any) -> int:
        raise AppendOnlyError("资金台账只能追加，不能删除")

    def bulk_update(self, objs: Any, fields: Any, batch_size: Any = None) -> int:
        raise AppendOnlyError("资金台账只能追加，不能修改")
