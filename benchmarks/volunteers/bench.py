"""Volunteers benchmarks on PostgreSQL over seed.py's data:

1. 50 concurrent claims of one wish and 50 concurrent takes of one task (threads released by a
   barrier): exactly one succeeds;
2. a volunteer's balance (``selectors.balance_of``: one row kept by the services) with half of a
   big ledger on that volunteer, p95 — and, for comparison, the aggregate over his rows;
3. the wish wall of a city (``selectors.wall`` as a partner of the city: count + first page), p95.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lianxin_volunteers_bench \
        .venv/bin/python benchmarks/volunteers/bench.py [--runs 100]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

from benchmarks._common import fake_user, fmt  # noqa: E402


def race(work, n: int = 50) -> list[str]:  # type: ignore[no-untyped-def]
    from lianxin.core.tests.concurrency import race

    return race(work, n)


def main() -> None:
    import django

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()
    django.setup()
    from django.db.models import Sum

    from lianxin.accounts.models import Assignment, User
    from lianxin.areas.models import Division
    from lianxin.core.roles import Role
    from lianxin.volunteers import selectors, services
    from lianxin.volunteers.models import PointsEntry, ServiceTask, VolunteerProfile, Wish

    anxiu = Division.objects.get(code="640104001007")
    # 1. concurrency: real users (the services write audit rows with their ids)
    stamp = int(time.time())
    staff = User.objects.create_user(username=f"bench_staff_{stamp}")
    Assignment.objects.create(user=staff, role=Role.COMMUNITY_STAFF, area=anxiu)
    partners = []
    for i in range(50):
        u = User.objects.create_user(username=f"bench_partner_{stamp}_{i}")
        Assignment.objects.create(user=u, role=Role.PARTNER, area=anxiu)
        partners.append(u)
    wish, _ = services.wish_create(
        actor=staff,
        title="书包",
        category="study",
        estimate_fen=9900,
        division=anxiu,
        institution="某福利院",
        publish=True,
    )
    t0 = time.perf_counter()
    results = race(
        lambda i: services.wish_claim(actor=partners[i], obj=Wish.objects.get(pk=wish.pk))
    )
    claim_s = time.perf_counter() - t0
    team = services.team_create(
        actor=staff, name=f"压测队{stamp}", kind="volunteer", division=anxiu
    )
    vols = []
    for i in range(50):
        u = User.objects.create_user(username=f"bench_vol_{stamp}_{i}")
        Assignment.objects.create(user=u, role=Role.VOLUNTEER, area=anxiu)
        p = services.volunteer_register(actor=staff, name=f"压测志愿者{i}", division=anxiu, user=u)
        services.team_add_member(actor=staff, team=team, volunteer=p)
        vols.append(u)
    task = services.task_create(actor=staff, kind="shopping", title="代购", team=team, wish=wish)
    take = race(
        lambda i: services.task_take(actor=vols[i], obj=ServiceTask.objects.get(pk=task.pk))
    )
    print(
        f"1. 50 concurrent claims: ok={results.count('ok')} conflict={results.count('conflict')} ({claim_s:.2f} s); "
        f"50 concurrent takes: ok={take.count('ok')} conflict={take.count('conflict')}"
    )
    # 2. balance
    heavy = VolunteerProfile.objects.order_by("id").first()
    rows = PointsEntry.objects.filter(volunteer=heavy).count()
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        b = selectors.balance_of(heavy)
        _ = b.points
        times.append((time.perf_counter() - t0) * 1000)
    scan = []
    for _ in range(5):
        t0 = time.perf_counter()
        PointsEntry.objects.filter(volunteer=heavy).aggregate(s=Sum("points"))
        scan.append((time.perf_counter() - t0) * 1000)
    total = PointsEntry.objects.count()
    print(
        f"2. balance of a volunteer with {rows:,} of {total:,} ledger rows: {fmt(times)}; aggregate scan {fmt(scan)}"
    )
    # 3. wall of the city
    partner = fake_user(Role.PARTNER, anxiu.code, pk=partners[0].pk)
    city_count = Wish.objects.filter(area_code__startswith="6401").count()
    wall = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        qs = selectors.wall(user=partner)
        qs.count()
        list(qs[:20])
        wall.append((time.perf_counter() - t0) * 1000)
    first = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        list(selectors.wall(user=partner)[:21])
        first.append((time.perf_counter() - t0) * 1000)
    print(
        f"3. wish wall of the city ({city_count:,} wishes): count+first page {fmt(wall)}; first page only {fmt(first)}"
    )


if __name__ == "__main__":
    main()
