"""Audited writes per second (AUD-02): N audit.record() calls, one thread and T threads.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lianxin_privacy \\
        .venv/bin/python benchmarks/security/audit_writes.py --rows 1000 --threads 4
"""

from __future__ import annotations

import argparse
import os
import threading
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
django.setup()

from django.db import connections  # noqa: E402

from lianxin.core import audit  # noqa: E402


def run(rows: int, threads: int) -> float:
    per = rows // threads

    def work() -> None:
        try:
            for i in range(per):
                audit.record(actor=None, action="bench.audit.write", changes={"i": i})
        finally:
            connections.close_all()

    pool = [threading.Thread(target=work) for _ in range(threads)]
    start = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return per * threads / (time.perf_counter() - start)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    print(f"1 thread: {run(args.rows, 1):.0f} writes/s")
    print(f"{args.threads} threads: {run(args.rows, args.threads):.0f} writes/s")
    ok = audit.verify_chain()[1] == []
    print("chain intact" if ok else "CHAIN BROKEN")
