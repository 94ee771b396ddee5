"""The dictionary of column names as administrators keep it: the seed file plus the changes in
``core.ColumnName``, applied in revision order. Built again only when the latest change moves."""

from __future__ import annotations

from typing import Any

from .dictionary import Dictionary, seed_dictionary

_cached: tuple[Any, Dictionary] | None = None


def _latest() -> Any:
    from lianxin.core.models import ColumnName

    return (
        ColumnName.objects.order_by("-revision").values_list("revision", "pk", "created_at").first()
    )


def current_revision() -> int:
    latest = _latest()
    return latest[0] if latest else 0


def current_dictionary() -> Dictionary:
    global _cached  # noqa: PLW0603 -- a per-process cache keyed by the latest change
    latest = _latest()
    if _cached is not None and _cached[0] == latest:
        return _cached[1]
    from lianxin.core.models import ColumnName

    changes = ColumnName.objects.order_by("revision").values_list(
        "column", "name", "weak", "is_active"
    )
    dictionary = seed_dictionary(list(changes), revision=latest[0] if latest else 0)
    _cached = (latest, dictionary)
    return dictionary
