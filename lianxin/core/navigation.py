"""The staff UI's navigation: each app registers its entries in its AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    roles: frozenset[str] | None  # None: every signed-in user with any assignment
    order: int = 100


_ENTRIES: list[NavEntry] = []


def register(
    label: str, url_name: str, *, roles: Iterable[str] | None = None, order: int = 100
) -> None:
    entry = NavEntry(label, url_name, frozenset(roles) if roles is not None else None, order)
    if entry not in _ENTRIES:
        _ENTRIES.append(entry)


def entries_for(roles: frozenset[str]) -> list[NavEntry]:
    return sorted(
        (e for e in _ENTRIES if e.roles is None or e.roles & roles),
        key=lambda e: (e.order, e.label),
    )
