"""The kept aggregate behind the dashboard (issue #20 targets): ``IndicatorCount``.

``collect()`` runs one GROUP BY area code per counted indicator over the queryset the app
registered (``Indicator.rows("")``, the whole region — the app's own selector, never its models)
and rolls the counts up to every prefix level (region 2, city 4, county 6, township 9, village
12), so that a figure of any area is one row and the figures of an area's children are a few
rows. A value indicator (a rate, a sum of money) cannot be added up across areas; its
``value(code)`` is evaluated once per division at refresh instead. ``refresh()`` replaces the
table in one transaction; ``snapshot_month`` (dashboard.py) freezes the same ``collect()``.

Freshness: the scheduler runs ``lianxin analytics refresh`` every 10 minutes
(settings.LIANXIN_SCHEDULE); a leader's 刷新 button queues ``refresh_task`` (rate-limited). Each
figure shows its ``computed_at``; the list behind it stays live."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from lianxin.areas.models import Division
from lianxin.core import indicators as registry
from lianxin.core.indicators import Indicator
from lianxin.hotline import selectors as hotline

from .models import IndicatorCount

LEVELS = (2, 4, 6, 9, 12)
Parts = dict[str, dict[str, int]]


def _year_start() -> dt.datetime:
    """As the hotline's ``hotline.orders`` indicator counts: orders received this year."""
    today = timezone.localdate()
    return dt.datetime.combine(
        dt.date(today.year, 1, 1), dt.time.min, timezone.get_current_timezone()
    )


def _rate(name: str) -> Callable[[dict[str, int]], float | None]:
    def combine(parts: dict[str, int]) -> float | None:
        value = getattr(hotline.Rates(label="", **parts), name)
        return None if value is None else float(value)

    return combine


# Value indicators whose parts add up across areas: one grouped query for the parts (an app's
# selector), rolled up like the counts, then combined per area. The others are evaluated per area.
SOURCES: dict[str, Callable[[], Parts]] = {
    "hotline.rates": lambda: hotline.rate_counts_by_area(since=_year_start()),
}
GROUPED: dict[str, tuple[str, Callable[[dict[str, int]], float | None]]] = {
    f"hotline.{name}": ("hotline.rates", _rate(name))
    for name in ("response_rate", "resolution_rate", "satisfaction_rate", "on_time_rate")
}


def prefixes(code: str) -> list[str]:
    """The area codes a row of ``code`` counts toward (itself and each ancestor)."""
    return [code[:n] for n in LEVELS if n <= len(code)] or [code]


@dataclass
class Collected:
    """Figures by indicator key and area code, each key with the time it was computed."""

    values: dict[str, dict[str, float | None]] = field(default_factory=dict)
    computed_at: dict[str, dt.datetime] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def grouped_counts(indicator: Indicator) -> dict[str, int]:
    """One GROUP BY area code over the indicator's rows in the whole region."""
    assert indicator.rows is not None  # noqa: S101
    rows = indicator.rows("").order_by().values("area_code").annotate(n=Count("pk"))
    return dict(rows.values_list("area_code", "n"))


def rolled_up(counts: dict[str, int], areas: Iterable[str]) -> dict[str, float | None]:
    out: dict[str, float | None] = dict.fromkeys(areas, 0)
    for code, n in counts.items():
        for p in prefixes(code):
            out[p] = (out.get(p) or 0) + n
    return out


def rolled_up_parts(parts: Parts, areas: Iterable[str]) -> Parts:
    wanted = set(areas)
    out: Parts = {}
    for code, fields in parts.items():
        for p in prefixes(code):
            if p in wanted:
                into = out.setdefault(p, dict.fromkeys(fields, 0))
                for name, n in fields.items():
                    into[name] += n or 0
    return out


def division_codes(levels: Iterable[str] | None = None) -> list[str]:
    qs = Division.objects.all()
    if levels is not None:
        qs = qs.filter(level__in=list(levels))
    return list(qs.order_by("code").values_list("code", flat=True))


