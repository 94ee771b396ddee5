"""Reads for roster comparison: imports, runs, alerts, the review queue, and the residents of an
area as the pipeline's reference roster."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from lianxin.core.models import ColumnName
from lianxin.core.querysets import filter_given
from lianxin.core.scoping import get_for_user_or_404

from .models import Alert, ReviewItem, RosterImport, RuleSetting, Run


def roster_import_list(*, user: Any) -> QuerySet[RosterImport]:
    return (
        RosterImport.objects.for_user(user)
        .select_related("area", "department")
        .order_by("-created_at")
    )


def roster_import_get_for_user(*, user: Any, pk: int) -> RosterImport:
    return get_for_user_or_404(RosterImport.objects.select_related("area"), user, pk=pk)


def latest_rosters_for(area_code: str) -> list[RosterImport]:
    """The newest ready roster of each kind that applies to an area: its own, or the nearest
    ancestor's (a city-wide roster serves every county of the city)."""
    from lianxin.core.scoping import ancestors_of

    codes = [*ancestors_of(area_code), area_code]
    chosen: dict[str, RosterImport] = {}
    candidates = RosterImport.objects.filter(
        status=RosterImport.Status.READY, area_code__in=codes
    ).order_by("-created_at")
    for item in candidates:
        current = chosen.get(item.kind)
        if current is None or len(item.area_code) > len(current.area_code):
            chosen[item.kind] = item
    return list(chosen.values())


def run_list(*, user: Any) -> QuerySet[Run]:
    return Run.objects.for_user(user).select_related("area").order_by("-created_at")


def run_get_for_user(*, user: Any, pk: int) -> Run:
    return get_for_user_or_404(Run.objects.select_related("area"), user, pk=pk)


def run_alerts_by_rule_and_area(*, user: Any, run: Run) -> list[dict[str, Any]]:
    """Alerts of a run the user may see, counted by rule and township."""
    from django.db.models.functions import Substr

    rows = (
        Alert.objects.for_user(user)
        .filter(run=run)
        .annotate(township=Substr("area_code", 1, 9))
        .values("rule", "township")
        .annotate(n=Count("id"))
        .order_by("rule", "township")
    )
    return [dict(r) for r in rows]  # the page adds the township's and the rule's names


def alert_list(
    *, user: Any, status: str = "", rule: str = "", run_id: int | None = None
) -> QuerySet[Alert]:
    qs = Alert.objects.for_user(user).select_related("person", "grid", "run")
    qs = filter_given(qs, status=status, rule=rule, run_id=run_id)
    return qs.order_by("status", "-id")


def alert_get_for_user(*, user: Any, pk: int) -> Alert:
    return get_for_user_or_404(Alert.objects.select_related("person", "grid", "run"), user, pk=pk)


def review_list(*, user: Any, status: str = "open") -> QuerySet[ReviewItem]:
    qs = ReviewItem.objects.for_user(user).select_related("run")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("id")


def review_get_for_user(*, user: Any, pk: int) -> ReviewItem:
    return get_for_user_or_404(ReviewItem.objects.select_related("run"), user, pk=pk)


def rule_setting() -> RuleSetting:
    setting = RuleSetting.objects.order_by("pk").first()
    return setting or RuleSetting()


def column_name_changes() -> QuerySet[ColumnName]:
    """The administrators' changes to the dictionary of column names, newest first."""
    return ColumnName.objects.select_related("created_by").order_by("-revision")
