"""REL-02 recovery drill: back up, wipe, restore, and compare row counts and checksums per table,
for PostgreSQL (pg_dump -Fc / pg_restore) and SQLite (the online backup API / file copy).

    .venv/bin/python benchmarks/security/drill.py --postgres postgres://postgres@127.0.0.1:5432/lianxin_load
    .venv/bin/python benchmarks/security/drill.py --sqlite var/lianxin.sqlite3
    .venv/bin/python benchmarks/security/drill.py            # both, with the defaults above

The source database is never touched: the drill copies it to a scratch database, snapshots the
copy, backs it up, drops it (the wipe), restores it from the backup alone, and compares. Exits
1 when any table's row count or checksum differs. Prints backup size and time, restore time."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/lianxin_load"
DEFAULT_SQLITE = ROOT / "var" / "lianxin.sqlite3"
SQLITE_TABLES = (
    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
)
PG_TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"


# --- SQLite ---------------------------------------------------------------------------------


def snapshot(
    conn: Any, tables_sql: str, figures: Callable[[Any, str], tuple[int, str]]
) -> dict[str, tuple[int, str]]:
    """``figures(conn, table)`` (row count, digest of the rows) of every table ``tables_sql`` names."""
    return {row[0]: figures(conn, row[0]) for row in conn.execute(tables_sql).fetchall()}


def sqlite_figures(conn: sqlite3.Connection, table: str) -> tuple[int, str]:
    digest = hashlib.sha256()
    count = 0
    for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY 1'):  # noqa: S608
        digest.update(repr(row).encode())
        count += 1
    return count, digest.hexdigest()


def sqlite_snapshot(path: Path) -> dict[str, tuple[int, str]]:
    with sqlite3.connect(path) as conn:
        return snapshot(conn, SQLITE_TABLES, sqlite_figures)


def sqlite_drill(source: Path, work: Path) -> dict:
    scratch = work / "scratch.sqlite3"
    backup = work / "backup.sqlite3"
    with sqlite3.connect(source) as src, sqlite3.connect(scratch) as dst:
        src.backup(dst)
    before = sqlite_snapshot(scratch)
    started = time.perf_counter()
    with sqlite3.connect(scratch) as src, sqlite3.connect(backup) as dst:
        src.backup(dst)  # consistent online copy (what `sqlite3 db ".backup file"` does)
    backup_seconds = time.perf_counter() - started
    scratch.unlink()  # the wipe
    for suffix in ("-wal", "-shm"):
        Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    shutil.copyfile(backup, scratch)
    restore_seconds = time.perf_counter() - started
    after = sqlite_snapshot(scratch)
    return report(
        "sqlite", str(source), before, after, backup.stat().st_size, backup_seconds, restore_seconds
    )


# --- PostgreSQL -----------------------------------------------------------------------------


def pg_parts(url: str) -> dict[str, str]:
    parts = urllib.parse.urlparse(url)
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": str(parts.port or 5432),
        "user": parts.username or "postgres",
        "password": parts.password or "",
        "name": parts.path.lstrip("/"),
    }


def pg_url(parts: dict[str, str], name: str) -> str:
    auth = parts["user"] + (f":{parts['password']}" if parts["password"] else "")
    return f"postgres://{auth}@{parts['host']}:{parts['port']}/{name}"


def pg_figures(conn: Any, table: str) -> tuple[int, str]:
    count, digest = conn.execute(
        f"SELECT count(*), coalesce(md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))), '') FROM \"{table}\" t"  # noqa: S608
    ).fetchone()
    return count, digest


def pg_snapshot(url: str) -> dict[str, tuple[int, str]]:
    import psycopg

    with psycopg.connect(url) as conn:
        return snapshot(conn, PG_TABLES, pg_figures)


def pg_admin(parts: dict[str, str], sql: str) -> None:
    import psycopg

    with psycopg.connect(pg_url(parts, "postgres"), autocommit=True) as conn:
        conn.execute(sql)


def pg_drill(url: str, work: Path) -> dict:
    parts = pg_parts(url)
    scratch = f"{parts['name']}_drill"
    env = {**os.environ, "PGPASSWORD": parts["password"]}
    common = ["-h", parts["host"], "-p", parts["port"], "-U", parts["user"]]
    dump = work / "backup.dump"
    source_dump = work / "source.dump"
    # A scratch copy of the source (the source is never dropped).
    subprocess.run(
        ["pg_dump", *common, "-Fc", "-f", str(source_dump), parts["name"]], env=env, check=True
    )
    pg_admin(parts, f'DROP DATABASE IF EXISTS "{scratch}"')
    pg_admin(parts, f'CREATE DATABASE "{scratch}"')
    subprocess.run(
        ["pg_restore", *common, "--no-owner", "-d", scratch, str(source_dump)], env=env, check=True
    )
    before = pg_snapshot(pg_url(parts, scratch))
    started = time.perf_counter()
    subprocess.run(["pg_dump", *common, "-Fc", "-f", str(dump), scratch], env=env, check=True)
    backup_seconds = time.perf_counter() - started
    pg_admin(parts, f'DROP DATABASE "{scratch}"')  # the wipe
    started = time.perf_counter()
    pg_admin(parts, f'CREATE DATABASE "{scratch}"')
    subprocess.run(
        ["pg_restore", *common, "--no-owner", "-d", scratch, str(dump)], env=env, check=True
    )
    restore_seconds = time.perf_counter() - started
    after = pg_snapshot(pg_url(parts, scratch))
    pg_admin(parts, f'DROP DATABASE "{scratch}"')
    return report(
        "postgresql",
        parts["name"],
        before,
        after,
        dump.stat().st_size,
        backup_seconds,
        restore_seconds,
    )


# --- report ---------------------------------------------------------------------------------


def report(
    engine: str,
    source: str,
    before: dict,
    after: dict,
    size: int,
    backup_s: float,
    restore_s: float,
) -> dict:
    mismatched = sorted(t for t in set(before) | set(after) if before.get(t) != after.get(t))
    figures = {
        "engine": engine,
        "source": source,
        "tables": len(before),
        "rows": sum(c for c, _ in before.values()),
        "mismatched_tables": mismatched,
        "backup_bytes": size,
        "backup_seconds": round(backup_s, 2),
        "restore_seconds": round(restore_s, 2),
    }
    verdict = "OK" if not mismatched else f"MISMATCH in {mismatched}"
    print(
        f"{engine}: {figures['tables']} tables, {figures['rows']} rows; backup {size / 1e6:.1f} MB in "
        f"{figures['backup_seconds']} s; restore in {figures['restore_seconds']} s; counts and checksums {verdict}"
    )
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--postgres", nargs="?", const=DEFAULT_PG, default=None)
    parser.add_argument("--sqlite", nargs="?", const=str(DEFAULT_SQLITE), default=None, type=str)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if args.postgres is None and args.sqlite is None:
        args.postgres, args.sqlite = DEFAULT_PG, str(DEFAULT_SQLITE)
    results = []
    with tempfile.TemporaryDirectory(prefix="lianxin-drill-") as tmp:
        work = Path(tmp)
        if args.sqlite:
            source = Path(args.sqlite)
            if not source.exists():
                print(f"sqlite: {source} not found (run `lianxin demo`)")
                return 1
            (work / "sqlite").mkdir()
            results.append(sqlite_drill(source, work / "sqlite"))
        if args.postgres:
            (work / "pg").mkdir()
            results.append(pg_drill(args.postgres, work / "pg"))
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 1 if any(r["mismatched_tables"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
