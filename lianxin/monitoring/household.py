"""The comparison section of the household page: alerts about the household's current members."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from lianxin.core.householdsections import Row, Section
from lianxin.registry.selectors import household_members

from .models import Alert
from .pipeline import RULES

RULE_TITLES = {r.code: r.title for r in RULES}
BADGE: dict[str, str] = {
    Alert.Status.OPEN: "yellow",
    Alert.Status.CONFIRMED: "red",
    Alert.Status.REJECTED: "",
}


def alert_section(user: Any, household: Any) -> Section | None:
    person_ids = list(household_members(household).values_list("person_id", flat=True))
    alerts = list(
        Alert.objects.for_user(user)
        .filter(person_id__in=person_ids)
        .select_related("person")
        .order_by("-created_at")[:20]
    )
    return Section(
        title="比对预警",
        rows=[
            Row(
                label=f"{a.person.name} · {RULE_TITLES.get(a.rule, '比对预警')}",
                url=reverse("monitoring:alert_detail", args=[a.pk]),
                detail=f"{timezone.localtime(a.created_at):%Y-%m-%d}",
                badge=a.get_status_display(),
                badge_class=BADGE.get(a.status, ""),
            )
            for a in alerts
        ],
        empty="暂无该户成员的比对预警",
        key="monitoring-alerts",
        order=50,
    )
