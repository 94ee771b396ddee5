"""The leaders' view (issue #20): one dashboard per area, assembled from the indicators each app
registers (core.indicators). The area must lie inside one of the user's assignments (404
otherwise, whether it exists or not). Figures are read from the kept aggregate
(``IndicatorCount``, aggregates.py: one row per indicator and area, refreshed every 10 minutes
and on demand), never counted per request; each shows when it was computed. The list behind a
figure is live. Monthly figures are frozen in ``IndicatorSnapshot`` from the same GROUP BY so
that last month's report reads the same next year."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from lianxin.areas.models import Division
from lianxin.core import indicators as registry
from lianxin.core.indicators import SECTIONS, Indicator
from lianxin.core.roles import ADMIN_ROLES, AREA_STAFF_ROLES, Role
from lianxin.core.scoping import scope_of

from . import aggregates
from .models import IndicatorCount, IndicatorSnapshot

SMALL = 5
CHILD_CUT = {2: 4, 4: 6, 6: 9, 9: 12}


@dataclass
class Figure:
    indicator: Indicator
    count: int | None = None
    value: float | int | None = None
    computed_at: dt.datetime = field(default_factory=timezone.now)
    suppressed: bool = False

    @property
    def display(self) -> str:
        if self.suppressed:
            return "<5"
        if self.indicator.has_list:
            return f"{self.count:,}"
        if self.value is None:
            return "—"
        return f"{self.value:,}" if isinstance(self.value, int) else f"{self.value:.1f}"


def dashboard_areas(user: Any) -> list[str]:
    """The division codes whose dashboards the user may open (the roots of the assignments)."""
    scope = scope_of(user)
    codes = sorted({g.area_code for g in scope.grants if g.role not in ADMIN_ROLES})
    return [c for c in codes if not any(c != o and c.startswith(o) for o in codes)]


def area_for(user: Any, code: str | None) -> Division:
    roots = dashboard_areas(user)
    if not roots:
        raise Http404("未找到或无权访问")
    code = code or roots[0]
    if not any(code.startswith(root) for root in roots):
        raise Http404("未找到或无权访问")
    try:
        return Division.objects.get(code=code)
    except Division.DoesNotExist as exc:
        raise Http404("未找到或无权访问") from exc


def sees_rows(user: Any, area: str) -> bool:
    """Staff whose assignment covers the area see the rows behind a figure; others (leaders)
    see aggregates only, with small counts of people suppressed."""
    return any(
        g.role in AREA_STAFF_ROLES and area.startswith(g.area_code) for g in scope_of(user).grants
    )


def suppress(user: Any, indicator: Indicator, area: str, count: int) -> bool:
    return indicator.counts_people and 0 < count < SMALL and not sees_rows(user, area)


def figure(
    user: Any,
    indicator: Indicator,
    area: str,
    row: IndicatorCount | None = None,
    refreshed: dt.datetime | None = None,
) -> Figure:
    """The indicator's figure for the area, from the kept aggregate (a missing row: none of the
    indicator's rows lie in the area as of the last refresh, ``refreshed``)."""
    if row is None:
        row = IndicatorCount.objects.filter(key=indicator.key, area_code=area).first()
    if row is not None:
        computed_at = row.computed_at
    else:
        computed_at = refreshed or aggregates.last_refreshed() or timezone.now()
    if indicator.rows is not None:
        count = int(row.value or 0) if row is not None else 0
        return Figure(
            indicator,
            count=count,
            computed_at=computed_at,
            suppressed=suppress(user, indicator, area, count),
        )
    value = row.value if row is not None else None
    if value is not None and float(value).is_integer():
        value = int(value)
    return Figure(indicator, value=value, computed_at=computed_at)


def dashboard(*, user: Any, area: Division) -> dict[str, Any]:
    aggregates.ensure_fresh()
    rows = aggregates.figures(area.code)
    refreshed = max((r.computed_at for r in rows.values()), default=None)
    sections: dict[str, list[Figure]] = {}
    for indicator in registry.all_indicators():
        fig = figure(user, indicator, area.code, rows.get(indicator.key), refreshed)
        sections.setdefault(indicator.section, []).append(fig)
    return {
        "area": area,
        "ancestors": list(Division.objects.filter(code__in=_ancestors(area.code)).order_by("code")),
        "children": list(Division.objects.filter(parent=area).order_by("code")),
        "sections": [
            {"key": key, "title": SECTIONS.get(key, (key, 0))[0], "figures": figs}
            for key, figs in sections.items()
        ],
        "sees_rows": sees_rows(user, area.code),
        "computed_at": min((r.computed_at for r in rows.values()), default=timezone.now()),
    }


