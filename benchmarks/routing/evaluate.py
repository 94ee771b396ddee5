"""Evaluate hotline routing honestly and print (or write) benchmarks/routing/RESULTS.md.

    .venv/bin/python benchmarks/routing/evaluate.py [--write] [--errors] [--train-size N]
        [--replay]    # also replay the demo's dispatched and returned orders (needs a
                      # database with `lianxin demo` loaded: DATABASE_URL=…)

Sets:

- ``citizens.csv``: requests written in the manner of Ningxia's citizens (short, colloquial,
  place first, no department names) with the expected department type and the expected
  unit's area and level, written before the router was run on them; never used for
  training or for tuning.
- the held-out split of the generated data (``requests.csv``, split = heldout) and the older
  probe (``probe.csv``): department type only, plus the place.
- the replay of the demo's orders (``--replay``): the unit that finally handled each
  dispatched order, and for returned orders the unit they were re-dispatched to.

Units come from a directory built exactly like ``directory_generate_ningxia`` (region, city,
county bodies; township governments, market-regulation offices and enforcement squads), so a
unit is right when its area code and level are the expected ones.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

from benchmarks._common import machine  # noqa: E402

HERE = Path(__file__).resolve().parent
CITIZENS = HERE / "citizens.csv"
CITIZENS_B = HERE / "citizens_b.csv"
CITIZENS_C = HERE / "citizens_c.csv"
OTHER = HERE / "other_provinces.csv"
PROBE = HERE / "probe.csv"
RESULTS = HERE / "RESULTS.md"
TARGETS = {"dept_top1": 0.85, "unit_top1": 0.80, "top3": 0.95, "p95_ms": 30.0}


def directory_units() -> list[dict[str, Any]]:
    """The demo directory's handling units, built as ``directory_generate_ningxia`` does."""
    import django

    django.setup()
    from lianxin.directory.services import CITY_BODIES, COUNTY_BODIES, REGION_BODIES
    from lianxin.hotline.routing.gazetteer import default_gazetteer

    gaz = default_gazetteer()
    units: list[dict[str, Any]] = []

    def add(code: str, dept_type: str, level: str, name: str) -> None:
        units.append(
            {
                "name": name,
                "code": f"{code}-{dept_type}",
                "area_code": code,
                "level": level,
                "dept_type": dept_type,
            }
        )

    for dept_type, name, _ in REGION_BODIES:
        add("64", dept_type, "region", name)
    for div in gaz.divisions.values():
        if div.level == "city":
            for dept_type, template, _ in CITY_BODIES:
                add(
                    div.code, dept_type, "city", template.format(city=div.name, city_short=div.name)
                )
        elif div.level == "county":
            for dept_type, _template, _ in COUNTY_BODIES:
                add(div.code, dept_type, "county", div.name + dept_type)
            add(div.code, "public_security", "county", div.name + "公安局")
            add(div.code, "traffic_police", "county", div.name + "交警大队")
        elif div.level == "township":
            for dept_type in ("township_government", "market_regulation", "urban_management"):
                add(div.code, dept_type, "township", div.name + dept_type)
    return units


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _unit_ok(unit: dict[str, Any] | None, area: str, level: str) -> bool:
    return bool(unit) and unit["area_code"] == area and unit["level"] == level


def score(router: Any, resolver: Any, rows: list[dict[str, str]], errors: bool) -> dict[str, Any]:
    n = len(rows)
    counts = Counter()
    wrong: list[str] = []
    by_type: dict[str, Counter] = {}
    for row in rows:
        p = router.route(row["text"], None, resolver)
        types = [p.dept_type] + [a["dept_type"] for a in p.alternatives]
        units = [p.unit] + [a.get("unit") for a in p.alternatives]
        expect_t = row["dept_type"]
        t1 = types[0] == expect_t
        t3 = expect_t in types[:3]
        c = by_type.setdefault(expect_t, Counter())
        c["n"] += 1
        c["t1"] += t1
        counts["t1"] += t1
        counts["t3"] += t3
        if "level" in row and row.get("level"):
            u1 = t1 and _unit_ok(units[0], row["area_code"], row["level"])
            u3 = any(
                types[i] == expect_t and _unit_ok(units[i], row["area_code"], row["level"])
                for i in range(min(3, len(units)))
            )
            counts["u1"] += u1
            counts["u3"] += u3
            c["u1"] += u1
            counts["with_unit"] += 1
            counts["duty"] += p.duty is not None
            counts["duty_right"] += p.duty is not None and t1
            if not u1:
                got = f"{p.unit['area_code']}/{p.unit['level']}" if p.unit else "无单位"
                wrong.append(
                    f"- {row['text']} → {p.dept_type} {got}"
                    f"（应为 {expect_t} {row['area_code']}/{row['level']}"
                    f"{'，职责清单：' + p.duty['matter'] if p.duty else ''}）"
                )
        elif row.get("area_code"):
            counts["with_area"] += 1
            counts["area_ok"] += p.place is not None and p.place["code"] == row["area_code"]
    out = {"n": n, **counts, "by_type": by_type, "wrong": wrong}
    if errors:
        print("\n".join(wrong))
    return out


