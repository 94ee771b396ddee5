"""Time the plain exact-ID join (what VLOOKUP does) against the pipeline on the same files.

    python benchmarks/monitoring/bench.py --n 1000000 [--engine duckdb] [--seed 7]

Generates the data once (seeded; reused when present), then runs, each in its own
process so that timings and peak memory are its own: the exact join of the raw ID
strings followed by the same rules (`mode="exact_raw"`), and the full pipeline
(normalisation + exact pass + Splink on the residue + rules). Prints both times, their
ratio, precision/recall/F1 of both against truth.csv, peak memory, and the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(ROOT), str(HERE)]

from benchmarks._common import machine  # noqa: E402

AS_OF = dt.date(2025, 12, 31)


def ensure_data(n: int, seed: int, data_dir: Path) -> Path:
    marker = data_dir / "generated.json"
    if marker.exists() and json.loads(marker.read_text())["n"] == n:
        return data_dir
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            str(HERE / "generate.py"),
            "--n",
            str(n),
            "--out",
            str(data_dir),
            "--seed",
            str(seed),
        ],
        check=True,
    )
    marker.write_text(json.dumps({"n": n, "seed": seed}))
    print(f"generated {n} residents in {time.perf_counter() - started:.1f}s")
    return data_dir


def child(mode: str, engine: str, data_dir: Path, out_dir: Path) -> None:
    """Run once in this process and print a JSON line with timing and peak memory."""
    from lianxin.monitoring.pipeline import run_pipeline

    started = time.perf_counter()
    result = run_pipeline(data_dir, AS_OF, out_dir / "alerts.csv", engine=engine, mode=mode)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak_kb = usage.ru_maxrss
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu_seconds": usage.ru_utime + usage.ru_stime,
                "load_average": os.getloadavg()[0],
                "peak_gib": peak_kb / 1024 / 1024,
                "exact": result.exact_matches,
                "probabilistic": result.probabilistic_matches,
                "review": result.review_rows,
                "alerts": result.alerts_total,
                "timings": result.timings,
            }
        )
    )


def run_child(mode: str, engine: str, data_dir: Path, out_dir: Path) -> dict:
    completed = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            mode,
            "--engine",
            engine,
            "--data",
            str(data_dir),
            "--out",
            str(out_dir),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
    parser.add_argument("--data", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--child", choices=("exact_raw", "pipeline"))
    parser.add_argument("--skip-exact", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.engine, args.data, args.out)
        return

    from score import format_scores, score

    data_dir = args.data or ROOT / "var" / "bench" / "monitoring" / f"n{args.n}-s{args.seed}"
    ensure_data(args.n, args.seed, data_dir)
    out_root = args.out or data_dir / "out"
    print(f"machine: {machine()}; n = {args.n:,} residents; engine = {args.engine}")
    runs = {}
    for mode in ("exact_raw", "pipeline"):
        if mode == "exact_raw" and args.skip_exact:
            continue
        out_dir = out_root / mode
        out_dir.mkdir(parents=True, exist_ok=True)
        runs[mode] = run_child(mode, args.engine, data_dir, out_dir)
        scores = score(out_dir / "alerts.csv", data_dir / "truth.csv")
        runs[mode]["f1"] = scores[-1].f1
        print(
            f"\n== {mode}: {runs[mode]['seconds']:.1f}s wall, {runs[mode]['cpu_seconds']:.1f}s CPU "
            f"(process total incl. imports), peak {runs[mode]['peak_gib']:.2f} GiB, "
            f"load average {runs[mode]['load_average']:.1f}"
        )
        print(
            f"   linked exactly {runs[mode]['exact']:,}, probabilistically "
            f"{runs[mode]['probabilistic']:,}, review {runs[mode]['review']:,}, "
            f"alerts {runs[mode]['alerts']:,}"
        )
        print(
            "   stage timings (cumulative s): "
            + ", ".join(f"{k} {v:.1f}" for k, v in runs[mode]["timings"].items())
        )
        print(format_scores(scores))
    if "exact_raw" in runs:
        ratio = runs["pipeline"]["seconds"] / runs["exact_raw"]["seconds"]
        print(
            f"\nexact join {runs['exact_raw']['seconds']:.1f}s (F1 {runs['exact_raw']['f1']:.4f}); "
            f"pipeline {runs['pipeline']['seconds']:.1f}s (F1 {runs['pipeline']['f1']:.4f}); "
            f"ratio {ratio:.2f}x; peak memory {max(r['peak_gib'] for r in runs.values()):.2f} GiB; "
            f"{machine()}"
        )


if __name__ == "__main__":
    main()
