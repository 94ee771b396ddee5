"""Audited writes per second (AUD-02): N audit.record() calls, one thread and T threads.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lianxin_auditlock \\
        .venv/bin/python benchmarks/security/audit_writes.py --rows 1000 --threads 4 --hold-ms 20

Each write is its own transaction (autocommit) by default; ``--hold-ms`` keeps each writer's
transaction open that long after ``audit.record()`` (the rest of a request's work, or a slow
import), which is where a lock held until commit makes every writer queue. The figures count
committed, chained writes: the chainer runs on commit, and the run ends by linking what is left.
"""

from __future__ import annotations

import argparse
import os
import threading
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
django.setup()

from django.db import connections, transaction  # noqa: E402

from lianxin.core import audit  # noqa: E402


def run(rows: int, threads: int, hold: float) -> float:
    per = rows // threads

    def work() -> None:
        try:
            for i in range(per):
                with transaction.atomic():
                    audit.record(actor=None, action="bench.audit.write", changes={"i": i})
                    if hold:
                        time.sleep(hold)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=work) for _ in range(threads)]
    start = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    if hasattr(audit, "chain"):
        audit.chain()
    return per * threads / (time.perf_counter() - start)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--hold-ms", type=float, default=0, help="transaction kept open after")
    args = parser.parse_args()
    hold = args.hold_ms / 1000
    print(f"hold {args.hold_ms:g} ms:")
    print(f"1 thread: {run(args.rows, 1, hold):.0f} writes/s")
    print(f"{args.threads} threads: {run(args.rows, args.threads, hold):.0f} writes/s")
    ok = audit.verify_chain()[1] == []
    print("chain intact" if ok else "CHAIN BROKEN")
