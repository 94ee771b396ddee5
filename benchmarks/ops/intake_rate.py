"""Intake through the API at a fixed rate (issue #15: p99 ≤ 200 ms at 100 orders/s).

    LOADTEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/lianxin_load \
        .venv/bin/python benchmarks/ops/intake_rate.py [--rate 100] [--seconds 60] [--no-prepare]

Starts gunicorn on the demo database as the load test does (benchmarks/security/loadtest.py:
same settings, `lianxin demo` first unless --no-prepare), signs the demo hotline agents in for
API tokens, then POSTs new requests to /api/v1/hotline/workorders/ on an open-loop schedule:
order i is due at start + i / rate whatever happened to the orders before it, and its latency
is measured from that due time, so a server that falls behind shows it as queueing instead of
the generator slowing down with it. Each order has its own idempotency key. Prints the orders
answered, errors, p50/p95/p99, the same per 10-second window, the load average and the machine.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks" / "security")]

from loadtest import (  # noqa: E402
    INTAKE_TEXTS,
    accounts,
    add_server_options,
    percentile,
    server_from,
)

from benchmarks._common import machine  # noqa: E402


def token(port: int, account: dict) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = json.dumps({"username": account["username"], "password": account["password"]})
    conn.request("POST", "/api/v1/auth/token/", body, {"Content-Type": "application/json"})
    response = conn.getresponse()
    answer = response.read()
    conn.close()
    if response.status != 200:
        raise SystemExit(f"no API token for {account['username']}: HTTP {response.status}")
    return json.loads(answer)["token"]


def run(port: int, agents: list[dict], rate: float, seconds: float, senders: int) -> dict:
    tokens = [(token(port, a), a["area_code"]) for a in agents]
    total = int(rate * seconds)
    run_id = f"{time.time():.0f}"
    start_at = time.time() + 1.0
    lock = threading.Lock()
    cursor = {"next": 0}
    timed: list[tuple[int, float, int]] = []

    def sender(seed: int) -> None:
        rng = random.Random(seed)
        while True:
            with lock:
                i = cursor["next"]
                cursor["next"] += 1
            if i >= total:
                return
            due = start_at + i / rate
            if (delay := due - time.time()) > 0:
                time.sleep(delay)
            auth, area = tokens[i % len(tokens)]
            payload = {
                "text": rng.choice(INTAKE_TEXTS),
                "caller_phone": f"139{rng.randrange(10**8):08d}",
                "area_code": area if len(area) >= 6 else "640104001007",
            }
            headers = {
                "Content-Type": "application/json",
                "Authorization": f"Token {auth}",
                "Idempotency-Key": f"rate-{run_id}-{i}",
                "Connection": "close",
            }
            status = 0
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("POST", "/api/v1/hotline/workorders/", json.dumps(payload), headers)
                response = conn.getresponse()
                response.read()
                status = response.status
                conn.close()
            except (OSError, http.client.HTTPException):
                status = 0
            with lock:
                timed.append((i, (time.time() - due) * 1000, status))

    threads = [threading.Thread(target=sender, args=(n,)) for n in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.time() - start_at
    latencies = [ms for _, ms, _ in timed]
    statuses: dict[int, int] = {}
    for _, _, status in timed:
        statuses[status] = statuses.get(status, 0) + 1
    windows = []
    for start in range(0, total, int(rate * 10)):
        part = [ms for i, ms, _ in timed if start <= i < start + int(rate * 10)]
        if part:
            windows.append(
                (start / rate, percentile(part, 50), percentile(part, 95), percentile(part, 99))
            )
    return {
        "orders": len(timed),
        "per_second": len(timed) / elapsed if elapsed else 0.0,
        "errors": sum(n for s, n in statuses.items() if s != 201),
        "statuses": statuses,
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
        "windows": windows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--senders", type=int, default=24, help="client threads")
    add_server_options(parser, port=8766, households=100)
    args = parser.parse_args()
    server = server_from(args)
    try:
        agents = [a for a in accounts() if a["role"] == "hotline_agent"]
        if not agents:
            raise SystemExit("no demo hotline agent in var/demo_accounts.json")
        # the first order a worker takes loads the router (gunicorn.conf.py warms it): wait
        token(args.port, agents[0])
        time.sleep(5)
        figures = run(args.port, agents, args.rate, args.seconds, args.senders)
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.1f}")
    print(
        f"intake through the API: {figures['orders']} orders at {figures['per_second']:.1f}/s "
        f"(scheduled {args.rate:g}/s for {args.seconds:g} s; gunicorn {args.workers} workers × "
        f"{args.threads} threads), errors {figures['errors']}, statuses {figures['statuses']}"
    )
    print(
        f"latency from the due time: p50 {figures['p50']:.0f} ms, p95 {figures['p95']:.0f} ms, "
        f"p99 {figures['p99']:.0f} ms"
    )
    for start, p50, p95, p99 in figures["windows"]:
        print(f"  {start:4.0f}–{start + 10:.0f} s: p50 {p50:.0f}, p95 {p95:.0f}, p99 {p99:.0f} ms")


if __name__ == "__main__":
    main()
