"""Employment benchmarks (issue 19 targets):

1. matching N seekers against M posts, ranked lists (top 10) for all: ≤ 5 s at 10k × 2k —
   timed as (a) loading both sides from the database into arrays and (b) the numpy ranking;
2. one seeker's ranked posts as the page asks them (``selectors.ranked_posts``): ≤ 100 ms;
3. the season's funnel for the region (``selectors.funnel``): ≤ 150 ms p95.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lianxin_employment \
        .venv/bin/lianxin migrate && \
    DATABASE_URL=... .venv/bin/python benchmarks/employment/bench.py --seekers 10000 --posts 2000
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

from benchmarks._common import django_setup, fmt, int_options  # noqa: E402


def main() -> None:
    args = int_options(seekers=10_000, posts=2_000, runs=30)
    django_setup()
    from django.db import connection

    from benchmarks.employment.seed import seed
    from lianxin.employment import matching, selectors
    from lianxin.employment.models import JobSeeker, Post

    t = time.perf_counter()
    ctx = seed(seekers=args.seekers, posts=args.posts)
    print(
        f"seed {args.seekers} seekers × {args.posts} posts ({connection.vendor}): {time.perf_counter() - t:.1f} s"
    )
    user, season = ctx["user"], ctx["season"]

    t0 = time.perf_counter()
    s = matching.load_seekers(JobSeeker.objects.filter(status="verified"))
    p = matching.load_posts(Post.objects.filter(status="open"))
    t1 = time.perf_counter()
    ids, scores = matching.rank(s, p, k=10)
    t2 = time.perf_counter()
    filled = int((ids >= 0).sum())
    print(
        f"1. match all {len(s)} × {len(p)}: load {t1 - t0:.2f} s + rank {t2 - t1:.2f} s = "
        f"{t2 - t0:.2f} s ({filled} ranked entries, top-10 each)"
    )

    seekers = list(JobSeeker.objects.filter(status="verified").order_by("?")[: args.runs])
    times = []
    for seeker in seekers:
        a = time.perf_counter()
        selectors.ranked_posts(user=user, seeker=seeker, limit=20)
        times.append((time.perf_counter() - a) * 1000)
    print(f"2. one seeker's ranked posts (with reasons): {fmt(times)}")

    times = []
    for _ in range(args.runs):
        a = time.perf_counter()
        figures = selectors.funnel(user=user, season=season)
        times.append((time.perf_counter() - a) * 1000)
    print(f"3. season funnel {figures}: {fmt(times)}")


if __name__ == "__main__":
    main()
