"""`lianxin monitor`'s arguments and run, shared by the Django command and the fast path.

The comparison reads files, not the site: `lianxin monitor` starts without Django
(`lianxin/__main__.py` comes here straight away), so an officer's run does not wait for the
settings, the apps and their imports (issue #15: the command within 3x a plain DuckDB join,
process start included). `lianxin.monitoring.management.commands.monitor` is the same
command for `call_command` and the scheduler.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

from .errors import PipelineError

# The region's 7.2 million residents compare within 2 GB of memory (issue #15): DuckDB spills
# what does not fit to the run's temporary folder instead of growing to 80 % of the machine.
DEFAULT_MEMORY_LIMIT = "1200MB"
HELP = "比对各部门名册与户籍人口名册，输出预警（alerts.csv）和待人工核查名单（review.csv）。"


class UsageError(Exception):
    """A wrong argument, said in Chinese (the Django command raises it as CommandError)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sources", required=True, type=Path, help="名册文件所在目录")
    parser.add_argument("--as-of", required=True, help="比对日期 YYYY-MM-DD")
    parser.add_argument("--out", required=True, type=Path, help="预警输出文件 alerts.csv")
    parser.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
    parser.add_argument(
        "--memory-limit",
        default=os.environ.get("LIANXIN_MONITOR_MEMORY", DEFAULT_MEMORY_LIMIT),
        help=f"DuckDB 可用内存上限，超出部分暂存磁盘（默认 {DEFAULT_MEMORY_LIMIT}；"
        "环境变量 LIANXIN_MONITOR_MEMORY）",
    )


def _as_of(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise UsageError(f"比对日期 {value!r} 不是 YYYY-MM-DD 格式的日期。") from error


def run(options: dict[str, Any]) -> list[str]:
    """Run the comparison the options describe; the summary lines. Raises UsageError."""
    from .run import run_pipeline, summary_lines

    as_of = _as_of(options["as_of"])
    try:
        result = run_pipeline(
            options["sources"],
            as_of,
            options["out"],
            engine=options["engine"],
            memory_limit=options["memory_limit"] or None,
        )
    except PipelineError as error:
        raise UsageError(str(error)) from error
    return summary_lines(result)


def main(argv: list[str]) -> int:
    """`lianxin monitor ARGS` without Django: exit 0, or 1 with the Chinese message (the
    same words and exit code as a Django command's CommandError)."""
    # Only single characters are ever read as pinyin here, for which pypinyin's phrase
    # dictionary changes nothing (checked over all 41,923 characters it knows); not loading it
    # saves a quarter of a second.
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
    # Django starts only if a department's own layout needs the administrators' column names.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    parser = argparse.ArgumentParser(prog="lianxin monitor", description=HELP)
    add_arguments(parser)
    options = vars(parser.parse_args(argv))
    try:
        lines = run(options)
    except UsageError as error:
        sys.stderr.write(f"CommandError: {error}\n")
        return 1
    sys.stdout.write("\n".join(lines) + "\n")
    return 0
