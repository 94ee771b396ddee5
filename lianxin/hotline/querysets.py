"""Which work orders a user sees: an agent her hotline's area, a handling unit the orders sent to
it, area staff and leaders their area; grid workers, partners and volunteers none."""

from __future__ import annotations

import datetime as dt
from functools import reduce
from operator import or_

from django.apps import apps
from django.db.models import Q
from django.utils import timezone

from lianxin.core.roles import AREA_STAFF_ROLES, Role
from lianxin.core.scoping import NOTHING, Scope, ScopedQuerySet, prefix_q

NEAR_DUE_HOURS = 24


class WorkOrderQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> Q:
        parts: list[Q] = []
        agent_areas = scope.area_prefixes([Role.HOTLINE_AGENT])
        if agent_areas:
            parts.append(prefix_q("area_code", agent_areas))
            hotlines = scope.organisation_ids([Role.HOTLINE_AGENT])
            if hotlines:
                parts.append(Q(hotline_id__in=sorted(hotlines)))
        units = scope.organisation_ids([Role.UNIT_STAFF])
        if units:
            parts.append(_unit_q(sorted(units)))
        staff_areas = scope.area_prefixes([*AREA_STAFF_ROLES, Role.LEADER])
        if staff_areas:
            parts.append(prefix_q("area_code", staff_areas))
        return reduce(or_, parts) if parts else NOTHING

    def open(self) -> WorkOrderQuerySet:
        from .models import OPEN_STATES

        return self.filter(status__in=sorted(OPEN_STATES))

    def overdue(self, now: dt.datetime | None = None) -> WorkOrderQuerySet:
        """Open orders past their current deadline (dispatch or reply)."""
        return self.open().filter(due_at__lt=now or timezone.now())

    def near_due(self, now: dt.datetime | None = None) -> WorkOrderQuerySet:
        """Open orders whose deadline falls within the next 24 hours."""
        now = now or timezone.now()
        return self.open().filter(
            due_at__gte=now, due_at__lt=now + dt.timedelta(hours=NEAR_DUE_HOURS)
        )

    def for_unit(self, organisation_ids: list[int]) -> WorkOrderQuerySet:
        """Orders sent to these units (lead or supporting, still active)."""
        return self.filter(_unit_q(organisation_ids))


def _unit_q(organisation_ids: list[int]) -> Q:
    """The unit leads the order (``lead_unit``, indexed with status and deadline), or supports
    it (active supporting assignments: a short list per unit, so they are inlined and the
    planner can OR two index scans instead of scanning the table)."""
    assignment = apps.get_model("hotline", "WorkOrderAssignment")
    supporting = list(
        assignment.objects.filter(
            role="support", is_active=True, organisation_id__in=organisation_ids
        ).values_list("order_id", flat=True)[:5000]
    )
    q = Q(lead_unit_id__in=organisation_ids)
    return q | Q(pk__in=supporting) if supporting else q
