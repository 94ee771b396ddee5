"""Writes for divisions, grids and buildings."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from lianxin.core.errors import ApplicationError
from lianxin.core.servicekit import audited

from .models import LEVEL_BY_LENGTH, Building, Division, Grid, Level
from .selectors import divisions_csv_rows, short_name


@transaction.atomic
def divisions_load() -> int:
    """Load (or refresh) the vendored GB/T 2260 divisions; idempotent. Returns rows created."""
    existing = set(Division.objects.values_list("code", flat=True))
    rows = divisions_csv_rows()
    new = [
        Division(
            code=r["code"],
            name=r["name"],
            short_name=short_name(r["name"]),
            level=LEVEL_BY_LENGTH[len(r["code"])],
            parent_id=r["parent_code"] or None,
        )
        for r in rows
        if r["code"] not in existing
    ]
    # parents first: rows are ordered by level in the file, but sort to be safe
    new.sort(key=lambda d: len(d.code))
    Division.objects.bulk_create(new, batch_size=1000)
    return len(new)


@transaction.atomic
def grid_create(*, actor: Any, division: Division, name: str) -> Grid:
    """A grid belongs to a community or village; its name is unique there."""
    if division.level != Level.VILLAGE:
        raise ApplicationError("网格只能建在社区或村")
    name = name.strip()
    if not name:
        raise ApplicationError("网格名称不能为空")
    if Grid.objects.filter(division=division, name=name).exists():
        raise ApplicationError(f"{division.short_name}已有名为“{name}”的网格")
    grid = Grid(
        division=division, name=name, created_by=actor if getattr(actor, "pk", None) else None
    )
    grid.save()
    return audited(grid, actor=actor, action="areas.grid.create", changes={"name": name})


@transaction.atomic
def building_create(
    *,
    actor: Any,
    grid: Grid,
    name: str,
    party_member_household: str = "",
    party_member_phone: str = "",
) -> Building:
    """A building in a grid, with its party-member household (党员中心户)."""
    from lianxin.core import phone

    name = name.strip()
    if not name:
        raise ApplicationError("楼栋名称不能为空")
    if Building.objects.filter(grid=grid, name=name).exists():
        raise ApplicationError(f"{grid}已有楼栋“{name}”")
    try:
        normalised = phone.normalise(party_member_phone)
    except phone.PhoneError as exc:
        raise ApplicationError(str(exc)) from exc
    building = Building(
        grid=grid,
        name=name,
        party_member_household=party_member_household.strip(),
        party_member_phone=normalised,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    building.save()
    return audited(building, actor=actor, action="areas.building.create", changes={"name": name})
