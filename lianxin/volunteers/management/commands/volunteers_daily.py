"""``lianxin volunteers_daily``: lapse overdue wish claims and expire points (run once a day)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from lianxin.volunteers import services


class Command(BaseCommand):
    help = "微心愿逾期认领退回心愿墙；积分到期清零"

    def handle(self, *args: Any, **options: Any) -> None:
        lapsed = services.wish_lapse_overdue()
        expired = services.points_expire()
        self.stdout.write(f"逾期退回心愿 {lapsed} 个；到期清零积分 {expired} 分")
