"""Hotline benchmarks on PostgreSQL with the 1M orders of seed.py:

1. a unit's queue and the overdue list: the queries the pages run (count + first page), p95
   over many runs and several units/agents; then the whole pages through Django's test client;
2. intake: workorder_intake driven open-loop at a fixed rate (default 110/s) for 60 s from
   worker threads (each with its own connection), latency measured from the scheduled start.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lianxin_hotline_bench \
        .venv/bin/python benchmarks/hotline/bench.py [--rate 110] [--seconds 60]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import threading
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

from benchmarks import _common  # noqa: E402
from benchmarks._common import timed  # noqa: E402

fmt = partial(_common.fmt, p99=True)
fake_user = partial(_common.fake_user, pk=None)

PLACES = [
    "兴庆区胜利街",
    "金凤区阅海万家小区",
    "西夏区怀远路",
    "利通区金积镇",
    "沙坡头区文萃路",
    "原州区中山街",
]
TEXTS = [
    ("路灯坏了好几天，晚上很黑", "municipal_engineering"),
    ("小区暖气不热，室温只有十五度", "utility_heating"),
    ("路口红绿灯时间太短，过不去马路", "traffic_police"),
    ("工地拖欠农民工工资两个月了", "human_resources"),
    ("饭店油烟扰民，晚上烧烤到半夜", "urban_management"),
]


def queries(runs: int) -> None:
    from django.db.models import Count

    from lianxin.directory.models import Organisation
    from lianxin.hotline import selectors
    from lianxin.hotline.models import WorkOrder

    print(f"work orders: {WorkOrder.objects.count():,}")
    heavy = Organisation.objects.get(code="640104-municipal_engineering")
    busiest = list(
        WorkOrder.objects.exclude(lead_unit=None)
        .values("lead_unit")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("lead_unit", flat=True)[:1]
    )
    rng = random.Random(7)
    others = list(Organisation.objects.filter(is_handling_unit=True).values_list("pk", flat=True))
    units = [heavy.pk, *busiest, *rng.sample(others, 28)]

    def page(qs):  # type: ignore[no-untyped-def]
        def run() -> None:
            qs.count()
            list(qs[:30])

        return run

    heavy_user = fake_user("unit_staff", heavy.area_code, heavy.pk)
    n_heavy = selectors.unit_queue(user=heavy_user).count()
    all_unit: list[float] = []
    for pk in units:
        org = Organisation.objects.get(pk=pk)
        user = fake_user("unit_staff", org.area_code, org.pk)
        all_unit += timed(page(selectors.unit_queue(user=user)), max(runs // 10, 5))
    heavy_times = timed(page(selectors.unit_queue(user=heavy_user)), runs)
    print(f"unit queue, heaviest unit ({heavy.name}, {n_heavy:,} open orders): {fmt(heavy_times)}")
    print(f"unit queue, 30 units: {fmt(all_unit)}")

    for area, label in (("6401", "银川 agent"), ("64", "regional agent")):
        user = fake_user("hotline_agent", area)
        n = selectors.supervision_list(user=user).count()
        t = timed(page(selectors.supervision_list(user=user)), runs)
        print(f"overdue list, {label} ({n:,} overdue): {fmt(t)}")
        t = timed(page(selectors.supervision_list(user=user, which="near_due")), runs)
        print(f"near-due list, {label}: {fmt(t)}")
    county = fake_user("county_staff", "640104")
    t = timed(page(selectors.supervision_list(user=county)), runs)
    print(f"overdue list, county staff 兴庆区: {fmt(t)}")


def routing(runs: int) -> None:
    """``route_request`` with the directory resolver (what the intake page and the API call)."""
    from lianxin.hotline.routing.classifier import read_requests
    from lianxin.hotline.selectors import route_request

    rows = read_requests("heldout")
    route_request(text=rows[0]["text"])  # load the model once
    out = []
    for row in (rows * 10)[:runs]:
        started = time.perf_counter()
        route_request(text=row["text"])
        out.append((time.perf_counter() - started) * 1000)
    print(f"routing with the directory resolver ({len(rows)} held-out texts): {fmt(out)}")


def pages(runs: int) -> None:
    from django.test import Client

    from lianxin.accounts.models import User

    client = Client()
    for username, url in (
        ("unit_staff_a", "/hotline/unit/"),
        ("hotline_agent_a", "/hotline/supervision/"),
        ("hotline_agent_a", "/hotline/queue/"),
    ):
        client.force_login(User.objects.get(username=username))
        client.get(url)
        out = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get(url)
            out.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        print(f"page {url} as {username}: {fmt(out)}")


def _intake_process(
    index: int,
    processes: int,
    threads: int,
    rate: float,
    total: int,
    start_at: float,
    run_id: str,
    out,
) -> None:  # type: ignore[no-untyped-def]
    """One worker process: its share of the schedule (i ≡ index mod processes), ``threads``
    threads, each with its own connection."""
    from django.db import connections

    from lianxin.accounts.models import User
    from lianxin.core.errors import ApplicationError
    from lianxin.hotline import services

    connections.close_all()
    agent = User.objects.get(username="hotline_agent_a")
    # warm up as a server process would at start: the gazetteer and the agent's scope
    from lianxin.core.scoping import scope_of
    from lianxin.hotline.routing import locate

    locate("兴庆区胜利街")
    scope_of(agent)
    lock = threading.Lock()
    cursor = {"next": index}
    latencies: list[tuple[int, float]] = []
    errors: list[str] = []

    def worker() -> None:
        rng = random.Random()
        try:
            while True:
                with lock:
                    i = cursor["next"]
                    cursor["next"] += processes
                if i >= total:
                    return
                scheduled = start_at + i / rate
                delay = scheduled - time.time()
                if delay > 0:
                    time.sleep(delay)
                text, dept = rng.choice(TEXTS)
                place = rng.choice(PLACES)
                try:
                    services.workorder_intake(
                        actor=agent,
                        text=f"{place}{text}",
                        caller_name="王先生",
                        caller_phone=f"139{rng.randrange(10**7, 10**8)}",
                        place=place,
                        dept_type=dept,
                        idempotency_key=f"bench-{run_id}-{i}",
                    )
                except ApplicationError as exc:
                    with lock:
                        errors.append(exc.message)
                latency = (time.time() - scheduled) * 1000
                with lock:
                    latencies.append((i, latency))
        finally:
            connections.close_all()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    out.put((latencies, errors))


def intake(rate: float, seconds: float, processes: int, threads: int) -> None:
    import multiprocessing

    from django.db import connections

    connections.close_all()
    total = int(rate * seconds)
    run_id = f"{time.time():.0f}"
    start_at = time.time() + 8.0  # after every process has warmed up
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    procs = [
        ctx.Process(
            target=_intake_process,
            args=(p, processes, threads, rate, total, start_at, run_id, out),
        )
        for p in range(processes)
    ]
    for p in procs:
        p.start()
    timed: list[tuple[int, float]] = []
    errors: list[str] = []
    for _ in procs:
        lat, err = out.get()
        timed += lat
        errors += err
    latencies = [latency for _, latency in timed]
    for p in procs:
        p.join()
    elapsed = time.time() - start_at
    print(
        f"intake: {len(latencies)} orders in {elapsed:.1f} s = {len(latencies) / elapsed:.1f}/s "
        f"(target {rate}/s for {seconds:.0f} s; {processes} processes x {threads} threads), "
        f"errors={len(errors)}; latency from scheduled start: {fmt(latencies)}"
    )
    window = int(rate * 10)
    for start in range(0, total, window):
        part = [lat for i, lat in timed if start <= i < start + window]
        if part:
            print(f"  seconds {start / rate:3.0f}–{(start + window) / rate:3.0f}: {fmt(part)}")
    if errors:
        print("first errors:", errors[:3])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--rate", type=float, default=110)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--threads", type=int, default=3)
    parser.add_argument("--skip-intake", action="store_true")
    parser.add_argument("--only-intake", action="store_true")
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    if not args.only_intake:
        queries(args.runs)
        routing(args.runs)
        pages(max(args.runs // 4, 20))
    if not args.skip_intake:
        intake(args.rate, args.seconds, args.processes, args.threads)


if __name__ == "__main__":
    main()
