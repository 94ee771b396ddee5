"""`lianxin audit verify`: walk the keyed audit chain and compare it with the checkpoints kept
outside the database; `lianxin audit checkpoint`: append a checkpoint (the scheduler calls it)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lianxin.core.audit import checkpoint_write, checkpoints_verify, verify_chain


class Command(BaseCommand):
    help = "审计日志工具：verify 校验哈希链和检查点；checkpoint 写入检查点"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "checkpoint"])
        parser.add_argument("--file", default=None, help="检查点文件（默认 AUDIT_CHECKPOINT_FILE）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "checkpoint":
            entry = checkpoint_write(options["file"])
            self.stdout.write(
                self.style.SUCCESS(f"已写入检查点：{entry['count']} 条，末条ID {entry['last_id']}")
            )
            return
        checked, broken = verify_chain()
        problems = checkpoints_verify(options["file"])
        if broken or problems:
            lines = []
            if broken:
                lines.append(f"共校验 {checked} 条，异常 {len(broken)} 条，首个异常ID {broken[0]}")
            lines.extend(problems[:10])
            raise CommandError("审计日志被篡改：" + "；".join(lines))
        self.stdout.write(self.style.SUCCESS(f"审计日志完整：共校验 {checked} 条"))
