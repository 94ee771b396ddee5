"""Fill a PostgreSQL database at the region's size for the dashboard benchmark (issue #20),
set-based SQL only (INSERT … SELECT generate_series), never through the services:

* 100,000 care cases (80% in a batch) and 1,000,000 measures  — ``benchmarks/care/seed.py``
* 1,000,000 work orders over the last year                     — ``benchmarks/hotline/seed.py``
* N persons (default 1,000,000; ``--persons 7200000`` for the whole region) over every village
* 1,000,000 entitlements (one per person, 90% active) of one policy
* 100,000 comparison alerts (60% verified, part turned into care or entitlement changes)

    createdb -h 127.0.0.1 -U postgres lianxin_analytics_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lianxin_analytics_bench \\
        .venv/bin/python benchmarks/analytics/seed.py [--persons 1000000]

The database must exist; it is migrated first. Each part is skipped when already there, so a
second run only adds what is missing. Persons are seeded at 1/7.2 of the region by default: no
dashboard indicator reads the person table (the figures count cases, measures, orders,
entitlements and alerts), and its 17 indexes make 7.2 M rows cost a quarter of an hour here."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

from benchmarks._common import django_setup, int_options, row_counts  # noqa: E402

# the tables the seed fills (with those of benchmarks/care and benchmarks/hotline), counted after
SEEDED_TABLES = (
    "registry_person",
    "care_carecase",
    "care_measure",
    "hotline_workorder",
    "benefits_entitlement",
    "monitoring_alert",
)

PERSONS = """
INSERT INTO registry_person (created_at, updated_at, id_number, id_hash, name, name_pinyin, sex,
    ethnicity, phone, phone_hash, registered_area_code, area_code, address, status, division_id)
SELECT now(), now(), 'bench', 'BP' || g, '压测' || (g %% 1000), 'yace',
       CASE WHEN g %% 2 = 0 THEN 'M' ELSE 'F' END, '汉族', '', '', v.code, v.code, '', 'alive',
       v.code
FROM generate_series(%(start)s::bigint, %(stop)s::bigint) g
JOIN bench_v v ON v.i = 1 + (g * 7919) %% (SELECT count(*) FROM bench_v)
"""

POLICY = """
INSERT INTO benefits_policy (created_at, updated_at, area_code, code, name, department_type,
    subject, standard_kind, frequency, schedule_basis, schedule, in_kind_note, rule, rule_text,
    valid_from, reverify_months, alert_rules_entitled, alert_rules_stop, is_active, basis)
VALUES (now(), now(), '64', 'BENCH-DIBAO', '最低生活保障（压测）', 'civil_affairs', 'person',
    'fixed', 'monthly', '', '{}', '', '{}', '', '2026-01-01', 12, '[]', '[]', true, '')
RETURNING id
"""

ENTITLEMENTS = """
INSERT INTO benefits_entitlement (created_at, updated_at, area_code, beneficiary_key, amount_fen,
    frequency, standard_key, status, status_reason, start_on, import_key, household_id,
    policy_id, person_id)
SELECT now(), now(), p.area_code, 'P' || p.id, 60000, 'monthly', '',
       CASE WHEN p.id %% 20 = 0 THEN 'ended' WHEN p.id %% 20 = 1 THEN 'suspended'
            ELSE 'active' END,
       '', '2026-01-01', '', h.id, %(policy)s, p.id
FROM (SELECT id, area_code, row_number() OVER (ORDER BY id) AS i
      FROM registry_person WHERE id_hash LIKE 'BP%%' ORDER BY id LIMIT %(n)s) p
JOIN bench_h h ON h.i = 1 + p.i %% (SELECT count(*) FROM bench_h)
"""

RUN = """
INSERT INTO monitoring_run (created_at, updated_at, area_code, as_of, engine, status,
    is_scheduled, residents, rows_per_roster, link_stats, alerts_per_rule, alerts_new,
    alerts_suppressed, review_rows, seconds, message, area_id)
VALUES (now(), now(), '64', current_date, 'sql', 'done', false, 0, '{}', '{}', '{}', 0, 0, 0,
    0, '压测', '64')
RETURNING id
"""

ALERTS = """
INSERT INTO monitoring_alert (created_at, updated_at, rule, detail, evidence_hash, area_code,
    status, outcome, verification_note, person_id, run_id)
SELECT now(), now(), 'death_still_paid', '压测', 'bench' || p.id, p.area_code,
       CASE WHEN p.id %% 10 < 4 THEN 'open' WHEN p.id %% 10 < 8 THEN 'confirmed'
            ELSE 'rejected' END,
       CASE WHEN p.id %% 10 IN (4, 5) THEN 'care_discovery'
            WHEN p.id %% 10 = 6 THEN 'entitlement_change' ELSE '' END,
       '', p.id, %(run)s
FROM (SELECT id, area_code FROM registry_person WHERE id_hash LIKE 'BP%%'
      ORDER BY id LIMIT %(n)s) p
"""


def count(cursor, sql: str) -> int:  # type: ignore[no-untyped-def]
    cursor.execute(sql)
    return int(cursor.fetchone()[0])


def main() -> None:
    args = int_options(persons=1_000_000, entitlements=1_000_000, alerts=100_000, batch=250_000)
    django_setup(postgres_only=True)
    from django.core.management import call_command
    from django.db import connection

    began = time.perf_counter()
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cases = count(cursor, "SELECT count(*) FROM care_carecase WHERE number LIKE 'GA-B%%'")
        orders = count(
            cursor, "SELECT count(*) FROM hotline_workorder WHERE tracking_code LIKE 'B%%'"
        )
    for script, have in (("care", cases), ("hotline", orders)):
        if have:
            print(f"{script}: already seeded ({have:,})")
            continue
        step = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / script / "seed.py")], check=True)
        print(f"{script}: {time.perf_counter() - step:.0f} s", flush=True)

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_v AS SELECT row_number() OVER (ORDER BY code) AS i, code "
            "FROM areas_division WHERE level = 'village'"
        )
        cursor.execute(
            "CREATE TEMP TABLE bench_h AS SELECT row_number() OVER (ORDER BY id) AS i, id "
            "FROM registry_household WHERE number LIKE 'BENCH-%%'"
        )
        have = count(cursor, "SELECT count(*) FROM registry_person WHERE id_hash LIKE 'BP%%'")
        step = time.perf_counter()
        for start in range(have + 1, args.persons + 1, args.batch):
            stop = min(start + args.batch - 1, args.persons)
            cursor.execute(PERSONS, {"start": start, "stop": stop})
            print(f"  persons {stop:>9,}  {time.perf_counter() - step:6.0f} s", flush=True)
        if not count(cursor, "SELECT count(*) FROM benefits_policy WHERE code = 'BENCH-DIBAO'"):
            step = time.perf_counter()
            cursor.execute(POLICY)
            policy = cursor.fetchone()[0]
            cursor.execute(ENTITLEMENTS, {"policy": policy, "n": args.entitlements})
            print(f"  entitlements: {time.perf_counter() - step:.0f} s", flush=True)
        if not count(cursor, "SELECT count(*) FROM monitoring_alert WHERE detail = '压测'"):
            step = time.perf_counter()
            cursor.execute(RUN)
            cursor.execute(ALERTS, {"run": cursor.fetchone()[0], "n": args.alerts})
            print(f"  alerts: {time.perf_counter() - step:.0f} s", flush=True)
        cursor.execute("ANALYZE")
        sizes = row_counts(cursor, SEEDED_TABLES)
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    for table, n in sizes.items():
        print(f"{table:>22}: {n:>10,}")
    print(f"database {size}; seeded in {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
