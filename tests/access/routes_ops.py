"""Routes of operations (issue #15): health for the proxy, the system administrator's page."""

from __future__ import annotations

from tests.access.registry import RouteSpec, on_b

ROUTES: dict[str, RouteSpec] = {
    "healthz": RouteSpec(public=True, notes="进程存活；不含任何数据"),
    "readyz": RouteSpec(public=True, notes="就绪检查：数据库、缓存、队列、磁盘；不含个人数据"),
    "ops:status": RouteSpec(notes="运行状态：仅系统管理员；其他角色 403（tests/ops/test_ops.py）"),
    "ops:retry": on_b(
        lambda w: {"task_id": "00000000-0000-0000-0000-000000000000"},
        methods=("post",),
        notes="重试失败任务：仅系统管理员",
    ),
}
