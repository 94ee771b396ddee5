"""Sections of the household page (the household hub): each app contributes what it knows about
a household — its care case, work orders, alerts, benefits, services — without the registry
importing it. Register in ``apps.py`` ``ready()``:

    from lianxin.core import householdsections
    householdsections.register(my_section, order=30)

``provider(user, household)`` returns a ``Section`` (or None / a list of sections) for a user who
may see the household (the registry has already checked that); the provider scopes its own rows
to the user (``for_user``) and links each row to its page. ``actions`` are buttons the hub shows
at the top of the page (start a visit, a discovery, a referral…)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Row:
    label: str  # the row's main text (a case number, an order's title…)
    url: str = ""  # the page it links to
    detail: str = ""  # a second, quieter line (stage, date, unit…)
    badge: str = ""  # short status text shown as a badge
    badge_class: str = ""  # red | yellow | blue | green


@dataclass
class Section:
    title: str
    rows: list[Row] = field(default_factory=list)
    actions: list[tuple[str, str]] = field(default_factory=list)  # (label, url)
    empty: str = "无"
    more_url: str = ""  # a link to the full list when rows were cut
    order: int = 100
    key: str = ""  # a stable identifier for tests and anchors (``data-section``)


Provider = Callable[[Any, Any], "Section | Iterable[Section] | None"]
_PROVIDERS: list[tuple[int, Provider]] = []


def register(provider: Provider, *, order: int = 100) -> None:
    entry = (order, provider)
    if entry not in _PROVIDERS:
        _PROVIDERS.append(entry)


def sections_for(*, user: Any, household: Any) -> list[Section]:
    """Every registered section for this household, in order."""
    sections: list[Section] = []
    for order, provider in sorted(_PROVIDERS, key=lambda e: e[0]):
        result = provider(user, household)
        if result is None:
            continue
        items = [result] if isinstance(result, Section) else list(result)
        for section in items:
            if section.order == 100:
                section.order = order
            sections.append(section)
    return sorted(sections, key=lambda s: s.order)


def actions_of(sections: Iterable[Section]) -> list[tuple[str, str]]:
    seen: set[tuple[str, str]] = set()
    out = []
    for section in sections:
        for action in section.actions:
            if action not in seen:
                seen.add(action)
                out.append(action)
    return out
