"""Love-alliance benchmarks on PostgreSQL: a seeded generator (households on assistance in one
district with community centre points, merchants with shops and offers, past redemptions) and
the four timings of issue #17:

1. card issue: ``services.cards_issue`` for every household of the district (by tier);
2. a redemption: ``services.card_redeem`` (the real write: counter row, ledger row, audit row),
   p95 over random cards and merchants;
3. the life circle of one household (bounding box + haversine), p95;
4. a district's coverage view (every community × 8 categories), p95.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lianxin_resources_bench \
        .venv/bin/python benchmarks/resources/bench.py --households 20000 --merchants 2000 \
        --redemptions 200000 [--runs 200]

The database is flushed of resources/registry rows of the district first (idempotent reruns).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

from benchmarks._common import fmt  # noqa: E402

DISTRICT = "640104"
CENTRE = (38.4681, 106.2889)
KINDS = ["低保"] * 50 + ["低保边缘"] * 20 + ["支出型困难"] * 15 + ["临时救助"] * 15
CATEGORIES = ["medicine", "grain_oil", "vegetables", "clothing", "education", "housekeeping",
              "medical_care", "rehabilitation"]  # fmt: skip


def point(rng: random.Random, spread_m: float) -> tuple[Decimal, Decimal]:
    north, east = rng.uniform(-spread_m, spread_m), rng.uniform(-spread_m, spread_m)
    lat = CENTRE[0] + north / 111_320
    lon = CENTRE[1] + east / (111_320 * math.cos(math.radians(CENTRE[0])))
    return Decimal(f"{lat:.6f}"), Decimal(f"{lon:.6f}")


def seed(households: int, merchants: int, redemptions: int, rng: random.Random):  # type: ignore[no-untyped-def]
    from django.db import transaction

    from lianxin.accounts.models import Assignment, User
    from lianxin.areas.models import Division, Level
    from lianxin.directory.models import Organisation
    from lianxin.registry.models import AssistanceStatus, Household
    from lianxin.resources import models as m

    with transaction.atomic():
        for model in (m.Redemption, m.CardMonthUsage, m.LoveCard, m.Offer, m.Location,
                      m.Partner, m.CommunityCentre, m.CardSequence):  # fmt: skip
            model.objects.all().delete()
        AssistanceStatus.objects.filter(area_code__startswith=DISTRICT).delete()
        Household.objects.filter(number__startswith="BENCH-").delete()
        Organisation.objects.filter(code__startswith="BENCH-").delete()
    villages = list(Division.objects.filter(code__startswith=DISTRICT, level=Level.VILLAGE))
    county = Division.objects.get(code=DISTRICT)
    m.CommunityCentre.objects.bulk_create(
        [
            m.CommunityCentre(division=v, latitude=p[0], longitude=p[1])
            for v in villages
            for p in [point(rng, 9000)]
        ]  # fmt: skip
    )
    rows = [
        Household(number=f"BENCH-{i:07d}", division=v, area_code=v.code)
        for i in range(households)
        for v in [villages[rng.randrange(len(villages))]]
    ]
    Household.objects.bulk_create(rows, batch_size=5000)
    AssistanceStatus.objects.bulk_create(
        [AssistanceStatus(household=h, assistance_type=rng.choice(KINDS),
                          started_on=dt.date(2025, 1, 1), area_code=h.area_code) for h in rows],
        batch_size=5000,
    )  # fmt: skip
    orgs = Organisation.objects.bulk_create(
        [Organisation(code=f"BENCH-{i}", name=f"爱心商家{i}", kind="merchant", level="county",
                      area=county, area_code=DISTRICT) for i in range(merchants)],
        batch_size=5000,
    )  # fmt: skip
    partners = m.Partner.objects.bulk_create(
        [m.Partner(organisation=o, kind="merchant", area=county, area_code=DISTRICT,
                   status="approved") for o in orgs],
        batch_size=5000,
    )  # fmt: skip
    m.Location.objects.bulk_create(
        [m.Location(partner=p, name=f"门店{p.pk}", kind="shop", division=v, area_code=v.code,
                    latitude=pt[0], longitude=pt[1])
         for p in partners for v in [villages[rng.randrange(len(villages))]]
         for pt in [point(rng, 10000)]],
        batch_size=5000,
    )  # fmt: skip
    offers = m.Offer.objects.bulk_create(
        [m.Offer(partner=p, title="九折", category=rng.choice(CATEGORIES), discount_kind="percent",
                 percent_off=10, limit_per_visit=5, limit_per_month=1000,
                 valid_from=dt.date(2026, 1, 1), area_code=DISTRICT) for p in partners],
        batch_size=5000,
    )  # fmt: skip
    user, _ = User.objects.get_or_create(username="bench-resources")
    issuer, _ = User.objects.get_or_create(username="bench-resources-issuer")
    Assignment.objects.get_or_create(user=issuer, role="county_staff", area=county)
    return villages, offers, user, issuer


def main() -> None:
    import django

    django.setup()
    from django.db import connection

    from lianxin.core.scoping import Grant, Scope
    from lianxin.registry.models import Household
    from lianxin.resources import selectors, services
    from lianxin.resources.models import LoveCard, Redemption

    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=20000)
    parser.add_argument("--merchants", type=int, default=2000)
    parser.add_argument("--redemptions", type=int, default=200000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(17)
    print(f"database: {connection.vendor}; households {args.households}, merchants "
          f"{args.merchants}, past redemptions {args.redemptions}")  # fmt: skip
    started = time.perf_counter()
    villages, offers, user, issuer = seed(args.households, args.merchants, args.redemptions, rng)
    print(f"seeded in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    result = services.cards_issue(actor=issuer, area_code=DISTRICT)
    issue_s = time.perf_counter() - started
    print(f"1. card issue: {result.total} cards ({result.issued}) in {issue_s:.1f} s")

    cards = list(LoveCard.objects.values_list("pk", "number", "household_id", "area_code"))
    month = services.month_of(services.today())
    now = services.timezone.now()
    batch = []
    for i in range(args.redemptions):
        pk, _, household_id, area = cards[rng.randrange(len(cards))]
        offer = offers[rng.randrange(len(offers))]
        batch.append(Redemption(card_id=pk, offer=offer, partner_id=offer.partner_id,
                                household_id=household_id, area_code=area, item="药",
                                market_price_fen=1000, price_paid_fen=900, discount_fen=100,
                                month=month - dt.timedelta(days=31 * (i % 12)),
                                redeemed_at=now, redeemed_by=user))  # fmt: skip
        if len(batch) >= 10000:
            Redemption.objects.bulk_create(batch)
            batch = []
    Redemption.objects.bulk_create(batch)
    connection.cursor().execute("ANALYZE") if connection.vendor == "postgresql" else None

    times = []
    for _ in range(args.runs):
        _, number, _, _ = cards[rng.randrange(len(cards))]
        offer = offers[rng.randrange(len(offers))]
        user._lianxin_scope = Scope(
            user_id=user.pk,
            grants=(Grant("partner", DISTRICT, None, offer.partner.organisation_id),),
        )
        t = time.perf_counter()
        services.card_redeem(actor=user, number=number, offer=offer, item="布洛芬",
                             market_price_fen=2000, price_paid_fen=1800)  # fmt: skip
        times.append((time.perf_counter() - t) * 1000)
    print(f"2. a redemption: {fmt(times)}")

    household_ids = [c[2] for c in cards]
    times = []
    counts = []
    for _ in range(args.runs):
        household = Household.objects.select_related("head").get(
            pk=household_ids[rng.randrange(len(household_ids))]
        )
        t = time.perf_counter()
        counts.append(len(selectors.life_circle_offers(household=household)))
        times.append((time.perf_counter() - t) * 1000)
    print(f"3. life circle of one household: {fmt(times)} (offers in reach: median "
          f"{sorted(counts)[len(counts) // 2]})")  # fmt: skip

    times = []
    for _ in range(max(args.runs // 10, 5)):
        t = time.perf_counter()
        cover = selectors.coverage(user=issuer, area_code=DISTRICT)
        times.append((time.perf_counter() - t) * 1000)
    gaps = sum(1 for r in cover["rows"] if r["gaps"])
    print(f"4. coverage of the district ({len(cover['rows'])} communities, {gaps} with a gap): "
          f"{fmt(times)}")  # fmt: skip


if __name__ == "__main__":
    main()
