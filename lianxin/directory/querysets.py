from __future__ import annotations

from django.db.models import Q

from lianxin.core.scoping import NOTHING, Scope, ScopedQuerySet, ancestors_of, prefix_q


class OrganisationQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        """Organisations of the user's subtrees and of the levels above them (a community
        worker sees her county's bureaus, not another community's committee), plus her own."""
        codes = scope.all_area_codes()
        if not codes:
            return NOTHING
        ancestors = {a for c in codes for a in ancestors_of(c)}
        return (
            prefix_q("area_code", codes)
            | Q(area_code__in=ancestors)
            | Q(pk__in=scope.organisation_ids())
        )

    def active(self) -> OrganisationQuerySet:
        return self.filter(is_active=True)

    def handling_units(self) -> OrganisationQuerySet:
        return self.filter(is_handling_unit=True, is_active=True)
