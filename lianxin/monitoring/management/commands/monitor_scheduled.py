"""`lianxin monitor_scheduled [--as-of DATE]`: queue a comparison for every area whose rosters
changed since its last run. Meant for cron (e.g. nightly); idempotent for the same day."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from lianxin.core.dates import DateError, parse_date
from lianxin.monitoring.services import runs_schedule


class Command(BaseCommand):
    help = "为名册有更新的区域排队执行大数据比对（供定时任务调用）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", default="", help="比对基准日，默认今天")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            as_of = parse_date(options["as_of"]) if options["as_of"] else timezone.localdate()
        except DateError as exc:
            raise CommandError(str(exc)) from exc
        assert isinstance(as_of, dt.date)
        runs = runs_schedule(as_of=as_of)
        self.stdout.write(
            f"已排队 {len(runs)} 个比对：" + "、".join(r.area.short_name for r in runs)
        )
