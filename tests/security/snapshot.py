"""“Nothing changed”: row counts and the latest ``updated_at`` of every model, audit rows included.

One statement for all tables (a UNION of one count per table): the access matrix takes a
snapshot before and after every request of every role, and ~140 models × 2 queries each made
that matrix a third of the suite's time."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.apps import apps
from django.db import connection

# Tables that change on every request by design, not by what the request asked for.
VOLATILE = {"sessions.Session", "axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog"}


def tracked_models() -> list[Any]:
    return [
        m
        for m in apps.get_models()
        if m._meta.label not in VOLATILE and not m._meta.proxy and m._meta.managed
    ]


@cache
def _snapshot_sql() -> tuple[tuple[str, ...], str]:
    quote = connection.ops.quote_name
    labels, parts = [], []
    for model in tracked_models():
        has_updated = any(f.name == "updated_at" for f in model._meta.concrete_fields)
        # as text, so that every branch of the UNION has one type on PostgreSQL too
        column = quote(model._meta.get_field("updated_at").column) if has_updated else "NULL"
        latest = f"CAST(MAX({column}) AS VARCHAR(64))"
        labels.append(model._meta.label)
        parts.append(
            f"SELECT {len(parts)} AS i, COUNT(*) AS n, {latest} AS m "  # noqa: S608 (model tables)
            f"FROM {quote(model._meta.db_table)}"
        )
    return tuple(labels), " UNION ALL ".join(parts)


def snapshot() -> dict[str, tuple[int, Any]]:
    labels, sql = _snapshot_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    return {labels[i]: (n, m) for i, n, m in rows}


def changed(before: dict[str, tuple[int, Any]], after: dict[str, tuple[int, Any]]) -> list[str]:
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
