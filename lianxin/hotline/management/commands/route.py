"""`lianxin route "<text>"`: the routing proposal as the contract's JSON, units from the directory."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lianxin.hotline.selectors import route_request


class Command(BaseCommand):
    help = "给出12345诉求的派单建议（JSON，见 shared/contracts/hotline.md）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("text", help="诉求内容")
        parser.add_argument("--location", default=None, help="已知地点（区划代码或地名）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            proposal = route_request(text=options["text"], location=options["location"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(proposal.as_dict(), ensure_ascii=False, indent=2))
