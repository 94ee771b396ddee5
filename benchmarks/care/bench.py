"""Care benchmarks on PostgreSQL with the 100,000 cases and 1,000,000 measures of seed.py: the
queries the pages run (count + first page, or the whole aggregate), p95 over many runs.

1. a department's measure queue (open, red first, nearest deadline) and its overdue list, for
   the busiest county departments and a sample of others;
2. a batch's progress (households, persons, measures planned vs implemented, by care action,
   overdue) as the region, a city and a county see it;
3. a leader's households (count + first page, with open/overdue measure counts) and the
   aggregates of his area.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lianxin_care_bench \
        .venv/bin/python benchmarks/care/bench.py [--runs 60]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

from benchmarks import _common  # noqa: E402
from benchmarks._common import fake_user  # noqa: E402

fmt = partial(_common.fmt, p99=True)
timed = partial(_common.timed, warm=True)

PER_PAGE = 50


def page(qs):  # type: ignore[no-untyped-def]
    def run() -> None:
        qs.count()
        list(qs[:PER_PAGE])

    return run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    import django

    django.setup()
    from django.db.models import Count

    from lianxin.care import selectors
    from lianxin.care.models import Batch, CareCase, Measure
    from lianxin.directory.models import Organisation

    runs = args.runs
    print(f"cases {CareCase.objects.count():,}, measures {Measure.objects.count():,}")
    results: dict[str, list[float]] = {}

    # 1. departments' queues
    busiest = list(
        Measure.objects.values("responsible_unit")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("responsible_unit", "n")[:5]
    )
    rng = random.Random(7)
    others = list(Measure.objects.values_list("responsible_unit", flat=True).distinct())
    units = [u for u, _ in busiest] + rng.sample(others, min(25, len(others)))
    queue, overdue = [], []
    for pk in units:
        org = Organisation.objects.get(pk=pk)
        user = fake_user("county_staff", org.area_code, org.pk)
        queue += timed(page(selectors.measure_queue(user=user)), max(runs // 6, 5))
        overdue += timed(
            page(selectors.measure_queue(user=user, overdue_only=True)), max(runs // 6, 5)
        )
    heavy = Organisation.objects.get(pk=busiest[0][0])
    heavy_user = fake_user("county_staff", heavy.area_code, heavy.pk)
    open_n = selectors.measure_queue(user=heavy_user).count()
    results[
        f"department queue, busiest unit ({heavy.name}: {busiest[0][1]:,} measures, {open_n:,} open)"
    ] = timed(page(selectors.measure_queue(user=heavy_user)), runs)
    results[f"department queue, {len(units)} units"] = queue
    results[f"department overdue list, {len(units)} units"] = overdue

    # 2. batch progress
    batch = Batch.objects.get(area_code="64", sequence=1)
    in_batch = Measure.objects.filter(batch=batch).count()
    for role, area, label in (
        ("region_staff", "64", "region (whole batch)"),
        ("city_staff", "6401", "city 银川"),
        ("county_staff", "640104", "county 兴庆区"),
    ):
        user = fake_user(role, area)
        progress = selectors.batch_progress(user=user, batch=batch)
        results[
            f"batch progress, {label}: {progress['households']:,} households, {progress['measures']:,} measures "
            f"({progress['implemented']:,} implemented) of {in_batch:,} in the batch"
        ] = timed(lambda user=user: selectors.batch_progress(user=user, batch=batch), runs)

    # 3. leaders
    leader_ids = list(
        CareCase.objects.exclude(leader=None).values_list("leader_id", flat=True).distinct()[:30]
    )
    leader_times = []
    for pk in leader_ids:
        user = fake_user("leader", "6401", pk=pk)
        leader_times += timed(page(selectors.leader_cases(user=user)), max(runs // 6, 5))
    n = selectors.leader_cases(user=fake_user("leader", "6401", pk=leader_ids[0])).count()
    results[f"leader's households, {len(leader_ids)} leaders (~{n} cases each)"] = leader_times
    results["leader's area aggregates, county 兴庆区"] = timed(
        lambda: selectors.area_aggregates(user=fake_user("leader", "640104", pk=leader_ids[0])),
        runs,
    )
    results["leader's area aggregates, city 银川"] = timed(
        lambda: selectors.area_aggregates(user=fake_user("leader", "6401", pk=leader_ids[0])), runs
    )
    for label, values in results.items():
        print(f"{label}: {fmt(values)}")


if __name__ == "__main__":
    main()
