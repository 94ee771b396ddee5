"""`lianxin backup DIR`: database, uploaded files and a manifest with checksums (core.backup)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lianxin.core import backup


class Command(BaseCommand):
    help = "备份数据库和上传文件到一个空目录（密钥不在备份中，请另行保管）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup.backup(Path(options["directory"]))
        except backup.BackupError as exc:
            raise CommandError(exc.message) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"已备份：{len(manifest['tables'])} 张表 {rows} 行，"
            f"{len(manifest['media']['files'])} 个上传文件，用时 {manifest['seconds']} 秒"
        )