def _ancestors(code: str) -> list[str]:
    return [code[:n] for n in (2, 4, 6, 9) if n < len(code)]


def indicator_or_404(key: str) -> Indicator:
    indicator = registry.get(key)
    if indicator is None or indicator.rows is None:
        raise Http404("未找到该指标")
    return indicator


def indicator_rows(*, user: Any, indicator: Indicator, area: Division) -> QuerySet[Any]:
    """The rows behind a figure, scoped to the user (the list a figure links to)."""
    assert indicator.rows is not None  # noqa: S101
    return indicator.rows(area.code).for_user(user)  # type: ignore[attr-defined,no-any-return]


def breakdown(*, user: Any, indicator: Indicator, area: Division) -> list[dict[str, Any]]:
    """Counts by the next level of divisions (the list aggregate-only roles see), from the kept
    aggregate; rows recorded at the area itself (not in a child) form a row of their own, so the
    counts add up to the figure; small counts of people are shown as <5."""
    assert indicator.rows is not None  # noqa: S101
    aggregates.ensure_fresh()
    cut = CHILD_CUT.get(len(area.code), len(area.code))
    counts = [
        (r.area_code, int(r.value or 0))
        for r in aggregates.children(indicator.key, area.code, cut)
        if r.value
    ]
    total = figure(user, indicator, area.code).count or 0
    if cut != len(area.code) and total > sum(n for _, n in counts):
        counts.insert(0, (area.code, total - sum(n for _, n in counts)))
    names = dict(
        Division.objects.filter(code__in=[c for c, _ in counts]).values_list("code", "name")
    )
    hide = indicator.counts_people and not sees_rows(user, area.code)
    return [
        {
            "code": code,
            "name": (names.get(code, "其他") + ("（本级）" if code == area.code else "")),
            "count": n,
            "display": "<5" if hide and 0 < n < SMALL else f"{n:,}",
        }
        for code, n in counts
    ]


def map_values(*, user: Any, indicator: Indicator, area: Division) -> list[dict[str, Any]]:
    """The choropleth's values: the indicator for each county below ``area`` (region or city)."""
    counties = Division.objects.filter(code__startswith=area.code, level="county").order_by("code")
    if len(area.code) > 4:
        counties = counties.filter(code=area.code[:6])
    if indicator.rows is None:
        return []
    aggregates.ensure_fresh()
    rows = {r.area_code: r for r in aggregates.children(indicator.key, area.code[:6], 6)}
    out = []
    for c in counties:
        f = figure(user, indicator, c.code, rows.get(c.code))
        value = None if f.suppressed else f.count  # "<5" is never drawn on the map
        out.append({"code": c.code, "name": c.name, "value": value, "display": f.display})
    return out


SNAPSHOT_LEVELS = ("province", "city", "county", "township")


def snapshot_month(*, month: dt.date, area_codes: list[str] | None = None) -> int:
    """Freeze every indicator of each area (region, cities, counties and townships by default)
    for a month, from the same GROUP BY as the kept aggregate. Re-running a month replaces
    nothing: the first freeze stands (the report already left)."""
    first = month.replace(day=1)
    codes = area_codes or aggregates.division_codes(SNAPSHOT_LEVELS)
    done = set(
        IndicatorSnapshot.objects.filter(month=first, area_code__in=codes).values_list(
            "area_code", "key"
        )
    )
    keys = [i.key for i in registry.all_indicators()]
    missing = {key for code in codes for key in keys if (code, key) not in done}
    if not missing:
        return 0
    data = aggregates.collect(areas=codes, keys=missing)
    objs = [
        IndicatorSnapshot(
            month=first,
            area_code=code,
            key=key,
            value=value,
            computed_at=data.computed_at[key],
        )
        for key, by_area in data.values.items()
        for code in codes
        if (code, key) not in done and (value := by_area.get(code)) is not None
    ]
    IndicatorSnapshot.objects.bulk_create(objs, batch_size=2000, ignore_conflicts=True)
    return len(objs)


def trend(*, area: Division, key: str, months: int = 12) -> list[IndicatorSnapshot]:
    return list(
        IndicatorSnapshot.objects.filter(area_code=area.code, key=key).order_by("-month")[:months]
    )[::-1]


AGGREGATE_ONLY = frozenset({Role.LEADER})
