"""Reads of the directory, including the unit lookup that hotline routing uses."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from lianxin.areas.models import Level
from lianxin.core.querysets import filter_given
from lianxin.core.scoping import ancestors_of, get_for_user_or_404

from .models import Organisation

LEVEL_ORDER = [Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP]
CONTRACT_LEVEL: dict[str, str] = {
    Level.PROVINCE: "region",
    Level.CITY: "city",
    Level.COUNTY: "county",
    Level.TOWNSHIP: "township",
}


def organisation_list(
    *,
    user: Any,
    search: str = "",
    dept_type: str = "",
    level: str = "",
    area_code: str = "",
    kind: str = "",
) -> QuerySet[Organisation]:
    qs = Organisation.objects.for_user(user).filter(is_active=True)
    if search:
        term = search.strip()
        qs = qs.filter(Q(name__contains=term) | Q(code__startswith=term))
    qs = filter_given(
        qs, dept_type=dept_type, level=level, kind=kind, area_code__startswith=area_code
    )
    return qs.select_related("area").order_by("area_code", "name")


def organisation_get_for_user(*, user: Any, pk: int) -> Organisation:
    return get_for_user_or_404(Organisation.objects.select_related("area", "parent"), user, pk=pk)


def handling_unit_for(
    *, dept_type: str, area_code: str | None, min_level: str = "township"
) -> Organisation | None:
    """The handling unit of ``dept_type`` nearest to ``area_code``: the area itself, then each
    ancestor up to the region. ``min_level`` ("region", "city", "county", "township") stops the
    walk from choosing a unit below that level (regional matters go to regional bodies)."""
    code = area_code or "64"
    chain = [*ancestors_of(code), code]
    allowed_lengths = {"region": 2, "city": 4, "county": 6, "township": 9}.get(min_level, 9)
    candidates = [c for c in chain if len(c) <= allowed_lengths]
    units = {
        u.area_code: u
        for u in Organisation.objects.filter(
            dept_type=dept_type, is_handling_unit=True, is_active=True, area_code__in=candidates
        )
    }
    for c in reversed(candidates):
        if c in units:
            return units[c]
    return None


def unit_as_contract(unit: Organisation | None) -> dict[str, str] | None:
    if unit is None:
        return None
    return {
        "name": unit.name,
        "code": unit.code,
        "area_code": unit.area_code,
        "level": CONTRACT_LEVEL.get(unit.level, unit.level),
    }