def collect(*, areas: list[str] | None = None, keys: Iterable[str] | None = None) -> Collected:
    """Every indicator's figure for ``areas`` (default: every division). Counted indicators are
    grouped once and rolled up (their result also holds any other code their rows carry);
    value indicators are evaluated for each of ``areas`` where some counted indicator has rows
    (elsewhere the value is absent and the figure shows "—")."""
    areas = division_codes() if areas is None else areas
    chosen = [
        i
        for i in registry.all_indicators()
        if (keys is None or i.key in set(keys)) and (i.rows is not None or i.value is not None)
    ]
    out = Collected()
    active: set[str] = set()
    complete = {i.key for i in registry.all_indicators() if i.rows is not None} <= {
        i.key for i in chosen
    }
    parts: dict[str, Parts] = {}
    for indicator in sorted(chosen, key=lambda i: i.rows is None):
        started = time.perf_counter()
        now = timezone.now()
        if indicator.rows is not None:
            counts = rolled_up(grouped_counts(indicator), areas)
            active.update(code for code, n in counts.items() if n)
            out.values[indicator.key] = counts
        else:
            assert indicator.value is not None  # noqa: S101
            values: dict[str, float | None] = {}
            if indicator.key in GROUPED:
                source, combine = GROUPED[indicator.key]
                if source not in parts:
                    parts[source] = rolled_up_parts(SOURCES[source](), areas)
                for code, fields in parts[source].items():
                    values[code] = combine(fields)
            else:
                if not complete:  # a partial collect: find the areas with rows once
                    active, complete = _active_areas(), True
                for code in areas:
                    if code in active:
                        raw = indicator.value(code)
                        values[code] = None if raw is None else float(raw)
            out.values[indicator.key] = values
        out.computed_at[indicator.key] = now
        out.seconds[indicator.key] = time.perf_counter() - started
    return out


def _active_areas() -> set[str]:
    return {
        code
        for i in registry.all_indicators()
        if i.rows is not None
        for code, n in rolled_up(grouped_counts(i), []).items()
        if n
    }


_REFRESH_LOCK = 7_345_020  # PostgreSQL advisory lock: one replacement of the table at a time


def _serialised() -> None:
    """Two refreshes at once would each delete and insert the same keys (the second fails on
    the unique index): they queue. SQLite's writers queue already (IMMEDIATE transactions)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_REFRESH_LOCK])


def _replace() -> Collected:
    data = collect()
    objs = [
        IndicatorCount(
            key=key,
            area_code=code,
            depth=len(code),
            value=value,
            computed_at=data.computed_at[key],
        )
        for key, by_area in data.values.items()
        for code, value in by_area.items()
    ]
    IndicatorCount.objects.all().delete()
    IndicatorCount.objects.bulk_create(objs, batch_size=2000)
    return data


def refresh() -> Collected:
    """Recompute the kept aggregate and replace it in one transaction (readers see the old
    figures until the new ones commit; a second refresh waits for the first)."""
    with transaction.atomic():
        _serialised()
        return _replace()


def last_refreshed() -> dt.datetime | None:
    row = IndicatorCount.objects.order_by("-computed_at").values_list("computed_at", flat=True)
    return row.first()


def ensure_fresh() -> None:
    """A table never filled (a fresh installation) is filled once, synchronously: the leaders
    who open the dashboard at the same moment wait for one filling, not one each."""
    if IndicatorCount.objects.exists():
        return
    with transaction.atomic():
        _serialised()
        if not IndicatorCount.objects.exists():
            _replace()


def figures(area: str) -> dict[str, IndicatorCount]:
    return {r.key: r for r in IndicatorCount.objects.filter(area_code=area)}


def children(key: str, area: str, depth: int) -> list[IndicatorCount]:
    return list(
        IndicatorCount.objects.filter(key=key, depth=depth, area_code__startswith=area).order_by(
            "area_code"
        )
    )