def latency(router: Any, resolver: Any, texts: list[str], calls: int = 1000) -> dict[str, float]:
    rng = random.Random(7)
    times = []
    for _ in range(calls):
        text = rng.choice(texts)
        t0 = time.perf_counter()
        router.route(text, None, resolver)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {
        "p50": statistics.median(times),
        "p95": times[int(0.95 * len(times)) - 1],
        "p99": times[int(0.99 * len(times)) - 1],
        "max": times[-1],
    }


def training_time(size: int) -> tuple[float, int]:
    from lianxin.hotline.routing.classifier import train
    from lianxin.hotline.routing.data.make_requests import synthesize
    from lianxin.hotline.routing.duties import default_duties

    rows = synthesize(size, seed=11)
    duty_samples = default_duties().training_samples() * 5
    t0 = time.perf_counter()
    model = train(duty_samples + list(rows))
    return time.perf_counter() - t0, model.n_features


def replay() -> list[dict[str, str]]:
    """The demo's orders that reached a unit: (text, type and area/level of the unit that
    finally holds the order; for returned and re-dispatched orders, the new unit)."""
    import django

    django.setup()
    from lianxin.directory.selectors import CONTRACT_LEVEL
    from lianxin.hotline.models import WorkOrder

    rows = []
    qs = (
        WorkOrder.objects.exclude(lead_unit=None)
        .select_related("lead_unit")
        .order_by("pk")
        .values_list("text", "lead_unit__dept_type", "lead_unit__area_code", "lead_unit__level")
    )
    for text, dept_type, area, level in qs.iterator():
        rows.append(
            {
                "text": text,
                "dept_type": dept_type,
                "area_code": area,
                "level": CONTRACT_LEVEL.get(level, level),
            }
        )
    return rows


