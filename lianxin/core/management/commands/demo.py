"""`lianxin demo`: migrate, then let every app load its demo data in dependency order; idempotent."""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from lianxin.core.democontext import DemoContext


class Command(BaseCommand):
    help = "加载宁夏演示数据（区划、组织机构、账户、居民、工单…），可重复执行"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--households", type=int, default=300, help="另外生成的合成住户数")
        parser.add_argument("--seed", type=int, default=20261122)
        parser.add_argument("--no-migrate", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
            call_command("createcachetable", verbosity=0)
        ctx = DemoContext(
            stdout=self.stdout, households=options["households"], seed=options["seed"]
        )
        for config in apps.get_app_configs():
            if not config.name.startswith("lianxin."):
                continue
            module_name = f"{config.name}.demo"
            if find_spec(module_name) is None:
                continue
            import_module(module_name).load(ctx)
        for loader in ctx.deferred:
            loader(ctx)
        path = ctx.write_accounts()
        self.stdout.write(
            self.style.SUCCESS(
                "\n演示账户（密码均为 {}）：".format(
                    ctx.accounts[0]["password"] if ctx.accounts else ""
                )
            )
        )
        for a in ctx.accounts:
            self.stdout.write(
                f"  {a['role_label']:<14} {a['username']:<22} {a['area_name']}（{a['area_code']}）"
            )
        self.stdout.write(f"\n账户清单已写入 {path}")
