"""Test data for the registry: valid ID numbers, households with members, household files."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path
from typing import Any

from lianxin.areas.models import Division, Grid
from lianxin.core import idnumber
from lianxin.registry import services
from lianxin.registry.household_import.columns import COLUMNS
from lianxin.registry.models import Household, Person
from lianxin.registry.services import MemberInput

_sequence = itertools.count(100)


def make_id(
    region: str = "640104",
    birth: dt.date = dt.date(1980, 1, 2),
    sex: str = "M",
    seq: int | None = None,
) -> str:
    """A valid 18-digit ID number; sex decides the parity of the 17th digit."""
    n = next(_sequence) if seq is None else seq
    body3 = f"{(n * 2 + (1 if sex == 'M' else 0)) % 1000:03d}"
    body = f"{region}{birth:%Y%m%d}{body3}"
    return body + idnumber.check_digit(body)


def household(
    *,
    division: Division,
    grid: Grid | None = None,
    members: list[tuple[str, str, str]] | None = None,
    number: str = "",
    actor: Any = None,
) -> Household:
    """A household registered through the service (actor None = system)."""
    members = members or [("张建国", make_id(division.code[:6]), "户主")]
    return services.household_register(
        actor=actor,
        division=division,
        grid=grid,
        number=number,
        address="1号楼101",
        members=[MemberInput(name=n, id_number=i, relationship=r) for n, i, r in members],
    )


def homophones(world: Any, actor: Any) -> tuple[Household, Household]:
    """Two households of village A's first grid headed by 王梅 and 王玫, both women born
    1985-05-05: the registry takes them for a possible duplicate."""
    birth = dt.date(1985, 5, 5)
    return tuple(  # type: ignore[return-value]
        household(
            actor=actor,
            division=world.a.village,
            grid=world.a.grid,
            members=[(name, make_id(birth=birth, sex="F"), "户主")],
        )
        for name in ("王梅", "王玫")
    )


def ma_family(world: Any, worker: Any, *, spouse: bool = False) -> Household:
    """The tests' family in village A's first grid: 马德福 (head, born 1950), his wife 李秀兰
    (born 1952) when ``spouse``, and their grandson 马小军 (born 2013)."""
    members = [("马德福", make_id(birth=dt.date(1950, 1, 1)), "户主")]
    if spouse:
        members.append(("李秀兰", make_id(birth=dt.date(1952, 2, 2), sex="F"), "配偶"))
    members.append(("马小军", make_id(birth=dt.date(2013, 3, 3)), "孙子女"))
    return household(actor=worker, division=world.a.village, grid=world.a.grid, members=members)


def person_of(household: Household, name: str) -> Person:
    return Person.objects.get(
        memberships__household=household, memberships__ended_on__isnull=True, name=name
    )


HEADER = [c.title for c in COLUMNS]


def row(**values: Any) -> list[Any]:
    """A data row in template order from column keys."""
    return [values.get(c.key) for c in COLUMNS]


def member_row(
    household_no: str, division_code: str, name: str, id_number: Any, relationship: str, **more: Any
) -> list[Any]:
    """``row`` of one member of household ``household_no`` in village ``division_code``."""
    return row(
        household_no=household_no,
        division_code=division_code,
        name=name,
        id_number=id_number,
        relationship=relationship,
        **more,
    )


def write_xlsx(
    path: Path,
    rows: list[list[Any]],
    *,
    title: str | None = "安秀社区住户信息台账",
    merges: list[str] = (),
    header: list[str] | None = None,
) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
        ws.append([])
    ws.append(header or HEADER)
    for r in rows:
        ws.append(r)
    for m in merges:
        ws.merge_cells(m)
    wb.save(path)
    return path


def write_csv(path: Path, rows: list[list[Any]], *, encoding: str = "utf-8-sig") -> Path:
    import csv

    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for r in rows:
            w.writerow(["" if v is None else v for v in r])
    return path