def returned_orders() -> list[dict[str, str]]:
    """Orders a unit returned as not theirs: (text, the returning unit's code)."""
    import django

    django.setup()
    from lianxin.hotline.models import WorkOrderAssignment

    qs = (
        WorkOrderAssignment.objects.exclude(returned_at=None)
        .filter(role="lead")
        .values_list("order__text", "organisation__code")
    )
    return [{"text": t, "returned": c} for t, c in qs.iterator()]


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f} %" if b else "—"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--errors", action="store_true")
    parser.add_argument("--train-size", type=int, default=100_000)
    parser.add_argument("--replay", action="store_true")
    parser.add_argument("--only-citizens", action="store_true")
    args = parser.parse_args()

    from lianxin.hotline.routing import InMemoryUnitResolver, Router
    from lianxin.hotline.routing.classifier import read_requests, train
    from lianxin.hotline.routing.duties import default_duties

    units = directory_units()
    resolver = InMemoryUnitResolver(units)
    duties = default_duties()
    t0 = time.perf_counter()
    model = train(
        duties.training_samples() * 5
        + [(r["text"], r["dept_type"]) for r in read_requests("train")]
    )
    seed_train_s = time.perf_counter() - t0
    router = Router(model=model, duties=duties)

    citizens = read_csv(CITIZENS)
    res_c = score(router, resolver, citizens, args.errors)
    res_b = score(router, resolver, read_csv(CITIZENS_B), args.errors)
    res_cc = score(router, resolver, read_csv(CITIZENS_C), args.errors)
    res_o = score(router, resolver, read_csv(OTHER), args.errors)

    def table(title: str, res: dict[str, Any]) -> list[str]:
        n = res["n"]
        return [
            f"## {title} ({n} requests)",
            "",
            "| measure | result | target |",
            "|---|---:|---:|",
            f"| department type top-1 | **{pct(res['t1'], n)}** ({res['t1']}/{n}) | ≥ 85 % |",
            f"| department type top-3 | {pct(res['t3'], n)} ({res['t3']}/{n}) | ≥ 95 % |",
            f"| unit (area + level) top-1 | **{pct(res['u1'], n)}** ({res['u1']}/{n}) | ≥ 80 % |",
            f"| unit (area + level) top-3 | {pct(res['u3'], n)} ({res['u3']}/{n}) | ≥ 95 % |",
            f"| proposals an agent would change (type or unit wrong) | {pct(n - res['u1'], n)} | |",
            f"| decided by a duty-list entry | {pct(res['duty'], n)}, right type in "
            f"{pct(res['duty_right'], res['duty'])} of those | |",
            "",
        ]

    lines = [
        "# Hotline routing — measured results",
        "",
        f"Machine: {machine()}. Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        "",
        f"Router: memory of corrections → duty list ({len(duties)} entries, "
        "lianxin/hotline/routing/data/duties.toml) → classifier (trained on the generated "
        f"train split + the duty list's examples ×5, {seed_train_s:.1f} s); places from the "
        "gazetteer; units from a directory built like the demo's.",
        "",
    ]
    lines += table(
        "Citizens' requests, set C (citizens_c.csv, written after the last change, never tuned on)",
        res_cc,
    )
    lines += [
        f"## Requests in other provinces' style (other_provinces.csv, {res_o['n']} requests, "
        "no place; department type only)",
        "",
        f"- department type top-1 **{pct(res_o['t1'], res_o['n'])}**, top-3 "
        f"{pct(res_o['t3'], res_o['n'])} (target ≥ 60 %)",
        "",
    ]
    lines += table(
        "Citizens' requests, set B (citizens_b.csv; the duty list was widened after its first run)",
        res_b,
    )
    lines += table(
        "Citizens' requests, set A (citizens.csv, written before the router existed)", res_c
    )
    if not args.only_citizens:
        held = list(read_requests("heldout"))
        res_h = score(router, resolver, held, False)
        probe = read_csv(PROBE)
        res_p = score(router, resolver, probe, False)
        lines += [
            f"## Generated held-out split (requests.csv, {res_h['n']} requests)",
            "",
            f"- department type top-1 {pct(res_h['t1'], res_h['n'])}, top-3 {pct(res_h['t3'], res_h['n'])}",
            f"- place exact (texts that name one): {pct(res_h['area_ok'], res_h['with_area'])}",
            "",
            f"## Older probe (probe.csv, {res_p['n']} requests)",
            "",
            f"- department type top-1 {pct(res_p['t1'], res_p['n'])}, top-3 {pct(res_p['t3'], res_p['n'])}",
            "",
        ]
        if args.replay:
            rows = replay()
            res_r = score(router, resolver, rows, False)
            returned = returned_orders()
            avoided = sum(
                1
                for r in returned
                if (router.route(r["text"], None, resolver).unit or {}).get("code") != r["returned"]
            )
            lines += [
                f"## Replay of the demo's dispatched and returned orders ({res_r['n']} orders)",
                "",
                f"- department type top-1 {pct(res_r['t1'], res_r['n'])}, top-3 {pct(res_r['t3'], res_r['n'])}",
                f"- unit (area + level) top-1 {pct(res_r['u1'], res_r['n'])}, top-3 {pct(res_r['u3'], res_r['n'])}",
                f"- proposals an agent would change: {pct(res_r['n'] - res_r['u1'], res_r['n'])}",
                f"- returned orders ({len(returned)}): the router proposes a unit other than the "
                f"one that returned it for {pct(avoided, len(returned))}",
                "",
            ]
        lat = latency(router, resolver, [r["text"] for r in citizens])
        secs, feats = training_time(args.train_size)
        lines += [
            "## Latency of route() (1,000 calls over the citizens' texts, one thread)",
            "",
            f"- p50 {lat['p50']:.2f} ms, **p95 {lat['p95']:.2f} ms** (target ≤ 30 ms), "
            f"p99 {lat['p99']:.2f} ms, max {lat['max']:.2f} ms",
            "",
            f"## Training on {args.train_size:,} synthetic orders (+ duty list ×5)",
            "",
            f"- **{secs:.1f} s**, {feats:,} n-gram features",
            "",
        ]
        lines.append("## Citizens' requests still routed wrongly\n")
        lines += res_cc["wrong"] + res_b["wrong"] + res_c["wrong"] or ["(none)"]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        RESULTS.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
