"""Routes of the security capability: the audit administrator's audit-log viewer."""

from __future__ import annotations

from tests.access.registry import RouteSpec

ROUTES: dict[str, RouteSpec] = {
    "audit:log": RouteSpec(
        notes="审计日志：仅审计管理员（audit_admin）；其他角色 403，见 tests/security/test_admin_separation.py"
    ),
}
