"""Scoping of offline submissions: the worker who sent them, and the staff of their area."""

from __future__ import annotations

from django.db.models import Q

from lianxin.core.roles import Role
from lianxin.core.scoping import Scope, ScopedQuerySet, prefix_q

AREA_ROLES = (Role.COMMUNITY_STAFF, Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF)


class SubmissionQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        return Q(user_id=scope.user_id) | prefix_q("area_code", scope.area_prefixes(AREA_ROLES))
