"""One scheduler for the periodic jobs (issue #15), hosted beside the task worker by
``lianxin serve`` (or run alone as ``lianxin scheduler``), so that no operator has to remember a
cron line. Jobs are management commands listed in ``settings.LIANXIN_SCHEDULE``; each runs at
most once per period across every scheduler process (a cache lock, Redis when configured), and a
failing job is logged and retried at the next period, never stops the others.

Run exactly one scheduler per installation when the cache is local memory (the default without
Redis); with Redis, several may run and the lock keeps each job single."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError

log = logging.getLogger("lianxin.scheduler")


@dataclass(frozen=True)
class Job:
    name: str
    command: tuple[str, ...]
    every_minutes: int

    @property
    def available(self) -> bool:
        return self.command[0] in get_commands()


def jobs() -> list[Job]:
    return [
        Job(name=j["name"], command=tuple(j["command"]), every_minutes=int(j["every_minutes"]))
        for j in getattr(settings, "LIANXIN_SCHEDULE", [])
    ]


def run_due(now: float | None = None, runner: Callable[..., object] = call_command) -> list[str]:
    """Run every job whose period has passed; returns the names that ran."""
    now = time.time() if now is None else now
    ran = []
    for job in jobs():
        if not job.available:
            continue
        slot = int(now // (job.every_minutes * 60))
        if not cache.add(f"lianxin:schedule:{job.name}:{slot}", "1", job.every_minutes * 60):
            continue
        try:
            runner(*job.command)
        except (CommandError, OSError, ValueError) as exc:
            log.error("定时任务失败：%s（%s）", job.name, exc.__class__.__name__)
            continue
        log.warning("定时任务完成：%s", job.name)
        ran.append(job.name)
    return ran


def loop(tick_seconds: int = 30) -> None:  # pragma: no cover - runs until stopped
    while True:
        run_due()
        time.sleep(tick_seconds)
