"""`lianxin monitor`: compare roster files and write alerts (contracts/monitoring.md).

From the command line `lianxin monitor` runs without Django (lianxin/__main__.py →
lianxin.monitoring.pipeline.cli); this command is the same run for `call_command`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lianxin.monitoring.pipeline.cli import HELP, UsageError, add_arguments, run


class Command(BaseCommand):
    help = HELP
    # The comparison reads files, not the site: Django's system checks would import every view
    # (and the hotline router's scikit-learn) only to be thrown away — seconds of start-up.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            lines = run(options)
        except UsageError as error:
            raise CommandError(str(error)) from error
        self.stdout.write("\n".join(lines))
