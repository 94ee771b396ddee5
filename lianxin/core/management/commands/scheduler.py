"""`lianxin scheduler`: the periodic jobs of settings.LIANXIN_SCHEDULE (core.scheduler)."""

from __future__ import annotations

import contextlib
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lianxin.core import scheduler


class Command(BaseCommand):
    help = "运行定时任务（比对、提醒、审计锚定、派单模型训练）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="只检查一次到期的任务")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            for name in scheduler.run_due():
                self.stdout.write(f"已运行：{name}")
            return
        self.stdout.write("定时任务已启动")
        with contextlib.suppress(KeyboardInterrupt):
            scheduler.loop()
