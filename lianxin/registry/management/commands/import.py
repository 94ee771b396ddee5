"""`lianxin import households FILE [--dry-run] [--report OUT.xlsx]` (shared/contracts/imports.md).
Exit codes: 0 written (or nothing to write), 1 bad rows, 2 unusable file."""  # noqa: N999

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lianxin.registry.household_import import read
from lianxin.registry.household_import import report as import_report
from lianxin.registry.household_import.apply import households_import


class Command(BaseCommand):
    help = "导入住户信息台账（.xlsx 或 .csv）：lianxin import households 文件 [--dry-run] [--report 报告.xlsx]"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "kind", choices=["households"], help="导入的数据：households（住户及成员）"
        )
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="只检查并报告，不写入")
        parser.add_argument("--report", type=Path, help="把报告写入该 .xlsx 文件")
        parser.add_argument("--max-errors", type=int, default=200, help="屏幕上最多显示的错误数")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        report: Path | None = options["report"]
        if not path.is_file():
            self.stderr.write(f"文件不存在：{path}")
            sys.exit(2)
        started = time.monotonic()
        try:
            result = households_import(
                actor=None, path=path, dry_run=options["dry_run"], source_name=path.name
            )
        except read.UnusableFile as exc:
            self.stderr.write(f"文件不可用：{exc.message}")
            if report:
                import_report.write_report(
                    report, summary=[("结果", f"文件不可用：{exc.message}")], errors=[], warnings=[]
                )
            sys.exit(2)
        limit = options["max_errors"]
        for e in result.errors[:limit]:
            self.stdout.write(f"第{e.row}行 [{e.column}] “{e.value}”：{e.reason}")
        if len(result.errors) > limit:
            self.stdout.write(f"……另有{len(result.errors) - limit}个错误，详见报告")
        for w in result.warnings[:limit]:
            self.stdout.write(f"警告 第{w.row}行 [{w.column}] “{w.value}”：{w.reason}")
        for label, value in result.summary():
            self.stdout.write(f"{label}：{value}")
        self.stdout.write(f"用时：{time.monotonic() - started:.1f}秒")
        if report:
            import_report.write_report(
                report, summary=result.summary(), errors=result.errors, warnings=result.warnings
            )
            self.stdout.write(f"报告已写入 {report}")
        if result.errors:
            sys.exit(1)
