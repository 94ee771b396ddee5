"""Reads about users: the scope resolver that every for_user() starts from."""

from __future__ import annotations

from typing import Any

from lianxin.core.scoping import Grant, Scope

from .models import Assignment


def scope_for_user(user: Any) -> Scope:
    """The user's grants from active assignments of an active user (settings.LIANXIN_SCOPE_RESOLVER)."""
    if not user.is_active:
        return Scope(user_id=user.pk)
    grants = tuple(
        Grant(
            role=a.role, area_code=a.area_id, grid_id=a.grid_id, organisation_id=a.organisation_id
        )
        for a in Assignment.objects.filter(user=user, is_active=True).order_by("pk")
    )
    return Scope(user_id=user.pk, grants=grants)


def assignments_of(*, user: Any) -> list[Assignment]:
    return list(
        Assignment.objects.filter(user=user, is_active=True)
        .select_related("area", "grid", "organisation")
        .order_by("pk")
    )
