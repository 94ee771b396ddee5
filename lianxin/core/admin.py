"""The Django admin is the system administrator's tool only (等保三级 三权分立): an account needs
``is_staff`` *and* an active system_admin assignment. The audit log is not in the admin (it is
read in the audit administrator's viewer, /audit/, and cannot be changed by anyone)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from .roles import Role
from .scoping import scope_of

_staff_only = admin.site.has_permission


def _system_admin_only(request: HttpRequest) -> bool:
    return bool(_staff_only(request)) and scope_of(request.user).has_role(Role.SYSTEM_ADMIN)


admin.site.has_permission = _system_admin_only  # type: ignore[method-assign]
admin.site.site_header = "连心 系统管理"
admin.site.site_title = "连心 系统管理"
