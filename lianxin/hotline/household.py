"""The hotline section of the household page: work orders about the household or its current
members, as far as the user may see them."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from lianxin.core.householdsections import Row, Section
from lianxin.core.roles import AREA_STAFF_ROLES, Role
from lianxin.core.scoping import scope_of
from lianxin.registry.selectors import household_members

from .models import OPEN_STATES, WorkOrder

ROLES = (*AREA_STAFF_ROLES, Role.LEADER, Role.HOTLINE_AGENT, Role.UNIT_STAFF)


def hotline_section(user: Any, household: Any) -> Section | None:
    if not scope_of(user).has_role(*ROLES):
        return None
    person_ids = list(household_members(household).values_list("person_id", flat=True))
    orders = (
        WorkOrder.objects.for_user(user)
        .filter(Q(household=household) | Q(person_id__in=person_ids))
        .order_by("-received_at")[:20]
    )
    return Section(
        title="12345工单",
        rows=[
            Row(
                label=f"{o.tracking_code} · {o.text[:40]}",
                url=reverse("hotline:order_detail", args=[o.pk]),
                detail=f"受理于 {timezone.localtime(o.received_at):%Y-%m-%d}",
                badge=o.get_status_display(),
                badge_class="yellow" if o.status in OPEN_STATES else "green",
            )
            for o in orders
        ],
        empty="暂无该户成员的12345工单",
        key="hotline-orders",
        order=40,
    )
