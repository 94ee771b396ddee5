"""Profile the load test's slowest pages on the demo data (issue #15, REL-01): for each page,
as every demo account that may open it, the number of SQL queries and the wall time in-process
(Django test client; no network, no gunicorn), median and max over ``--runs`` requests, plus
the slowest SQL statements of one request. And the hotline intake through the API (POST).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lianxin_ops_load \\
        .venv/bin/python benchmarks/ops/profile_pages.py [--runs 10] [--sql]

Needs `lianxin demo` on that database first (var/demo_accounts.json)."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")
os.environ.setdefault("LOG_LEVEL", "ERROR")

PAGES = ["/volunteers/wishes/", "/registry/", "/hotline/"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--sql", action="store_true", help="print the slowest statements")
    parser.add_argument("--pages", nargs="*", default=PAGES)
    parser.add_argument(
        "--dump", default="", help="print every statement of this account's request"
    )
    parser.add_argument("--no-intake", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from lianxin.accounts.models import User

    accounts = json.loads((ROOT / "var" / "demo_accounts.json").read_text())["accounts"]
    print(f"cores {os.cpu_count()}, load average {os.getloadavg()[0]:.2f}")
    for path in args.pages:
        for account in accounts:
            client = Client()
            client.force_login(User.objects.get(username=account["username"]))
            if client.get(path).status_code != 200:
                continue
            times, counts = [], []
            slow: list[tuple[float, str]] = []
            for _ in range(args.runs):
                with CaptureQueriesContext(connection) as ctx:
                    t = time.perf_counter()
                    response = client.get(path)
                    times.append((time.perf_counter() - t) * 1000)
                assert response.status_code == 200
                counts.append(len(ctx.captured_queries))
                slow = sorted(
                    ((float(q["time"]) * 1000, q["sql"]) for q in ctx.captured_queries),
                    reverse=True,
                )[:3]
            print(
                f"{path} as {account['username']:<24} queries {counts[-1]:>3}  "
                f"median {statistics.median(times):6.1f} ms  max {max(times):6.1f} ms"
            )
            if args.sql:
                for ms, sql in slow:
                    print(f"      {ms:6.1f} ms  {sql[:300]}")
            if args.dump == account["username"]:
                for q in ctx.captured_queries:
                    print(f"      {float(q['time']) * 1000:6.1f} ms  {q['sql'][:400]}")
    if not args.no_intake:
        intake(accounts, args)


def intake(accounts: list[dict], args: argparse.Namespace) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework.authtoken.models import Token

    from lianxin.accounts.models import User

    for account in accounts:
        if account["role"] != "hotline_agent":
            continue
        user = User.objects.get(username=account["username"])
        token, _ = Token.objects.get_or_create(user=user)
        client = Client()
        times, counts = [], []
        for i in range(args.runs):
            payload = {
                "text": "小区门口路灯不亮，晚上出行不便，请尽快维修。",
                "caller_phone": f"1390000{i:04d}",
                "area_code": "640104001007",
            }
            with CaptureQueriesContext(connection) as ctx:
                t = time.perf_counter()
                response = client.post(
                    "/api/v1/hotline/workorders/",
                    payload,
                    content_type="application/json",
                    HTTP_AUTHORIZATION=f"Token {token.key}",
                    HTTP_IDEMPOTENCY_KEY=f"profile-{time.time()}-{i}",
                )
                times.append((time.perf_counter() - t) * 1000)
            assert response.status_code in (200, 201), response.content[:300]
            counts.append(len(ctx.captured_queries))
        print(
            f"POST intake as {account['username']:<24} queries {counts[-1]:>3}  "
            f"median {statistics.median(times):6.1f} ms  max {max(times):6.1f} ms"
        )
        if args.sql or args.dump:
            for q in ctx.captured_queries:
                print(f"      {float(q['time']) * 1000:6.1f} ms  {q['sql'][:400]}")
        break


if __name__ == "__main__":
    main()
