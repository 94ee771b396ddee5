"""`lianxin dashboard_snapshot [--month YYYY-MM]`: freeze the month's indicators for the region,
its cities and counties (default: last month). The scheduler runs it daily; a month already
frozen is left as it is."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from lianxin.analytics.dashboard import snapshot_month


class Command(BaseCommand):
    help = "冻结月度指标快照（默认上月）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="YYYY-MM，默认上月")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["month"]:
            try:
                month = dt.date.fromisoformat(f"{options['month']}-01")
            except ValueError as exc:
                raise CommandError("月份格式应为 YYYY-MM") from exc
        else:
            month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        started = time.perf_counter()
        made = snapshot_month(month=month)
        self.stdout.write(
            f"{month:%Y年%m月}：新增快照 {made} 条，用时 {time.perf_counter() - started:.1f} 秒"
        )
