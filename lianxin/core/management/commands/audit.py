"""`lianxin audit verify`: walk the audit hash chain and report tampering."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lianxin.core.audit import verify_chain


class Command(BaseCommand):
    help = "审计日志工具：verify 校验哈希链"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        checked, broken = verify_chain()
        if broken:
            raise CommandError(
                f"审计日志被篡改：共校验 {checked} 条，异常 {len(broken)} 条，首个异常ID {broken[0]}"
            )
        self.stdout.write(self.style.SUCCESS(f"审计日志完整：共校验 {checked} 条"))
