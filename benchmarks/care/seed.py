"""Fill a PostgreSQL database with 100,000 care cases (one per household) and 1,000,000 measures,
set-based SQL, a few minutes:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lianxin_care_bench \
        .venv/bin/python benchmarks/care/seed.py [--cases 100000] [--measures 1000000]

The database must exist; it is migrated and the demo directory is loaded first. Cases are spread
over every village of Ningxia; 80% are recognised into 第一批 (50%) or 第二批 (30%) with a
leader (500 leaders, ~160 cases each) and carry the measures (≈12.5 each), their units the
county departments of the case's county (7 types); 77% of measures implemented, ~4% overdue."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

from benchmarks._common import django_setup, int_options  # noqa: E402

DEPTS = [
    "civil_affairs",
    "education",
    "human_resources",
    "housing_construction",
    "health",
    "medical_insurance",
    "disabled_federation",
]
ACTIONS = [
    "basic_living", "hardship_farmers", "disabled", "medical", "education", "housing",
    "employment", "elderly", "children", "heating", "legal_aid", "psychological",
]  # fmt: skip

SQL = """
CREATE TEMP TABLE v AS
  SELECT row_number() OVER (ORDER BY code) AS i, code FROM areas_division WHERE level = 'village';
INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email, is_staff,
                           is_active, date_joined, display_name)
  SELECT '!', false, 'bench_leader_' || g, '', '', '', false, true, now(), '包抓领导' || g
  FROM generate_series(1, 500) g ON CONFLICT (username) DO NOTHING;
CREATE TEMP TABLE leaders AS
  SELECT row_number() OVER (ORDER BY id) AS i, id FROM accounts_user WHERE username LIKE 'bench_leader_%';
INSERT INTO registry_household (created_at, updated_at, number, household_type, division_id,
                                area_code, address, is_active)
  SELECT now(), now(), 'BENCH-' || g, 'urban', v.code, v.code, '', true
  FROM generate_series(1, {cases}) g JOIN v ON v.i = 1 + (g * 7919) % (SELECT count(*) FROM v);
INSERT INTO care_carecase (created_at, updated_at, number, household_id, area_code, stage,
    stage_changed_at, source, computed_grade, grade_reasons, grade_override, grade_override_reason,
    grade, grade_rank, priority, batch_id, person_count, leader_id)
  SELECT now(), now(), 'GA-B' || h.id, h.id, h.area_code,
    CASE WHEN r < 0.05 THEN 'discovered' WHEN r < 0.10 THEN 'investigated' WHEN r < 0.15 THEN 'reviewed'
         WHEN r < 0.20 THEN 'rejected' WHEN r < 0.25 THEN 'planned' WHEN r < 0.85 THEN 'tracking'
         WHEN r < 0.90 THEN 'evaluated' ELSE 'closed' END,
    now(), 'grid_visit', g3, '[]', '', '', g3,
    CASE g3 WHEN 'red' THEN 1 WHEN 'yellow' THEN 2 ELSE 3 END,
    (h.id * 13) % 9,
    CASE WHEN r >= 0.20 AND r < 0.70 THEN {b1} WHEN r >= 0.70 THEN {b2} END,
    1 + (h.id % 5),
    CASE WHEN r >= 0.20 THEN (SELECT id FROM leaders WHERE leaders.i = 1 + h.id % 500) END
  FROM (SELECT id, area_code, random() AS r,
               (ARRAY['red','yellow','yellow','blue','blue','blue'])[1 + (id * 31) % 6] AS g3
        FROM registry_household WHERE number LIKE 'BENCH-%') h;
CREATE TEMP TABLE c AS
  SELECT row_number() OVER (ORDER BY id) AS i, id, area_code, grade_rank, priority, batch_id
  FROM care_carecase WHERE batch_id IS NOT NULL;
INSERT INTO care_measure (created_at, updated_at, case_id, action, title, responsible_unit_id,
    deadline, budget_fen, status, evidence, cancel_reason, delivery_type, delivery_id,
    delivery_label, area_code, batch_id, grade_rank, priority)
  SELECT now(), now(), c.id, ({actions})[1 + g % 12], '措施' || g, o.id,
    current_date + ((g * 37) % 400 - 120),
    CASE WHEN g % 4 = 0 THEN (g % 50) * 10000 END,
    CASE WHEN s < 0.77 THEN 'implemented' WHEN s < 0.85 THEN 'in_progress'
         WHEN s < 0.97 THEN 'planned' ELSE 'cancelled' END,
    '', '', '', '', '', c.area_code, c.batch_id, c.grade_rank, c.priority
  FROM (SELECT g, random() AS s FROM generate_series(1, {measures}) g) m
  JOIN c ON c.i = 1 + m.g % (SELECT count(*) FROM c)
  JOIN directory_organisation o ON o.code = left(c.area_code, 6) || '-' || ({depts})[1 + (m.g / 7) % 7];
"""


def main() -> None:
    args = int_options(cases=100_000, measures=1_000_000)
    django_setup()
    from django.core.management import call_command
    from django.db import connection

    from lianxin.care.models import Batch, CareCase, Measure
    from lianxin.directory.services import directory_generate_ningxia

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    directory_generate_ningxia()
    b1, _ = Batch.objects.get_or_create(area_code="64", sequence=1, defaults={"name": "第一批"})
    b2, _ = Batch.objects.get_or_create(area_code="64", sequence=2, defaults={"name": "第二批"})
    if CareCase.objects.filter(number__startswith="GA-B").exists():
        print("already seeded; rebuilding the running totals")
        from lianxin.care.services import batch_tally_rebuild

        for batch in (b1, b2):
            batch_tally_rebuild(batch=batch)
    else:
        sql = SQL.format(
            cases=int(args.cases),
            measures=int(args.measures),
            b1=int(b1.pk),
            b2=int(b2.pk),
            actions="ARRAY[" + ",".join(f"'{a}'" for a in ACTIONS) + "]",
            depts="ARRAY[" + ",".join(f"'{d}'" for d in DEPTS) + "]",
        )
        with connection.cursor() as cursor:
            for statement in sql.split(";\n"):
                if statement.strip():
                    step = time.perf_counter()
                    cursor.execute(statement)
                    print(
                        f"  {statement.split()[0]} {statement.split()[2]}: {time.perf_counter() - step:.1f} s"
                    )
            cursor.execute("ANALYZE")
        from lianxin.care.services import batch_tally_rebuild

        for batch in (b1, b2):
            rows = batch_tally_rebuild(batch=batch)
            print(f"  {batch.name}: {rows} running-total rows")
    print(
        f"cases {CareCase.objects.count():,}, measures {Measure.objects.count():,} "
        f"in {time.perf_counter() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
