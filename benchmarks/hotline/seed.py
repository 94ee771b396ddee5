"""Fill a PostgreSQL database with N work orders (default 1,000,000) spread over a year, every
handling unit of the demo directory, in the proportions of a working hotline (≈4% open, part of
them overdue), plus their lead assignments; set-based SQL, a few minutes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lianxin_hotline_bench \
        .venv/bin/python benchmarks/hotline/seed.py --orders 1000000

The database must exist; it is migrated and the demo directory and accounts are loaded first.
One unit (兴庆区市政工程管理所, unit_staff_a's) gets 10% of all orders: the worst-case queue."""

from __future__ import annotations

import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

from benchmarks._common import django_setup, int_options  # noqa: E402

SQL = """
WITH u AS (
    SELECT array_agg(id ORDER BY id) AS ids, array_agg(area_code ORDER BY id) AS codes,
           array_agg(dept_type ORDER BY id) AS types, count(*)::int AS n
    FROM directory_organisation WHERE is_handling_unit AND is_active AND dept_type <> ''
), h AS (
    SELECT array_agg(id ORDER BY area_code) AS ids, array_agg(area_code ORDER BY area_code) AS codes
    FROM directory_organisation WHERE kind = 'hotline_centre'
), heavy AS (
    SELECT id, area_code FROM directory_organisation WHERE code = '640104-municipal_engineering'
), base AS (
    SELECT g,
           CASE WHEN g %% 10 = 0 AND (SELECT id FROM heavy) IS NOT NULL
                THEN (SELECT array_position(u.ids, (SELECT id FROM heavy)))
                ELSE 1 + ((g::bigint * 2654435761) %% u.n)::int END AS k,
           now() - make_interval(days => (g %% 365)::int, mins => ((g * 7919) %% 1440)::int) AS received,
           (g * 104729) %% 1000 AS roll
    FROM generate_series(%(start)s::bigint, %(stop)s::bigint) AS g CROSS JOIN u
), rows AS (
    SELECT b.*, u.ids[b.k] AS unit_id, u.codes[b.k] AS unit_area, u.types[b.k] AS dept,
           CASE
             WHEN b.received > now() - interval '15 days' THEN
               (ARRAY['received','dispatched','dispatched','accepted','handling','handling',
                      'replied','closed','closed','closed'])[1 + b.roll %% 10]
             WHEN b.roll < 960 THEN 'closed'
             WHEN b.roll < 975 THEN 'handling'
             WHEN b.roll < 985 THEN 'dispatched'
             WHEN b.roll < 990 THEN 'merged'
             ELSE 'replied'
           END AS st
    FROM base b CROSS JOIN u
)
INSERT INTO hotline_workorder (
    created_at, updated_at, tracking_code, channel, caller_name, caller_phone, caller_phone_hash,
    text, place, area_code, dept_type, urgency, status, received_at, dispatch_due_at,
    reply_due_at, due_at, dispatched_at, accepted_at, replied_at, replied_on_time, closed_at,
    reply_text, verification, satisfaction, resolved, supervised, escalated, referred_to_care,
    idempotency_key, routed_dept_type, hotline_id, lead_unit_id)
SELECT received, received, 'B' || lpad(to_hex(g), 13, '0'), 'phone', '王先生', %(phone)s, %(phone_hash)s,
       '压测工单' || g || '：' || dept || '类诉求', '', unit_area, dept, 'general', st, received,
       received + interval '1 day',
       CASE WHEN st <> 'received' THEN received + interval '8 days' END,
       CASE WHEN st IN ('received') THEN received + interval '1 day'
            WHEN st IN ('dispatched','accepted','handling') THEN received + interval '8 days' END,
       CASE WHEN st <> 'received' THEN received + interval '2 hours' END,
       CASE WHEN st NOT IN ('received','dispatched','merged') THEN received + interval '5 hours' END,
       CASE WHEN st IN ('replied','closed') THEN received + interval '4 days' END,
       CASE WHEN st IN ('replied','closed') THEN roll %% 10 <> 0 END,
       CASE WHEN st = 'closed' THEN received + interval '5 days' END,
       CASE WHEN st IN ('replied','closed') THEN '已处理完毕' ELSE '' END, '',
       CASE WHEN st = 'closed' THEN (ARRAY['satisfied','satisfied','satisfied','basically','unsatisfied'])[1 + roll %% 5] ELSE '' END,
       CASE WHEN st = 'closed' THEN roll %% 8 <> 0 END,
       false, false, false, NULL, dept,
       COALESCE(h.ids[array_position(h.codes, left(unit_area, 4))], h.ids[1]),
       CASE WHEN st NOT IN ('received','merged') THEN unit_id END
FROM rows CROSS JOIN h
"""

ASSIGN = """
INSERT INTO hotline_workorderassignment (created_at, updated_at, order_id, organisation_id, role,
    is_active, accepted_at, returned_at, return_reason)
SELECT dispatched_at, dispatched_at, id, lead_unit_id, 'lead', true, accepted_at, NULL, ''
FROM hotline_workorder
WHERE id BETWEEN %(lo)s AND %(hi)s AND lead_unit_id IS NOT NULL AND tracking_code LIKE 'B%%'
"""


def main() -> None:
    args = int_options(orders=1_000_000, batch=100_000)
    django_setup(postgres_only=True, migrate=True)
    from django.db import connection

    from lianxin.core import idnumber
    from lianxin.core.democontext import DemoContext
    from lianxin.core.fields import encrypt

    ctx = DemoContext(stdout=io.StringIO(), households=0)
    for app in ("areas", "directory", "accounts"):
        __import__(f"lianxin.{app}.demo", fromlist=["load"]).load(ctx)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM hotline_workorder WHERE tracking_code LIKE 'B%%'")
        have = cursor.fetchone()[0]
    started = time.monotonic()
    params = {"phone": encrypt("13900000000"), "phone_hash": idnumber.search_hash("13900000000")}
    for start in range(have + 1, args.orders + 1, args.batch):
        stop = min(start + args.batch - 1, args.orders)
        with connection.cursor() as cursor:
            cursor.execute(SQL, {**params, "start": start, "stop": stop})
            cursor.execute(
                "SELECT min(id), max(id) FROM hotline_workorder WHERE tracking_code "
                "BETWEEN %s AND %s",
                ["B" + format(start, "x").rjust(13, "0"), "B" + format(stop, "x").rjust(13, "0")],
            )
            lo, hi = cursor.fetchone()
            cursor.execute(ASSIGN, {"lo": lo, "hi": hi})
        print(f"{stop:>9} orders  {time.monotonic() - started:6.0f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE hotline_workorder")
        cursor.execute("VACUUM ANALYZE hotline_workorderassignment")
        cursor.execute("SELECT status, count(*) FROM hotline_workorder GROUP BY 1 ORDER BY 2 DESC")
        print(dict(cursor.fetchall()))
    print(f"done in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
