"""Health for the proxy and the monitoring system (issue #15): ``/healthz`` says the process is
up; ``/readyz`` checks what a request needs — the database, the cache (Redis when configured),
the task queue's depth, disk space under var/ and the age of the last audit checkpoint — and
answers 503 when the database or the cache is down. Neither answer holds personal data."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

MIN_FREE_BYTES = 1 << 30  # 1 GiB


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def queue_counts() -> dict[str, int]:
    """Tasks waiting and failed in the database queue (django-tasks-db); empty with Redis."""
    if "django_tasks_db" not in settings.INSTALLED_APPS:
        return {}
    from django_tasks_db.models import DBTaskResult

    return {
        "ready": DBTaskResult.objects.ready().count(),
        "running": DBTaskResult.objects.running().count(),
        "failed": DBTaskResult.objects.failed().count(),
    }


def _checkpoint_age() -> float | None:
    path = Path(
        getattr(settings, "AUDIT_CHECKPOINT_PATH", settings.VAR_DIR / "audit-checkpoints.log")
    )
    return round(time.time() - path.stat().st_mtime) if path.exists() else None


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return False
    return True


def readiness() -> tuple[bool, dict[str, Any]]:
    checks: dict[str, Any] = {}
    ready = database_ok()
    checks["database"] = "ok" if ready else "不可用"
    try:
        cache.set("lianxin:readyz", "1", 10)
        checks["cache"] = "ok" if cache.get("lianxin:readyz") == "1" else "不可用"
    except Exception:  # noqa: BLE001 - any cache backend failure means "not ready"
        checks["cache"] = "不可用"
    ready = ready and checks["cache"] == "ok"
    if checks["database"] == "ok":
        try:
            checks["queue"] = queue_counts()
        except DatabaseError:
            checks["queue"] = "不可用"
    var = Path(settings.VAR_DIR)
    free = shutil.disk_usage(var if var.exists() else Path(os.sep)).free
    checks["disk_free_mb"] = free // (1 << 20)
    checks["disk"] = "ok" if free >= MIN_FREE_BYTES else "空间不足"
    checks["audit_checkpoint_age_seconds"] = _checkpoint_age()
    return ready, checks


@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    ready, checks = readiness()
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )
