"""Dashboard benchmarks on PostgreSQL at the region's size (issue #20 targets), after seed.py:

1. ``lianxin analytics refresh`` — the kept aggregate, one GROUP BY per counted indicator plus
   each value indicator per active division (seconds per indicator);
2. the dashboard pages and API through Django's test client, p50/p95 over N requests each:
   the region (a region leader), a county (its leader), a township drill-down, the county's
   breakdown list (aggregate-only leader) — targets ≤ 300 ms p95;
3. the monthly snapshot of the whole region (region, cities, counties, townships) — ≤ 5 min.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lianxin_analytics_bench \\
        .venv/bin/python benchmarks/analytics/bench.py [--requests 50]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

from benchmarks._common import machine, row_counts  # noqa: E402
from benchmarks.analytics.seed import SEEDED_TABLES  # noqa: E402

COUNTY = "640104"  # 兴庆区
TOWNSHIP = "640104001"
SNAPSHOT_MONTH = dt.date(2000, 1, 1)  # a month no one reports: deleted before and after


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(client, url: str, n: int) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    client.get(url)  # warm
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        answer = client.get(url)
        samples.append((time.perf_counter() - t) * 1000)
        assert answer.status_code == 200, (url, answer.status_code)  # noqa: S101
    return statistics.median(samples), pct(samples, 0.95), max(samples)


def user(username: str, role: str, area: str):  # type: ignore[no-untyped-def]
    from lianxin.accounts.models import Assignment, User

    u, made = User.objects.get_or_create(username=username, defaults={"display_name": username})
    if made:
        Assignment.objects.create(user=u, role=role, area_id=area)
    return u


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--skip-refresh", action="store_true")
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from lianxin.analytics import aggregates
    from lianxin.analytics.dashboard import snapshot_month
    from lianxin.analytics.models import IndicatorCount, IndicatorSnapshot
    from lianxin.core.roles import Role

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    print(machine())
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
        counts = row_counts(cursor, SEEDED_TABLES)
    print(f"PostgreSQL {version}, database {size}")
    print("rows: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))

    if not args.skip_refresh or not IndicatorCount.objects.exists():
        t = time.perf_counter()
        data = aggregates.refresh()
        took = time.perf_counter() - t
        rows = IndicatorCount.objects.count()
        print(f"\nrefresh: {took:.1f} s, {len(data.values)} indicators, {rows:,} rows kept")
        for key, seconds in sorted(data.seconds.items(), key=lambda kv: -kv[1]):
            print(f"  {key:<28} {seconds:7.2f} s")

    region = user("bench_region_leader", Role.LEADER, "64")
    county = user("bench_county_leader", Role.LEADER, COUNTY)
    staff = user("bench_county_staff", Role.COUNTY_STAFF, COUNTY)
    cases = [
        ("region dashboard (region leader)", region, "/dashboard/64/"),
        ("region indicators API", region, "/api/v1/dashboard/?area=64"),
        ("region map, hotline orders", region, "/dashboard/64/?map=hotline.orders"),
        ("county dashboard (county leader)", county, f"/dashboard/{COUNTY}/"),
        ("county indicators API", county, f"/api/v1/dashboard/?area={COUNTY}"),
        ("drill-down: county from the region", region, f"/dashboard/{COUNTY}/"),
        ("drill-down: township", county, f"/dashboard/{TOWNSHIP}/"),
        ("county list: measures by township (leader)", county, f"/dashboard/{COUNTY}/list/care.measures/"),
        ("region list: orders by city (leader)", region, "/dashboard/64/list/hotline.orders/"),
        ("county list: measures, live rows (staff)", staff, f"/dashboard/{COUNTY}/list/care.measures/"),
    ]  # fmt: skip
    print(f"\nrequests through the test client, {args.requests} each (ms):")
    print(f"  {'':<46} {'p50':>7} {'p95':>7} {'max':>7}")
    for label, who, url in cases:
        client = Client()
        client.force_login(who)
        p50, p95, top = timed(client, url, args.requests)
        print(f"  {label:<46} {p50:7.1f} {p95:7.1f} {top:7.1f}")

    IndicatorSnapshot.objects.filter(month=SNAPSHOT_MONTH).delete()
    t = time.perf_counter()
    made = snapshot_month(month=SNAPSHOT_MONTH)
    print(f"\nmonthly snapshot, whole region: {made:,} figures in {time.perf_counter() - t:.1f} s")
    IndicatorSnapshot.objects.filter(month=SNAPSHOT_MONTH).delete()
    print(machine())


if __name__ == "__main__":
    main()
