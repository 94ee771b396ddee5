"""Benefits benchmarks on the database seeded by seed.py:

1. a department's monthly summary (民政, region / city / county) from the aggregates kept by the
   services: p50/p95 over many runs and months;
2. one county's monthly ledger exported as .xlsx, streamed from the database in chunks: rows/s
   and peak memory (in a child process: RSS after setup, and the peak during the export, for
   two sizes of export to show that memory does not grow with the rows);
3. the eligibility run: the living subsidy's rule as SQL on the database for one community,
   and on DuckDB over a synthetic region-scale population (``--persons``, default 7.2 M).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lianxin_benefits_bench \\
        .venv/bin/python benchmarks/benefits/bench.py [--runs 60] [--persons 7200000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

from benchmarks._common import fake_user, fmt  # noqa: E402

COUNTY = "640104"


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export_child(month: str, limit: int, fmt: str = "xlsx") -> None:
    """Run in a child process: export one county's month (at most ``limit`` rows)."""
    import django

    django.setup()
    from lianxin.benefits import exports
    from lianxin.benefits.models import LedgerEntry

    base = rss_mb()
    month_day = dt.date.fromisoformat(month)
    qs = LedgerEntry.objects.filter(
        department_type="civil_affairs", month=month_day, area_code__startswith=COUNTY
    )
    if limit:
        ids = list(qs.order_by("id").values_list("id", flat=True)[limit - 1 : limit])
        qs = qs.filter(id__lte=ids[0]) if ids else qs
    started = time.perf_counter()
    user = fake_user("county_staff", COUNTY)
    if fmt == "csv":
        handle, count = exports.ledger_csv(user=user, entries=qs)
    else:
        handle, count = exports.ledger_xlsx(user=user, entries=qs, title="兴庆区资金台账")
    size = len(handle.read())
    seconds = time.perf_counter() - started
    print(f"{count} {seconds:.2f} {base:.0f} {rss_mb():.0f} {size}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--persons", type=int, default=7_200_000)
    parser.add_argument("--export-child", nargs="+", help="MONTH LIMIT [xlsx|csv]")
    args = parser.parse_args()
    if args.export_child:
        export_child(args.export_child[0], int(args.export_child[1]), *args.export_child[2:3])
        return

    import django

    django.setup()
    from django.db import connection

    from lianxin.benefits import selectors
    from lianxin.benefits.models import Entitlement, LedgerEntry, MonthlyAggregate, Policy

    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM benefits_ledgerentry")
        ledger_rows = cur.fetchone()[0]
    print(
        f"data: {Entitlement.objects.count()} entitlements, {ledger_rows} ledger rows, {MonthlyAggregate.objects.count()} aggregate rows"
    )
    months = sorted(set(MonthlyAggregate.objects.values_list("month", flat=True)))
    rng = random.Random(1)

    # 1. department monthly summary from the aggregates
    for area in ("64", "6401", COUNTY):
        times = []
        selectors.monthly_summary(department_type="civil_affairs", area_code=area, month=months[0])
        for _ in range(args.runs):
            month = rng.choice(months)
            t = time.perf_counter()
            rows = selectors.monthly_summary(
                department_type="civil_affairs", area_code=area, month=month
            )
            times.append((time.perf_counter() - t) * 1000)
        print(f"monthly summary 民政 area={area}: {fmt(times)} ({len(rows)} rows)")
    t = time.perf_counter()
    LedgerEntry.objects.filter(
        department_type="civil_affairs", month=months[-1], area_code__startswith=COUNTY
    ).count()
    print(
        f"for comparison, counting the county's month in the ledger itself: {(time.perf_counter() - t) * 1000:.1f} ms"
    )

    # 2. a county's monthly ledger export, in a child process (peak memory is per process)
    month = months[-1].isoformat()
    for limit, kind in ((10_000, "xlsx"), (0, "xlsx"), (0, "csv")):
        out = subprocess.run(
            [sys.executable, __file__, "--export-child", month, str(limit), kind],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        count, seconds, base, peak, size = (
            int(out[0]),
            float(out[1]),
            float(out[2]),
            float(out[3]),
            int(out[4]),
        )
        print(
            f"export {count} rows as {kind}: {seconds:.1f} s, {count / seconds:,.0f} rows/s, file {size / 1e6:.1f} MB, "
            f"RSS after setup {base:.0f} MB, peak {peak:.0f} MB (+{peak - base:.0f} MB)"
        )

    # 3. eligibility: the database for one community; DuckDB at region scale
    policy = Policy.objects.get(code="disability-living")
    village = Entitlement.objects.values_list("area_code", flat=True).first()
    for where, area, limit in (
        ("one community", village, 100_000),
        ("the county", COUNTY, 1_000_000),
    ):
        t = time.perf_counter()
        run = selectors.eligibility_run(
            policy=policy, area_code=area, as_of=dt.date(2026, 11, 20), limit=limit
        )
        took = time.perf_counter() - t
        print(
            f"eligibility on the database, {where} ({area}): "
            + (f"{took * 1000:.0f} ms, " if area == village else f"{took:.1f} s, ")
            + f"{len(run['missing'])} missing, {len(run['stale'])} stale"
        )
    duck_region(policy, args.persons)


def duck_region(policy, persons: int) -> None:  # type: ignore[no-untyped-def]
    """Synthetic region: ``persons`` residents in ~3 per household, 6% disabled, 4% of
    households on 低保, 3% with a vulnerability tag; 70% of the entitled already receive."""
    import duckdb

    from lianxin.benefits import eligibility

    con = duckdb.connect()
    con.execute("SET threads = 2")
    t = time.perf_counter()
    con.execute(f"""
        CREATE TABLE persons AS SELECT i AS id, i // 3 AS household_id,
            '6401' || lpad(CAST(i % 259 AS VARCHAR), 8, '0') AS area_code,
            DATE '1940-01-01' + CAST(hash(i) % 30000 AS INTEGER) AS birth_date,
            CASE WHEN hash(i * 7) % 100 = 0 THEN 'deceased' ELSE 'alive' END AS status, false AS merged
        FROM range({persons}) t(i);
        CREATE TABLE disabilities AS SELECT id AS person_id, '肢体' AS disability_type, CAST(1 + hash(id * 3) % 4 AS INTEGER) AS grade,
            true AS is_active FROM persons WHERE hash(id * 11) % 100 < 6;
        CREATE TABLE assistance AS SELECT DISTINCT household_id, '低保' AS assistance_type, DATE '2024-01-01' AS started_on,
            CAST(NULL AS DATE) AS ended_on FROM persons WHERE hash(household_id * 13) % 100 < 4;
        CREATE TABLE tags AS SELECT id AS person_id, '残疾' AS tag, DATE '2024-01-01' AS valid_from, CAST(NULL AS DATE) AS valid_to
            FROM persons WHERE hash(id * 17) % 100 < 3;
        CREATE TABLE incomes(household_id BIGINT, income_fen BIGINT, person_count INTEGER);
        CREATE TABLE entitlements AS SELECT row_number() OVER () AS id, {policy.pk} AS policy_id, d.person_id,
            p.household_id, 'active' AS status
            FROM disabilities d JOIN persons p ON p.id = d.person_id WHERE hash(d.person_id * 19) % 100 < 70;
    """)
    build = time.perf_counter() - t
    t = time.perf_counter()
    result = eligibility.duckdb_run(
        con, policy.rule, dt.date(2026, 11, 20), policy_id=policy.pk, area_code="64"
    )
    print(
        f"eligibility on DuckDB, {persons:,} persons (synthetic tables built in {build:.1f} s): "
        f"{time.perf_counter() - t:.1f} s, {len(result['missing']):,} missing, {len(result['stale']):,} stale"
    )


if __name__ == "__main__":
    main()
