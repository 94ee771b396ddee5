"""`lianxin monitor`: compare roster files and write alerts (contracts/monitoring.md)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lianxin.monitoring.pipeline import PipelineError, run_pipeline, summary_lines

# The region's 7.2 million residents compare within 2 GB of memory (issue #15): DuckDB spills
# what does not fit to the run's temporary folder instead of growing to 80 % of the machine.
DEFAULT_MEMORY_LIMIT = "1200MB"


def _as_of(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"比对日期 {value!r} 不是 YYYY-MM-DD 格式的日期。") from error


class Command(BaseCommand):
    help = "比对各部门名册与户籍人口名册，输出预警（alerts.csv）和待人工核查名单（review.csv）。"
    # The comparison reads files, not the site: Django's system checks would import every view
    # (and the hotline router's scikit-learn) only to be thrown away — seconds of start-up.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
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

    def handle(self, *args: Any, **options: Any) -> None:
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
            raise CommandError(str(error)) from error
        self.stdout.write("\n".join(summary_lines(result)))
