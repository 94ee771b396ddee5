"""Row scoping (ARCHITECTURE.md "Scoping"): every scoped model's QuerySet has ``for_user(user)``;
a single object comes from ``get_for_user_or_404`` which answers 404 for "missing" and "not
yours" alike. The user's scope is resolved once per request by the accounts app
(``settings.LIANXIN_SCOPE_RESOLVER``), so core never imports accounts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any, Self, TypeVar

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.module_loading import import_string

from .roles import AREA_STAFF_ROLES, Role


@dataclass(frozen=True)
class Grant:
    """One assignment: a role over a division subtree, optionally a grid and an organisation."""

    role: str
    area_code: str
    grid_id: int | None = None
    organisation_id: int | None = None


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    grants: tuple[Grant, ...] = field(default_factory=tuple)

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(g.role for g in self.grants)

    def has_role(self, *roles: str) -> bool:
        return any(g.role in roles for g in self.grants)

    def area_prefixes(self, roles: Iterable[str] = AREA_STAFF_ROLES) -> tuple[str, ...]:
        wanted = set(roles)
        return tuple(sorted({g.area_code for g in self.grants if g.role in wanted}))

    def grid_ids(self) -> frozenset[int]:
        return frozenset(
            g.grid_id for g in self.grants if g.role == Role.GRID_WORKER and g.grid_id is not None
        )

    def organisation_ids(self, roles: Iterable[str] | None = None) -> frozenset[int]:
        wanted = set(roles) if roles is not None else None
        return frozenset(
            g.organisation_id
            for g in self.grants
            if g.organisation_id is not None and (wanted is None or g.role in wanted)
        )

    def all_area_codes(self) -> tuple[str, ...]:
        return tuple(sorted({g.area_code for g in self.grants}))


EMPTY_SCOPE = Scope(user_id=None)


def scope_of(user: Any) -> Scope:
    """The user's scope, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return EMPTY_SCOPE
    cached = getattr(user, "_lianxin_scope", None)
    if cached is None:
        cached = import_string(settings.LIANXIN_SCOPE_RESOLVER)(user)
        user._lianxin_scope = cached
    return cached


NOTHING = Q(pk__in=[])


def prefix_q(field_name: str, prefixes: Iterable[str]) -> Q:
    """Rows whose area code lies in any of the division subtrees (codes nest by prefix)."""
    parts = [Q(**{f"{field_name}__startswith": p}) for p in prefixes if p]
    return reduce(or_, parts) if parts else NOTHING


def ancestors_of(code: str) -> list[str]:
    """The division codes above ``code`` (64 → 6401 → 640104 → 640104001), nearest last."""
    cuts = [2, 4, 6, 9]
    return [code[:n] for n in cuts if n < len(code)]


class ScopedQuerySet(models.QuerySet):
    """Base for every scoped model's QuerySet: subclasses say which rows a scope covers."""

    def scope_q(self, scope: Scope) -> Q:
        raise NotImplementedError

    def for_user(self, user: Any) -> Self:
        scope = scope_of(user)
        if not scope.grants:
            return self.none()
        return self.filter(self.scope_q(scope))


M = TypeVar("M", bound=models.Model)


def get_for_user_or_404(queryset: models.QuerySet[M], user: Any, **lookup: Any) -> M:
    """One object the user may see; 404 whether it is missing or not theirs."""
    scoped = queryset.for_user(user)  # type: ignore[attr-defined]
    try:
        return scoped.get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404("未找到或无权访问") from exc
