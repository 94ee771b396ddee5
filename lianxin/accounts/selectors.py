"""Reads about users: the scope resolver that every for_user() starts from."""

from __future__ import annotations

from typing import Any

from lianxin.core.scoping import Grant, Scope

from .models import Assignment

#: the attribute the session's user carries his active grants in, read with him in one
#: statement (``backends.ScopedModelBackend``); absent, they are read on first use
GRANTS_ATTRIBUTE = "_lianxin_grant_rows"


def scope_for_user(user: Any) -> Scope:
    """The user's grants from active assignments of an active user (settings.LIANXIN_SCOPE_RESOLVER)."""
    if not user.is_active:
        return Scope(user_id=user.pk)
    rows = getattr(user, GRANTS_ATTRIBUTE, None)  # read with the user (backends.py)
    if rows is not None:
        grants = tuple(
            Grant(
                role=r["role"],
                area_code=r["area"],
                grid_id=r["grid"],
                organisation_id=r["organisation"],
            )
            for r in rows
        )
        return Scope(user_id=user.pk, grants=grants)
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
