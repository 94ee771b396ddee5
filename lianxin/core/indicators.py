"""Dashboard indicators (issue #20). Each app contributes the figures it owns the way it
contributes home panels: in ``AppConfig.ready()``, ``indicators.register(Indicator(...))``.

An indicator is the count of a list: ``rows(area_code)`` returns the (unscoped) queryset of the
rows behind the figure inside a division subtree — the dashboard counts it, and the same queryset,
scoped to the user with ``for_user``, is the list a figure links to, so a figure and its list
cannot disagree. A value indicator (a rate) gives ``value(area_code)`` instead and has no list.
The analytics app assembles them; it never imports another app's models."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet


@dataclass(frozen=True)
class Column:
    label: str
    value: Callable[[Any], Any]


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    section: str
    rows: Callable[[str], QuerySet[Any]] | None = None
    value: Callable[[str], float | int | None] | None = None
    unit: str = ""
    definition: str = ""
    columns: Sequence[Column] = field(default_factory=tuple)
    # counts persons or households: under 5 is shown as "<5" to aggregate-only roles
    counts_people: bool = False
    # a page of the app showing the same rows (path builder), optional
    page: Callable[[str], str] | None = None
    order: int = 100

    @property
    def has_list(self) -> bool:
        return self.rows is not None


SECTIONS = {
    "care": ("关爱帮扶", 10),
    "hotline": ("12345热线", 20),
    "monitoring": ("大数据比对", 30),
    "benefits": ("救助资金", 40),
    "resources": ("爱心联盟", 50),
    "volunteers": ("微心愿与志愿服务", 60),
    "employment": ("残疾人就业", 70),
}

_registry: dict[str, Indicator] = {}


def register(indicator: Indicator) -> None:
    _registry[indicator.key] = indicator


def all_indicators() -> list[Indicator]:
    return sorted(
        _registry.values(), key=lambda i: (SECTIONS.get(i.section, (i.section, 999))[1], i.order)
    )


def get(key: str) -> Indicator | None:
    return _registry.get(key)
