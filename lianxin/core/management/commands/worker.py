"""`lianxin worker`: the background task worker. With the database queue it first puts back the
tasks a crashed worker of this host left RUNNING (lianxin/core/worker.py), then runs
django-tasks' ``db_worker`` under the id ``<host>:<pid>``; with Redis it hands RQ's clean-up the
jobs a crashed worker of this host left started (retried: lianxin/core/rqretry.py) and runs
``rqworker`` under the same kind of name, with RQ's scheduler for delayed retries."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from lianxin.core.worker import requeue_orphans, uses_database_queue, worker_id


class Command(BaseCommand):
    help = "启动后台任务进程（先恢复上次中断的任务）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="处理完队列中的任务后退出")

    def handle(self, *args: Any, **options: Any) -> None:
        if not uses_database_queue():
            from lianxin.core.rqretry import recover_abandoned

            recovered = recover_abandoned()
            if recovered:
                self.stdout.write(f"已恢复 {recovered} 个中断的后台任务，将重新执行")
            self.stdout.flush()
            call_command(
                "rqworker",
                *settings.RQ_QUEUES,
                burst=options["batch"],
                name=worker_id(),
                with_scheduler=True,
            )
            return
        requeued = requeue_orphans()
        if requeued:
            self.stdout.write(f"已恢复 {requeued} 个中断的后台任务，将重新执行")
        call_command(
            "db_worker",
            worker_id=worker_id(),
            reload=False,
            batch=options["batch"],
            startup_delay=False,
            verbosity=options["verbosity"],
        )
