"""“My work” panels on the home page: each app registers a function that returns panels
(title, figures, links) for a user; the home page shows those that answer for the user's roles."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Panel:
    title: str
    figures: list[tuple[str, Any]] = field(default_factory=list)  # (label, value)
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url)
    order: int = 100


_PROVIDERS: list[tuple[frozenset[str] | None, Callable[[Any], Iterable[Panel]]]] = []


def register(
    provider: Callable[[Any], Iterable[Panel]], *, roles: Iterable[str] | None = None
) -> None:
    entry = (frozenset(roles) if roles is not None else None, provider)
    if entry not in _PROVIDERS:
        _PROVIDERS.append(entry)


def panels_for(*, user: Any, roles: frozenset[str]) -> list[Panel]:
    panels: list[Panel] = []
    for wanted, provider in _PROVIDERS:
        if wanted is None or wanted & roles:
            panels.extend(provider(user))
    return sorted(panels, key=lambda p: p.order)
