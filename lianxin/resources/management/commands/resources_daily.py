"""``lianxin resources_daily``: suspend the love cards of households whose assistance status
lapsed (and restore those that regained it), and list medicine about to expire. Idempotent;
run it once a day from the scheduler."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from lianxin.resources import selectors, services


class Command(BaseCommand):
    help = "爱心卡随救助状态暂停/恢复；共享药箱临期提醒"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--area", default="", help="区划代码（默认全区）")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = services.cards_sync_status(area_code=options["area"])
        self.stdout.write(f"爱心卡：暂停{counts['suspended']}张，恢复{counts['restored']}张")
        expiring = selectors.expiring_items_all(area_code=options["area"])
        self.stdout.write(f"共享药箱：{expiring.count()}批药品将在30天内过期")
        for item in expiring[:50]:
            self.stdout.write(f"  {item.box.code} {item.medicine.name} 有效期至{item.expires_on}")
