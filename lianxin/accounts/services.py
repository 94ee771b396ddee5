"""Writes about users and assignments."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lianxin.areas.models import Division, Grid
from lianxin.core import audit
from lianxin.core.errors import ApplicationError
from lianxin.core.roles import Role
from lianxin.core.servicekit import audited
from lianxin.directory.models import Organisation

from .models import Assignment, User


@transaction.atomic
def user_create(*, actor: Any, username: str, password: str, display_name: str = "") -> User:
    """A new account; the password must satisfy the password rules."""
    if User.objects.filter(username=username).exists():
        raise ApplicationError(f"用户名“{username}”已存在")
    user = User(username=username, display_name=display_name)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError("；".join(exc.messages)) from exc
    user.set_password(password)
    user.save()
    return audited(user, actor=actor, action="accounts.user.create", changes={"username": username})


@transaction.atomic
def assignment_grant(
    *,
    actor: Any,
    user: User,
    role: str,
    area: Division,
    grid: Grid | None = None,
    organisation: Organisation | None = None,
) -> Assignment:
    """Grant a role over an area. A grid worker's grid must lie in the area."""
    if role == Role.GRID_WORKER:
        if grid is None:
            raise ApplicationError("网格员必须指定网格")
        if not grid.area_code.startswith(area.code):
            raise ApplicationError("网格不在所选区域内")
    assignment, created = Assignment.objects.get_or_create(
        user=user,
        role=role,
        area=area,
        grid=grid,
        organisation=organisation,
        defaults={"is_active": True},
    )
    if not created and not assignment.is_active:
        assignment.is_active = True
        assignment.save(update_fields=["is_active", "updated_at"])
    audit.record(
        actor=actor,
        action="accounts.assignment.grant",
        target=assignment,
        area_code=area.code,
        changes={"user": user.username, "role": role, "area": area.code},
    )
    return assignment


@transaction.atomic
def user_disable(*, actor: Any, user: User) -> None:
    """Disable an account and end all its sessions at once (AUTH-02)."""
    if not user.is_active:
        return
    user.is_active = False
    user.save(update_fields=["is_active"])
    from rest_framework.authtoken.models import Token

    Token.objects.filter(user=user).delete()
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
    audit.record(actor=actor, action="accounts.user.disable", target=user)
