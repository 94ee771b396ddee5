"""List and search latency with 1 million persons in PostgreSQL.

    .venv/bin/python benchmarks/registry/bench_query.py \
        --db postgres://postgres@127.0.0.1:5432/lianxin_bench_query [--persons 1000000] [--keep]

Creates the database, migrates, bulk-loads households, persons, memberships and tags with COPY
(ciphertexts come from a pool of real Fernet tokens of the right length, keyed hashes are real),
ANALYZEs, then times through the real selectors and paginator, as the pages and the API do:
- the household list of a county official filtered by tag, of a township official filtered by
  grid, of a grid worker (first page + count);
- the search by full ID number (keyed hash) from the household list and person_find.
Prints p50/p95 in milliseconds; drops the database unless --keep."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def load(persons: int, seed: int) -> dict[str, object]:
    from django.db import connection

    from lianxin.areas.models import Division
    from lianxin.core import idnumber
    from lianxin.core.fields import encrypt

    rng = random.Random(seed)
    villages = list(Division.objects.filter(level="village").values_list("code", flat=True))
    id_pool = [encrypt(f"640104198001{i:06d}") for i in range(500)]
    phone_pool = [encrypt(f"139{i:08d}") for i in range(500)]
    raw = connection.connection
    started = time.monotonic()
    with raw.cursor() as cur:
        # grids: three per village
        with cur.copy(
            "COPY areas_grid (created_at, updated_at, division_id, area_code, name, is_active) FROM STDIN"
        ) as copy:
            for v in villages:
                for name in ("第一网格", "第二网格", "第三网格"):
                    copy.write_row(("2026-01-01", "2026-01-01", v, v, name, True))
        cur.execute("SELECT id, division_id FROM areas_grid")
        grids: dict[str, list[int]] = {}
        for gid, div in cur.fetchall():
            grids.setdefault(div, []).append(gid)
        household_rows = []
        person_rows = []
        member_rows = []
        tag_rows = []
        ids: list[str] = []
        pid = 0
        hid = 0
        while pid < persons:
            hid += 1
            village = villages[rng.randrange(len(villages))]
            grid = rng.choice(grids[village])
            size = min(persons - pid, rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5]))
            head = pid + 1
            household_rows.append(
                (
                    hid,
                    "2026-01-01",
                    "2026-01-01",
                    f"Q-{hid:07d}",
                    "urban",
                    village,
                    village,
                    grid,
                    f"{rng.randint(1, 40)}号楼",
                    head,
                    True,
                )
            )
            for i in range(size):
                pid += 1
                # unique by construction: the birth date encodes pid // 1000, the sequence pid % 1000
                birth = dt.date(1940, 1, 1) + dt.timedelta(days=(pid // 1000) * 29)
                body = f"{village[:6]}{birth:%Y%m%d}{pid % 1000:03d}"
                number = body + idnumber.check_digit(body)
                if pid % 997 == 0:
                    ids.append(number)
                id_hash = idnumber.search_hash(number)
                person_rows.append(
                    (
                        pid,
                        "2026-01-01",
                        "2026-01-01",
                        id_pool[pid % 500],
                        id_hash,
                        f"居民{pid}",
                        f"jumin{pid}",
                        "M",
                        birth.isoformat(),
                        "汉族",
                        phone_pool[pid % 500],
                        "",
                        village[:6],
                        village,
                        village,
                        grid,
                        "",
                        "alive",
                    )
                )
                member_rows.append(
                    (
                        "2026-01-01",
                        "2026-01-01",
                        hid,
                        pid,
                        "户主" if i == 0 else "子女",
                        "2020-01-01",
                        village,
                    )
                )
                if rng.random() < 0.06:
                    tag_rows.append(
                        (
                            "2026-01-01",
                            "2026-01-01",
                            pid,
                            rng.choice(["低保", "残疾", "高龄独居", "特困", "困境儿童"]),
                            "演示",
                            "bench",
                            "2025-01-01",
                            "",
                            village,
                        )
                    )
            if len(person_rows) > 50000:
                _flush(cur, household_rows, person_rows, member_rows, tag_rows)
        _flush(cur, household_rows, person_rows, member_rows, tag_rows)
        for table in ("registry_household", "registry_person"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
    raw.commit()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(
        f"loaded {pid} persons in {hid} households ({len(villages)} villages) in {time.monotonic() - started:.0f} s"
    )
    return {"id_keys": ids, "grids": grids}


def _flush(cur, households, persons, members, tags) -> None:  # type: ignore[no-untyped-def]
    for table, rows in (
        (
            "registry_person (id, created_at, updated_at, id_number, id_hash, name, name_pinyin, sex, birth_date, ethnicity, phone, phone_hash, registered_area_code, division_id, area_code, grid_id, address, status)",
            persons,
        ),
        (
            "registry_household (id, created_at, updated_at, number, household_type, division_id, area_code, grid_id, address, head_id, is_active)",
            households,
        ),
        (
            "registry_membership (created_at, updated_at, household_id, person_id, relationship, started_on, area_code)",
            members,
        ),
        (
            "registry_vulnerabilitytag (created_at, updated_at, person_id, tag, source, evidence, valid_from, removal_reason, area_code)",
            tags,
        ),
    ):
        with cur.copy(f"COPY {table} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    for rows in (households, persons, members, tags):
        rows.clear()


def timed(fn, n: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def measure(info: dict[str, object], rounds: int) -> None:
    from django.core.paginator import Paginator

    from lianxin.accounts.models import Assignment, User
    from lianxin.areas.models import Division, Grid
    from lianxin.core.roles import Role
    from lianxin.registry import selectors

    def user(role: str, area: str, grid: Grid | None = None) -> User:
        u, created = User.objects.get_or_create(username=f"bench_{role}_{area}")
        if created:
            Assignment.objects.create(
                user=u, role=role, area=Division.objects.get(code=area), grid=grid
            )
        return User.objects.get(pk=u.pk)

    county = user(Role.COUNTY_STAFF, "640104")
    city = user(Role.CITY_STAFF, "6401")
    grid = Grid.objects.filter(area_code__startswith="640104001").order_by("id").first()
    township = user(Role.TOWNSHIP_STAFF, "640104001")
    worker = user(Role.GRID_WORKER, grid.division_id, grid)
    rng = random.Random(5)
    keys = list(info["id_keys"])  # type: ignore[arg-type]
    county_grids = list(
        Grid.objects.filter(area_code__startswith="640104001").values_list("id", flat=True)
    )

    def page(u, **filters):  # type: ignore[no-untyped-def]
        qs = selectors.household_list(user=u, **filters)
        p = Paginator(qs, 50).get_page(1)
        return list(p.object_list), p.paginator.count

    cases = [
        ("household list, grid worker (own grid)", lambda: page(worker)),
        (
            "household list, township staff, filter grid",
            lambda: page(township, grid_id=rng.choice(county_grids)),
        ),
        ("household list, county staff, filter tag 低保", lambda: page(county, tag="低保")),
        ("household list, county staff, no filter", lambda: page(county)),
        ("household list, city staff, filter tag 高龄独居", lambda: page(city, tag="高龄独居")),
        (
            "household list, city staff, search by full ID (hash)",
            lambda: page(city, search=rng.choice(keys)),
        ),
        (
            "person_find by full ID (hash), city staff",
            lambda: list(selectors.person_find(user=city, id_number=rng.choice(keys))),
        ),
    ]
    print("| query | p50 ms | p95 ms |\n|---|---|---|")
    for label, fn in cases:
        fn()
        p50, p95 = timed(fn, rounds)
        print(f"| {label} | {p50:.1f} | {p95:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="postgres://postgres@127.0.0.1:5432/lianxin_bench_query")
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--skip-load", action="store_true")
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.core.management import call_command

        if not args.skip_load:
            call_command("migrate", verbosity=0)
            info = load(args.persons, 11)
            Path(os.environ["LIANXIN_VAR_DIR"], "keys.txt").write_text("\n".join(info["id_keys"]))  # type: ignore[arg-type]
        else:
            info = {
                "id_keys": Path(os.environ["LIANXIN_VAR_DIR"], "keys.txt").read_text().split("\n")
            }
        measure(info, args.rounds)
        return
    name = args.db.rsplit("/", 1)[1]
    base = args.db.rsplit("/", 1)[0]
    var = Path("/tmp") / f"{name}-var"
    var.mkdir(exist_ok=True)
    if not args.skip_load:
        subprocess.run(
            ["psql", f"{base}/postgres", "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True
        )
        subprocess.run(["psql", f"{base}/postgres", "-qc", f"CREATE DATABASE {name}"], check=True)
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=args.db,
        LIANXIN_VAR_DIR=str(var),
    )
    cmd = [
        sys.executable,
        __file__,
        "--child",
        "--persons",
        str(args.persons),
        "--rounds",
        str(args.rounds),
    ]
    if args.skip_load:
        cmd.append("--skip-load")
    try:
        subprocess.run(cmd, env=env, cwd=ROOT, check=True)
    finally:
        if not args.keep:
            subprocess.run(
                ["psql", f"{base}/postgres", "-qc", f"DROP DATABASE IF EXISTS {name}"], check=False
            )


if __name__ == "__main__":
    main()
