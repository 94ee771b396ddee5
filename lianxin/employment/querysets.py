"""Who sees which employment rows.

- Job seekers and what hangs off them (assessments, follow-ups): area staff of the seeker's
  division subtree. Employers' staff never see a seeker row: they see the candidates proposed to
  their posts through ``selectors.candidate_card`` (only what the seeker agreed to share).
- Employers, their visits, plans, workshops and posts, seasons and returns: area staff of the
  same city (a community worker matches her residents with the city's posts), and an employer's
  own staff for their organisation.
- Matches and placements: area staff of the seeker's or of the employer's subtree; an
  employer's staff for their own posts."""

from __future__ import annotations

from django.db.models import Q

from lianxin.core.roles import AREA_STAFF_ROLES, Role
from lianxin.core.scoping import NOTHING, Scope, ScopedQuerySet, prefix_q


def city_prefixes(scope: Scope) -> tuple[str, ...]:
    """The cities (4-digit codes; the region's "64" stays whole) of the user's area grants."""
    return tuple(sorted({c[:4] for c in scope.area_prefixes(AREA_STAFF_ROLES)}))


def employer_org_ids(scope: Scope) -> frozenset[int]:
    return scope.organisation_ids([Role.EMPLOYER])


def _employer_q(scope: Scope, org_field: str) -> Q:
    orgs = employer_org_ids(scope)
    return Q(**{f"{org_field}__in": orgs}) if orgs else NOTHING


class SeasonQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        return prefix_q("area_code", city_prefixes(scope))


class EmployerRelatedQuerySet(ScopedQuerySet):
    """Employers and rows hanging off an employer (visits, plans, workshops)."""

    def scope_q(self, scope: Scope) -> Q:
        org_field = (
            "organisation_id"
            if self.model._meta.model_name == "employer"
            else "employer__organisation_id"
        )
        return prefix_q("area_code", city_prefixes(scope)) | _employer_q(scope, org_field)


class PostQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        return prefix_q("area_code", city_prefixes(scope)) | _employer_q(
            scope, "employer__organisation_id"
        )

    def open(self) -> PostQuerySet:
        return self.filter(status="open")


class SeekerQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        return prefix_q("area_code", scope.area_prefixes(AREA_STAFF_ROLES))


class SeekerRelatedQuerySet(SeekerQuerySet):
    """Assessments and follow-ups: the seeker's area."""


def _seeker_or_employer_q(scope: Scope, via: str, employer: str) -> Q:
    """Rows between a seeker and an employer: area staff of either side (``via`` leads to the
    employer's side), the employer's own staff (``employer`` leads to the employer)."""
    prefixes = scope.area_prefixes(AREA_STAFF_ROLES)
    return (
        prefix_q("area_code", prefixes)
        | prefix_q(f"{via}area_code", prefixes)
        | _employer_q(scope, f"{employer}organisation_id")
    )


class MatchQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        return _seeker_or_employer_q(scope, "post__", "post__employer__")


class PlacementQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        return _seeker_or_employer_q(scope, "employer__", "employer__")
