"""Reads of divisions, grids and buildings."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db.models import Count, QuerySet

from lianxin.core.scoping import get_for_user_or_404

from .models import Building, Division, Grid, Level

DATA_DIR = Path(__file__).resolve().parent / "data"
_SUFFIXES = ("社区居民委员会", "居民委员会", "村民委员会", "社区居委会", "居委会", "村委会")


def short_name(name: str) -> str:
    """Display name of a village-level division: 安秀社区居委会 → 安秀社区, 姚滩村委会 → 姚滩村."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            if suffix.startswith("社区") or suffix.startswith("居"):
                return stem if stem.endswith("社区") else f"{stem}社区"
            return stem if stem.endswith("村") else f"{stem}村"
    return name


def divisions_csv_rows() -> list[dict[str, str]]:
    with (DATA_DIR / "ningxia_divisions.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@lru_cache(maxsize=1)
def _historical_codes() -> dict[str, dict[str, str]]:
    with (DATA_DIR / "historical_codes.csv").open(encoding="utf-8") as fh:
        return {row["code"]: row for row in csv.DictReader(fh)}


@lru_cache(maxsize=4096)
def region_of_id_code(code: str) -> tuple[str, bool]:
    """Name of the place an ID number's first six digits denote, and whether it is known.
    Current counties come from the divisions, abolished ones from the historical table; codes
    outside Ningxia are valid but unknown here (a warning, never a rejection)."""
    division = Division.objects.filter(code=code).only("name").first()
    if division is not None:
        return division.name, True
    historical = _historical_codes().get(code)
    if historical is not None:
        return f"{historical['name']}（已撤销）", True
    return "", False


def division_get_for_user(*, user: Any, code: str) -> Division:
    return get_for_user_or_404(Division.objects.select_related("parent"), user, code=code)


def division_children(*, user: Any, division: Division) -> QuerySet[Division]:
    return Division.objects.for_user(user).filter(parent=division).order_by("code")


def division_roots_for_user(*, user: Any) -> QuerySet[Division]:
    """The top divisions of the user's own assignments (what "my areas" starts from)."""
    from lianxin.core.scoping import scope_of

    codes = scope_of(user).all_area_codes()
    return Division.objects.filter(code__in=codes).order_by("code")


def division_list(*, user: Any, search: str = "", level: str = "") -> QuerySet[Division]:
    qs = Division.objects.for_user(user)
    if search:
        qs = qs.filter(short_name__contains=search.strip())
    if level:
        qs = qs.filter(level=level)
    return qs.order_by("code")


def division_path(division: Division) -> list[Division]:
    from lianxin.core.scoping import ancestors_of

    codes = ancestors_of(division.code)
    by_code = {d.code: d for d in Division.objects.filter(code__in=codes)}
    return [by_code[c] for c in codes if c in by_code] + [division]


def grid_list(*, user: Any, area_code: str = "", search: str = "") -> QuerySet[Grid]:
    qs = (
        Grid.objects.for_user(user)
        .select_related("division")
        .annotate(building_count=Count("buildings"))
    )
    if area_code:
        qs = qs.filter(area_code__startswith=area_code)
    if search:
        qs = qs.filter(name__contains=search.strip())
    return qs.order_by("area_code", "name")


def grid_get_for_user(*, user: Any, pk: int) -> Grid:
    return get_for_user_or_404(Grid.objects.select_related("division"), user, pk=pk)


def building_list(*, user: Any, grid: Grid) -> QuerySet[Building]:
    return Building.objects.for_user(user).filter(grid=grid).order_by("name")


def village_level() -> str:
    return Level.VILLAGE
