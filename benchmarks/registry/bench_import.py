"""Import benchmark: a fresh database, then `households_import` of a generated file, timed,
with the process's peak RSS; then the same file again (must change nothing).

    .venv/bin/python benchmarks/registry/bench_import.py var/bench/households-100k.xlsx --db sqlite
    .venv/bin/python benchmarks/registry/bench_import.py var/bench/households-100k.xlsx \
        --db postgres://postgres@127.0.0.1:5432/lianxin_bench_import

The PostgreSQL database is created and dropped by this script."""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def child(path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from lianxin.registry.household_import.apply import households_import
    from lianxin.registry.models import Household, Person

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started, cpu = time.monotonic(), time.process_time()
    result = households_import(actor=None, path=path, source_name=path.name)
    first, first_cpu = time.monotonic() - started, time.process_time() - cpu
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert not result.errors, result.errors[:5]
    started, cpu = time.monotonic(), time.process_time()
    again = households_import(actor=None, path=path, source_name=path.name)
    second, second_cpu = time.monotonic() - started, time.process_time() - cpu
    print(
        f"rows={result.data_rows} households={Household.objects.count()} persons={Person.objects.count()}"
    )
    print(f"first_import_wall_s={first:.1f} cpu_s={first_cpu:.1f} written={result.written}")
    print(
        f"second_import_wall_s={second:.1f} cpu_s={second_cpu:.1f} written={again.written} message={again.message}"
    )
    print(f"load_average={os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"peak_rss_mb={rss_after:.0f} (before import {rss_before:.0f})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", type=Path)
    parser.add_argument("--db", default="sqlite")
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args.file.resolve())
        return
    tmp = Path(tempfile.mkdtemp(prefix="lianxin-bench-"))
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.test", LIANXIN_VAR_DIR=str(tmp))
    created_db = None
    if args.db == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    else:
        env["DATABASE_URL"] = args.db
        created_db = args.db.rsplit("/", 1)[1]
        base = args.db.rsplit("/", 1)[0]
        subprocess.run(
            ["psql", f"{base}/postgres", "-qc", f"DROP DATABASE IF EXISTS {created_db}"], check=True
        )
        subprocess.run(
            ["psql", f"{base}/postgres", "-qc", f"CREATE DATABASE {created_db}"], check=True
        )
    try:
        subprocess.run(
            [sys.executable, __file__, str(args.file.resolve()), "--child"],
            env=env,
            cwd=ROOT,
            check=True,
        )
    finally:
        if created_db:
            base = args.db.rsplit("/", 1)[0]
            subprocess.run(
                ["psql", f"{base}/postgres", "-qc", f"DROP DATABASE IF EXISTS {created_db}"],
                check=False,
            )


if __name__ == "__main__":
    main()
