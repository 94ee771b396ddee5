"""Offline sync benchmark (issue #21): how long a grid worker's phone takes to sync a queue of 50
submissions, measured on the server side of the real path — one session check, then one
multipart POST per submission to /offline/sync/ through Django's full middleware stack and the
owning apps' services (care, monitoring), in order, as offline.js sends them.

The queue: 20 visits (跟踪回访) to cases in tracking, 15 discoveries with a photo each, 15 alert
verifications. Then the same queue is sent a second time (a stale copy): every answer is a
replay and nothing is written.

It creates a throwaway test database (migrated from empty; SQLite in memory by default, or
test_<name> on the PostgreSQL server of DATABASE_URL) and drops it afterwards:

    .venv/bin/python benchmarks/offline/bench.py [--queue 50]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lianxin_offline \
        .venv/bin/python benchmarks/offline/bench.py
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

from benchmarks._common import pct  # noqa: E402


def fmt(values: list[float]) -> str:
    return (
        f"total {sum(values) / 1000:.2f} s, per submission p50 {pct(values, 50):.0f} ms "
        f"p95 {pct(values, 95):.0f} ms max {max(values):.0f} ms"
    )


def build_queue(world: Any, size: int) -> tuple[Any, list[dict[str, Any]]]:
    from django.utils import timezone

    from lianxin.care.tests.factories import Actors, case_at, household
    from lianxin.offline.tests.factories import open_alert, png_bytes

    actors = Actors(world)
    visits, discoveries = size * 2 // 5, size * 3 // 10
    alerts = size - visits - discoveries
    queue: list[dict[str, Any]] = []
    typed = timezone.now().isoformat()
    for i in range(visits):
        case, _ = case_at(world, "planned", actors=actors)
        queue.append(
            {
                "kind": "visit",
                "payload": {
                    "household": case.household.number,
                    "case": case.pk,
                    "visited_on": "2026-11-25",
                    "notes": f"第{i + 1}户走访：情况稳定",
                },
            }
        )
    for i in range(discoveries):
        hh = household(actors.site, members=[(f"马{i}福", "户主")])
        queue.append(
            {
                "kind": "discovery",
                "payload": {"household": hh.number, "description": "独居老人，屋顶漏雨"},
                "photo": png_bytes(16 + i),
            }
        )
    for i in range(alerts):
        alert = open_alert(actors.site, name=f"王{i}福")
        queue.append(
            {
                "kind": "alert_verification",
                "payload": {"alert": alert.pk, "result": "rejected", "note": "子女已接回同住"},
            }
        )
    for item in queue:
        item["key"] = str(uuid.uuid4())
        item["typed_at"] = typed
    return actors.grid_worker, queue


def send(client: Any, queue: list[dict[str, Any]]) -> tuple[list[float], list[str]]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    times, statuses = [], []
    assert client.get("/offline/session/").status_code == 200
    for item in queue:
        data: dict[str, Any] = {
            "submission": json.dumps(
                {k: item[k] for k in ("key", "kind", "payload", "typed_at")}, ensure_ascii=False
            )
        }
        if "photo" in item:
            data["photos"] = SimpleUploadedFile("photo.png", item["photo"], "image/png")
        started = time.perf_counter()
        response = client.post("/offline/sync/", data)
        times.append((time.perf_counter() - started) * 1000)
        body = response.json()
        statuses.append("replayed" if body.get("replayed") else body["status"])
    return times, statuses


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queue", type=int, default=50)
    args = parser.parse_args()
    import tempfile

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="lianxin-offline-bench-"))
    settings.ALLOWED_HOSTS = ["testserver"]
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from conftest import World, _site
        from lianxin.care.models import CareCase, FollowUp
        from lianxin.offline.models import Submission

        world = World(a=_site("a", "640104001007"), b=_site("b", "640521103208"))
        started = time.perf_counter()
        worker, queue = build_queue(world, args.queue)
        print(
            f"vendor {connection.vendor}; queue of {len(queue)} built in {time.perf_counter() - started:.1f} s"
        )
        client = Client()
        client.force_login(worker)
        first, statuses = send(client, queue)
        counts = {s: statuses.count(s) for s in sorted(set(statuses))}
        print(f"first sync:  {fmt(first)}  {counts}")
        writes = (Submission.objects.count(), FollowUp.objects.count(), CareCase.objects.count())
        second, statuses = send(client, queue)
        counts = {s: statuses.count(s) for s in sorted(set(statuses))}
        print(f"second sync: {fmt(second)}  {counts}")
        assert writes == (
            Submission.objects.count(),
            FollowUp.objects.count(),
            CareCase.objects.count(),
        )
        print(f"rows after both syncs: submissions, follow-ups, cases = {writes}")
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    main()
