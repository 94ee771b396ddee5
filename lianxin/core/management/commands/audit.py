"""`lianxin audit verify`: link what is committed, walk the keyed audit chain and compare it
with the checkpoints kept outside the database; `lianxin audit checkpoint`: append a checkpoint;
`lianxin audit chain`: link the committed rows not yet in the chain (the scheduler runs both)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils import timezone

from lianxin.core.audit import chain, checkpoint_write, checkpoints_verify, unlinked, verify_chain

#: the scheduler's chainer looks back this far (older stragglers: `audit verify` links them)
CHAIN_LOOKBACK = timedelta(days=1)


class Command(BaseCommand):
    help = "审计日志工具：verify 校验哈希链和检查点；checkpoint 写入检查点；chain 链接未入链的记录"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "checkpoint", "chain"])
        parser.add_argument("--file", default=None, help="检查点文件（默认 AUDIT_CHECKPOINT_FILE）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "chain":
            try:
                linked = chain(since=timezone.now() - CHAIN_LOOKBACK)
            except DatabaseError as exc:  # another chainer held the lock too long: next minute
                raise CommandError(f"审计记录入链失败：{exc.__class__.__name__}") from exc
            self.stdout.write(f"已入链 {linked} 条")
            return
        if options["action"] == "checkpoint":
            entry = checkpoint_write(options["file"])
            self.stdout.write(
                self.style.SUCCESS(
                    f"已写入检查点：{entry['count']} 条，末条序号 {entry['last_seq']}"
                )
            )
            return
        late = unlinked()
        checked, broken = verify_chain()
        problems = checkpoints_verify(options["file"])
        late_line = (
            f"{len(late)} 条记录超过1分钟未入链（入链定时任务未运行？首个ID {late[0]}）"
            if late
            else ""
        )
        if broken or problems:
            lines = []
            if broken:
                lines.append(f"共校验 {checked} 条，异常 {len(broken)} 条，首个异常ID {broken[0]}")
            lines.extend(problems[:10])
            lines.extend([late_line] if late else [])
            raise CommandError("审计日志被篡改：" + "；".join(lines))
        if late:
            raise CommandError("审计日志校验未通过：" + late_line)
        self.stdout.write(self.style.SUCCESS(f"审计日志完整：共校验 {checked} 条"))
