"""Row scoping of the love alliance.

- Area staff (community → region) and leaders see rows of their division subtree; the
  alliance's own rows (partners, offers, pledges) sit at a county or township, so staff below
  also see those of the areas above them (a community worker sees her county's alliance).
- Partner staff (Role.PARTNER with an organisation) see only their own organisation's rows,
  never a household: cards are reached only through the redemption lookup, which shows a
  masked name.
- Grid workers see the cards and redemptions of their grids' households.
- A medicine box's custodian sees his boxes, whatever his role."""

from __future__ import annotations

from django.db.models import Q

from lianxin.core.roles import AREA_STAFF_ROLES, Role
from lianxin.core.scoping import NOTHING, Scope, ScopedQuerySet, ancestors_of, prefix_q

STAFF = AREA_STAFF_ROLES | {Role.LEADER}
# Who sees the alliance of an area (partners, their offers and service points).
ALLIANCE_VIEWERS = STAFF | {Role.GRID_WORKER, Role.VOLUNTEER}


def _partner_orgs(scope: Scope) -> frozenset[int]:
    return scope.organisation_ids([Role.PARTNER])


def alliance_q(scope: Scope, *, area_field: str = "area_code", org_field: str) -> Q:
    codes = scope.area_prefixes(ALLIANCE_VIEWERS)
    q = NOTHING
    if codes:
        ancestors = {a for c in codes for a in ancestors_of(c)}
        q = prefix_q(area_field, codes) | Q(**{f"{area_field}__in": sorted(ancestors)})
    orgs = _partner_orgs(scope)
    if orgs:
        q |= Q(**{f"{org_field}__in": sorted(orgs)})
    return q


class PartnerQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        return alliance_q(scope, org_field="organisation_id")

    def approved(self) -> PartnerQuerySet:
        return self.filter(status="approved")


class PartnerOwnedQuerySet(ScopedQuerySet):
    """Offers, pledges, points redemptions: by the partner's area, or the partner's own staff."""

    def scope_q(self, scope: Scope) -> Q:
        if self.model._meta.model_name == "pointsredemption":
            q = prefix_q("area_code", scope.area_prefixes(STAFF))
            orgs = _partner_orgs(scope)
            return q | Q(partner__organisation_id__in=sorted(orgs)) if orgs else q
        return alliance_q(scope, org_field="partner__organisation_id")


class LocationQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        return alliance_q(scope, org_field="partner__organisation_id")

    def active(self) -> LocationQuerySet:
        return self.filter(is_active=True)


def _household_q(scope: Scope) -> Q:
    """Rows about a household: staff of the subtree, the grid workers of its grid."""
    q = prefix_q("area_code", scope.area_prefixes(STAFF))
    grids = scope.grid_ids()
    if grids:
        q |= Q(household__grid_id__in=sorted(grids))
    return q


class CardQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        return _household_q(scope)

    def live(self) -> CardQuerySet:
        return self.filter(status__in=["active", "suspended"])


class RedemptionQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        q = _household_q(scope)
        orgs = _partner_orgs(scope)
        if orgs:
            q |= Q(partner__organisation_id__in=sorted(orgs))
        return q


class StockQuerySet(ScopedQuerySet):
    """Stock lots and dispatches: area staff of the store's area (and the area above it);
    a donor sees its own lots, never a dispatch (which names a household)."""

    def scope_q(self, scope: Scope) -> Q:
        codes = scope.area_prefixes(STAFF)
        q = prefix_q("area_code", codes)
        orgs = _partner_orgs(scope)
        if orgs and self.model._meta.model_name == "stocklot":
            q |= Q(partner__organisation_id__in=sorted(orgs))
        return q


class MedicineBoxQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        q = prefix_q("area_code", scope.area_prefixes(STAFF))
        field = (
            "custodian_id" if self.model._meta.model_name == "medicinebox" else "box__custodian_id"
        )
        if scope.user_id is not None:
            q |= Q(**{field: scope.user_id})
        return q
