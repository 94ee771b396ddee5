"""The system administrator's page (运行状态, issue #15): readiness, the task queue's depth,
failed tasks with their error class and a retry. Shows task names and errors, never the
arguments (they may name residents' records)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST

from . import audit
from .health import readiness
from .roles import Role
from .scoping import scope_of
from .worker import uses_database_queue

TASK_LABEL = "后台任务"


def _require_admin(request: HttpRequest) -> None:
    if not scope_of(request.user).has_role(Role.SYSTEM_ADMIN):
        raise PermissionDenied("仅系统管理员可以查看运行状态")


def _db_queue() -> bool:
    return uses_database_queue()


@login_required
@require_http_methods(["GET"])
def status(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    ready, checks = readiness()
    failed = []
    if _db_queue():
        from django_tasks_db.models import DBTaskResult

        failed = list(
            DBTaskResult.objects.failed()
            .order_by("-finished_at")
            .only("id", "task_path", "finished_at", "exception_class_path")[:50]
        )
    return render(request, "core/ops.html", {"ready": ready, "checks": checks, "failed": failed})


@login_required
@require_POST
def retry(request: HttpRequest, task_id: str) -> HttpResponse:
    """Enqueue a failed task again with the same arguments (tasks are idempotent)."""
    _require_admin(request)
    if not _db_queue():
        raise Http404
    from django.utils.module_loading import import_string
    from django_tasks_db.models import DBTaskResult

    try:
        result = DBTaskResult.objects.failed().get(pk=task_id)
    except (DBTaskResult.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    task = import_string(result.task_path)
    args_kwargs = result.args_kwargs or {}
    task.enqueue(*args_kwargs.get("args", []), **args_kwargs.get("kwargs", {}))
    audit.record(actor=request.user, action="core.task.retry", changes={"task": result.task_path})
    messages.success(request, f"已重新排队：{result.task_path.rsplit('.', 1)[-1]}")
    return redirect("ops:status")


app_name = "ops"
urlpatterns = [
    path("", status, name="status"),
    path("tasks/<str:task_id>/retry/", retry, name="retry"),
]
