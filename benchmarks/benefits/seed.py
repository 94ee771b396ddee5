"""Seed a benefits benchmark database (PostgreSQL): N households and persons (one disabled
person per household, every household on 低保) in the villages of one county (兴庆区), one
living-subsidy entitlement each, and M months of payments booked per funding source (two
sources: 70% / 30%), i.e. N × M × 2 ledger rows, plus the monthly aggregates the services keep
(built here set-based with the same grouping as ``services._book``). Seeded, repeatable.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lianxin_benefits_bench \\
        .venv/bin/python benchmarks/benefits/seed.py --households 50000 --months 12
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

from benchmarks._common import django_setup, int_options  # noqa: E402

COUNTY = "640104"
FIRST_MONTH = dt.date(2025, 12, 1)


def main() -> None:
    args = int_options(households=50_000, months=12, seed=20261201)
    django_setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from lianxin.areas.models import Division
    from lianxin.benefits import demo
    from lianxin.benefits.models import Entitlement
    from lianxin.registry.models import AssistanceStatus, Disability, Household, Membership, Person

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if not Division.objects.filter(code="64").exists():
        from lianxin.areas.services import divisions_load

        divisions_load()
    policies = demo.load_policies()
    living = policies["living"]
    if Entitlement.objects.filter(policy=living).exists():
        print("already seeded")
        return
    rng = random.Random(args.seed)
    villages = list(
        Division.objects.filter(code__startswith=COUNTY, level="village").values_list(
            "code", flat=True
        )
    )
    chunk = 5000
    with transaction.atomic():
        for start in range(0, args.households, chunk):
            n = min(chunk, args.households - start)
            places = [rng.choice(villages) for _ in range(n)]
            households = Household.objects.bulk_create(
                [
                    Household(number=f"BENCH-{start + i:07d}", division_id=v, area_code=v)
                    for i, v in enumerate(places)
                ]
            )
            persons = Person.objects.bulk_create(
                [
                    Person(
                        name=f"受助人{start + i}",
                        division_id=v,
                        area_code=v,
                        birth_date=dt.date(1950 + rng.randrange(60), 1 + rng.randrange(12), 1),
                    )
                    for i, v in enumerate(places)
                ]
            )
            Membership.objects.bulk_create(
                [
                    Membership(
                        household=h,
                        person=p,
                        relationship="户主",
                        started_on=dt.date(2020, 1, 1),
                        area_code=h.area_code,
                    )
                    for h, p in zip(households, persons, strict=True)
                ]
            )
            Disability.objects.bulk_create(
                [
                    Disability(
                        person=p,
                        disability_type="肢体",
                        grade=1 + rng.randrange(4),
                        area_code=p.area_code,
                    )
                    for p in persons
                ]
            )
            AssistanceStatus.objects.bulk_create(
                [
                    AssistanceStatus(
                        household=h,
                        assistance_type="低保",
                        started_on=dt.date(2024, 1, 1),
                        area_code=h.area_code,
                    )
                    for h in households
                ]
            )
            Entitlement.objects.bulk_create(
                [
                    Entitlement(
                        policy=living,
                        household=h,
                        person=p,
                        beneficiary_key=f"p{p.pk}",
                        amount_fen=12000,
                        frequency="monthly",
                        standard_key="1",
                        start_on=dt.date(2024, 1, 1),
                        reverify_due_on=dt.date(2026, 12, 1),
                        area_code=h.area_code,
                    )
                    for h, p in zip(households, persons, strict=True)
                ]
            )
    print(
        f"registry and entitlements: {args.households} households in {time.perf_counter() - started:.1f} s"
    )
    t = time.perf_counter()
    months = [FIRST_MONTH]
    while len(months) < args.months:
        last = months[-1]
        months.append((last.replace(day=28) + dt.timedelta(days=4)).replace(day=1))
    with connection.cursor() as cur:
        for month in months:
            cur.execute(
                """
                INSERT INTO benefits_ledgerentry
                    (booked_at, booked_by_id, month, period, kind, policy_id, department_type, source_id, entitlement_id,
                     household_id, person_id, run_id, amount_fen, reverses_id, note, area_code)
                SELECT %s, NULL, %s, %s, 'payment', e.policy_id, 'civil_affairs', f.source_id, e.id,
                       e.household_id, e.person_id, NULL, e.amount_fen * f.share_permille / 1000, NULL, %s, e.area_code
                FROM benefits_entitlement e JOIN benefits_policyfunding f ON f.policy_id = e.policy_id
                WHERE e.policy_id = %s ORDER BY e.id, f.source_id
                """,
                [
                    dt.datetime.combine(month, dt.time(8), tzinfo=dt.UTC),
                    month,
                    month,
                    f"{month:%Y年%m月}困难残疾人生活补贴",
                    living.pk,
                ],
            )
        cur.execute(
            """
            INSERT INTO benefits_monthlyaggregate (month, department_type, policy_id, source_id, area_code, entry_count, payment_fen, reversal_fen)
            SELECT month, department_type, policy_id, source_id, substr(area_code, 1, 6), count(*),
                   sum(amount_fen) FILTER (WHERE kind = 'payment'), coalesce(sum(amount_fen) FILTER (WHERE kind = 'reversal'), 0)
            FROM benefits_ledgerentry GROUP BY 1, 2, 3, 4, 5
            """
        )
        cur.execute(
            "VACUUM ANALYZE benefits_ledgerentry"
        ) if not connection.in_atomic_block else None
        cur.execute("SELECT count(*) FROM benefits_ledgerentry")
        rows = cur.fetchone()[0]
    print(f"ledger: {rows} rows over {len(months)} months in {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    main()
