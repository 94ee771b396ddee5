"""`lianxin serve`: gunicorn (workers from the core count) with the task worker and the
scheduler beside it; Ctrl-C or SIGTERM stops all three. ``--dev`` runs Django's development
server instead (auto-reload off), for developers only."""

from __future__ import annotations

import os
import signal
import subprocess  # noqa: S404
import sys
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def default_workers() -> int:
    return min(2 * (os.cpu_count() or 1) + 1, 9)


class Command(BaseCommand):
    help = "启动网站（gunicorn）、后台任务进程和定时任务"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--workers", type=int, default=0, help="网站进程数（默认按CPU核数）")
        parser.add_argument("--no-worker", action="store_true", help="不启动后台任务进程")
        parser.add_argument("--no-scheduler", action="store_true", help="不启动定时任务")
        parser.add_argument("--dev", action="store_true", help="使用 Django 开发服务器（仅开发）")

    def _spawn(self, label: str, cmd: list[str]) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(cmd, env=self.env)  # noqa: S603
        self.stdout.write(f"{label}已启动（pid {proc.pid}）")
        return proc

    def handle(self, *args: Any, **options: Any) -> None:
        signal.signal(signal.SIGTERM, _interrupt)
        # The platform as users see it: never Django's debug pages. The development settings
        # (the console script's default) are served with the demo settings, DEBUG off.
        self.env = os.environ.copy()
        if not options["dev"] and self.env.get("DJANGO_SETTINGS_MODULE", "") in (
            "",
            "config.settings.dev",
        ):
            self.env["DJANGO_SETTINGS_MODULE"] = "config.settings.demo"
        children: list[subprocess.Popen[bytes]] = []
        me = [sys.executable, "-m", "lianxin"]
        try:
            if not options["no_worker"]:
                children.append(self._spawn("后台任务进程", [*me, "worker"]))
            if not options["no_scheduler"]:
                children.append(self._spawn("定时任务进程", [*me, "scheduler"]))
            address = f"{options['host']}:{options['port']}"
            self.stdout.write(f"连心已在 http://{address}/ 提供服务，按 Ctrl-C 停止")
            if options["dev"]:
                call_command("runserver", address, use_reloader=False)
                return
            workers = (
                options["workers"]
                or int(os.environ.get("WEB_CONCURRENCY", 0))
                or (default_workers())
            )
            web = self._spawn(
                "网站进程",
                [
                    sys.executable, "-m", "gunicorn", "config.wsgi:application",
                    "--bind", address, "--workers", str(workers),
                    "--preload", "--timeout", "120", "--graceful-timeout", "10",
                    "--max-requests", "2000", "--max-requests-jitter", "200",
                ],
            )  # fmt: skip
            children.append(web)
            while all(p.poll() is None for p in children):
                time.sleep(1)
            failed = next(p for p in children if p.poll() is not None)
            self.stderr.write(f"进程 {failed.pid} 已退出（{failed.returncode}），正在停止其他进程")
        except KeyboardInterrupt:
            pass
        finally:
            for proc in children:
                if proc.poll() is None:
                    proc.terminate()
            for proc in children:
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
