"""Queryset helpers for the apps' selectors."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import QuerySet

_Q = TypeVar("_Q", bound=QuerySet[Any])


def filter_given(qs: _Q, **lookups: Any) -> _Q:
    """``qs`` narrowed by each lookup that has a value: the filters of a list (status, rule,
    ``area_code__startswith``…) where an empty choice (``""``, ``None``, ``False``) means all."""
    given = {lookup: value for lookup, value in lookups.items() if value}
    return qs.filter(**given) if given else qs
