"""`lianxin analytics refresh`: recompute the dashboard's kept aggregate (``IndicatorCount``:
one GROUP BY per indicator, rolled up to every area level). The scheduler runs it every 10
minutes (settings.LIANXIN_SCHEDULE); a leader's 刷新 button queues the same work."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lianxin.analytics.aggregates import refresh


class Command(BaseCommand):
    help = "看板指标汇总：refresh 重新计算各区域指标"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("refresh", help="重新计算看板指标汇总表")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        data = refresh()
        rows = sum(len(v) for v in data.values.values())
        self.stdout.write(
            f"看板指标已刷新：{len(data.values)} 项指标，{rows} 行，"
            f"用时 {time.perf_counter() - started:.1f} 秒"
        )
