"""`lianxin restore DIR`: into an empty database and media folder, verified (core.backup)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lianxin.core import backup


class Command(BaseCommand):
    help = "从备份目录恢复到空数据库和空的上传文件目录，并核对行数和校验和"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup.restore(Path(options["directory"]))
        except backup.BackupError as exc:
            raise CommandError(exc.message) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"已恢复并核对：{len(manifest['tables'])} 张表 {rows} 行，"
            f"{len(manifest['media']['files'])} 个上传文件"
        )
