"""`lianxin serve`: the web server with the background worker beside it; Ctrl-C stops both."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "启动网站和后台任务进程"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--no-worker", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        signal.signal(signal.SIGTERM, _interrupt)
        worker = None
        if not options["no_worker"]:
            if getattr(settings, "REDIS_URL", ""):
                worker_cmd = [sys.executable, "-m", "lianxin", "rqworker", "default"]
            else:
                worker_cmd = [sys.executable, "-m", "lianxin", "db_worker", "--no-reload"]
            worker = subprocess.Popen(worker_cmd, env=os.environ.copy())  # noqa: S603
            self.stdout.write(f"后台任务进程已启动（pid {worker.pid}）")
        self.stdout.write(
            f"连心已在 http://{options['host']}:{options['port']}/ 提供服务，按 Ctrl-C 停止"
        )
        try:
            call_command("runserver", f"{options['host']}:{options['port']}", use_reloader=False)
        except KeyboardInterrupt:
            pass
        finally:
            if worker is not None:
                worker.terminate()
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()
