"""Seeded generator for the volunteers benchmarks (PostgreSQL): a city's wish wall and a big
points ledger. Wishes are bulk-inserted through the ORM; ledger rows with one INSERT … SELECT
generate_series (the ledger is append-only, so the balances are then rebuilt once).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lianxin_volunteers_bench \
        .venv/bin/python benchmarks/volunteers/seed.py --wishes 100000 --ledger-rows 2000000
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

from benchmarks._common import django_setup, int_options  # noqa: E402

CITY = "6401"  # 银川


def seed(
    *, wishes: int, ledger_rows: int, volunteers: int, seed_value: int = 20261201
) -> dict[str, int]:
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    from lianxin.areas.models import Division
    from lianxin.volunteers.models import Balance, PointsEntry, VolunteerProfile, Wish

    rng = random.Random(seed_value)
    villages = list(
        Division.objects.filter(code__startswith=CITY, level="village").values_list(
            "code", flat=True
        )
    )
    if not villages:
        from lianxin.areas.services import divisions_load

        divisions_load()
        villages = list(
            Division.objects.filter(code__startswith=CITY, level="village").values_list(
                "code", flat=True
            )
        )
    now = timezone.now()
    made = Wish.objects.count()
    batch: list[Wish] = []
    statuses = ["published"] * 6 + ["claimed", "confirmed", "confirmed", "draft"]
    for i in range(made, wishes):
        code = villages[rng.randrange(len(villages))]
        w = Wish(
            number=f"XYB{i:08d}",
            title="加厚棉背心一件",
            category="clothing",
            public_line="独居老人，78岁，某社区",
            estimate_fen=rng.randrange(2_000, 50_000),
            source="visit",
            division_id=code,
            status=rng.choice(statuses),
            published_at=now - dt.timedelta(minutes=rng.randrange(0, 525_600)),
        )
        w.area_code = code
        batch.append(w)
        if len(batch) == 5000:
            Wish.objects.bulk_create(batch)
            batch = []
    if batch:
        Wish.objects.bulk_create(batch)
    anxiu = "640104001007"
    existing = VolunteerProfile.objects.count()
    profiles = [
        VolunteerProfile(code=f"ZYB{i:07d}", name=f"志愿者{i}", division_id=anxiu, area_code=anxiu)
        for i in range(existing, volunteers)
    ]
    VolunteerProfile.objects.bulk_create(profiles, batch_size=5000)
    ids = list(VolunteerProfile.objects.order_by("id").values_list("id", flat=True)[:volunteers])
    have = PointsEntry.objects.count()
    if have < ledger_rows:
        # half of the rows belong to the first volunteer (the worst case for a scan), the rest
        # spread over the others; earn +10 / spend -3 alternating
        with connection.cursor() as cur:
            cur.execute(
                """
                INSERT INTO volunteers_pointsentry
                    (volunteer_id, kind, points, expires_on, note, created_at, area_code)
                SELECT CASE WHEN g %% 2 = 0 THEN %s ELSE (%s::int[])[1 + (g %% %s)] END,
                       CASE WHEN g %% 4 = 3 THEN 'spend' ELSE 'earn' END,
                       CASE WHEN g %% 4 = 3 THEN -3 ELSE 10 END,
                       CASE WHEN g %% 4 = 3 THEN NULL ELSE (now() + (g %% 700 - 350) * interval '1 day')::date END,
                       '', now() - (g %% 100000) * interval '1 minute', %s
                FROM generate_series(%s, %s) AS g
                """,
                [ids[0], ids, len(ids), anxiu, have, ledger_rows - 1],
            )
    from lianxin.volunteers import services

    for pk in ids[:50]:
        Balance.objects.get_or_create(volunteer_id=pk)
    t0 = time.perf_counter()
    services.balance_rebuild(volunteer=VolunteerProfile.objects.get(pk=ids[0]))
    rebuild_ms = (time.perf_counter() - t0) * 1000
    return {
        "wishes": Wish.objects.count(),
        "ledger_rows": PointsEntry.objects.count(),
        "volunteers": len(ids),
        "heavy_volunteer": ids[0],
        "rebuild_ms": int(rebuild_ms),
    }


def main() -> None:
    args = int_options(wishes=100_000, ledger_rows=2_000_000, volunteers=1_000)
    django_setup()
    t0 = time.perf_counter()
    figures = seed(wishes=args.wishes, ledger_rows=args.ledger_rows, volunteers=args.volunteers)
    print(figures, f"seeded in {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
