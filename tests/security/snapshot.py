"""“Nothing changed”: row counts and the latest ``updated_at`` of every model, audit rows included."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import Max

# Tables that change on every request by design, not by what the request asked for.
VOLATILE = {"sessions.Session", "axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog"}


def tracked_models() -> list[Any]:
    return [
        m
        for m in apps.get_models()
        if m._meta.label not in VOLATILE and not m._meta.proxy and m._meta.managed
    ]


def snapshot() -> dict[str, tuple[int, Any]]:
    state: dict[str, tuple[int, Any]] = {}
    for model in tracked_models():
        manager = model._base_manager
        has_updated = any(f.name == "updated_at" for f in model._meta.concrete_fields)
        latest = manager.aggregate(m=Max("updated_at"))["m"] if has_updated else None
        state[model._meta.label] = (manager.count(), latest)
    return state


def changed(before: dict[str, tuple[int, Any]], after: dict[str, tuple[int, Any]]) -> list[str]:
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
