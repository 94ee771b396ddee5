"""`lianxin monitor` as an officer runs it (a new process, Django start included) against a plain
DuckDB exact-ID join of the same files in a new process (issue #15: within 3x at 1 M residents,
within 2x and 2 GiB peak at 7.2 M).

    python benchmarks/monitoring/cli_vs_join.py --n 1000000 [--repeat 3]

Uses the data of bench.py (generated once, seeded, reused). Each run is a child process timed
from fork to exit; peak memory is the child's maximum resident set. Prints the best of
``--repeat`` runs of each (the machine is often shared), the ratio, F1 of the command's alerts,
the load average and the machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(ROOT), str(HERE)]

from bench import AS_OF, ensure_data, machine  # noqa: E402

ROSTERS = ("civil_affairs", "disability", "two_subsidies", "deaths", "medical")

JOIN = """
import sys, duckdb
data, out, rosters = sys.argv[1], sys.argv[2], sys.argv[3:]
con = duckdb.connect()
con.execute("CREATE TABLE res AS SELECT * FROM read_csv('%s/residents.csv', all_varchar=true)" % data)
for roster in rosters:
    con.execute(
        "COPY (SELECT d.*, r.household_no AS resident_household FROM "
        "read_csv('%s/%s.csv', all_varchar=true) d LEFT JOIN res r ON r.id_number = d.id_number) "
        "TO '%s/%s.csv' (HEADER)" % (data, roster, out, roster)
    )
"""


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, float]:
    """Wall seconds, peak GiB and CPU seconds of one child process (rusage of a fresh waiter):
    on a shared machine the CPU seconds are the steadier measure of the work."""
    wrapper = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
        "w = time.perf_counter() - t\n"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(w, u.ru_maxrss, u.ru_utime + u.ru_stime)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", wrapper, *command],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    wall, peak_kb, cpu = done.stdout.split()
    return float(wall), int(peak_kb) / 1024 / 1024, float(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data = ROOT / "var" / "bench" / "monitoring" / f"n{args.n}-s{args.seed}"
    ensure_data(args.n, args.seed, data)
    sources = data / "sources"  # the rosters alone, as an officer's folder holds them
    sources.mkdir(exist_ok=True)
    for name in ("residents", *ROSTERS):
        link = sources / f"{name}.csv"
        if not link.exists():
            link.symlink_to(data / f"{name}.csv")
    out = data / "cli"
    shutil.rmtree(out, ignore_errors=True)
    (out / "join").mkdir(parents=True)
    lianxin = str(Path(sys.executable).with_name("lianxin"))
    env = dict(os.environ, DJANGO_SETTINGS_MODULE=os.environ.get("DJANGO_SETTINGS_MODULE", ""))
    if not env["DJANGO_SETTINGS_MODULE"]:
        env.pop("DJANGO_SETTINGS_MODULE")
    join_runs, cli_runs = [], []
    for _ in range(args.repeat):
        join_runs.append(
            timed([sys.executable, "-c", JOIN, str(data), str(out / "join"), *ROSTERS])
        )
        cli_runs.append(
            timed(
                [
                    lianxin,
                    "monitor",
                    "--sources",
                    str(sources),
                    "--as-of",
                    AS_OF.isoformat(),
                    "--out",
                    str(out / "alerts.csv"),
                ],
                env,
            )
        )
    from score import score

    f1 = score(out / "alerts.csv", data / "truth.csv")[-1].f1
    join_wall, join_peak, join_cpu = min(join_runs)
    cli_wall, cli_peak, cli_cpu = min(cli_runs)
    print(f"machine: {machine()}; n = {args.n:,}; load average {os.getloadavg()[0]:.1f}")
    print(
        f"plain DuckDB exact-ID join (new process): {join_wall:.2f} s wall, {join_cpu:.2f} s CPU, "
        f"peak {join_peak:.2f} GiB"
    )
    print(
        f"lianxin monitor (new process):            {cli_wall:.2f} s wall, {cli_cpu:.2f} s CPU, "
        f"peak {cli_peak:.2f} GiB"
    )
    print(f"ratio {cli_wall / join_wall:.2f}x wall, {cli_cpu / join_cpu:.2f}x CPU; F1 {f1:.4f}")
    print(
        "all runs (wall s):",
        [round(r[0], 2) for r in join_runs],
        [round(r[0], 2) for r in cli_runs],
    )


if __name__ == "__main__":
    main()
