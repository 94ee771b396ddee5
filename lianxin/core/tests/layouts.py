"""Files as departments really send them, one per layout family (issue 14), built from the same
five made-up people so that every import path can be checked against the same truth:

    two households in 安秀社区 (凤凰北街街道, 兴庆区): 马建军 (户主/本人), 李秀英 (妻), 马强 (长子);
    王德福 (本人), 王梅 (次女).

``household_file`` writes the household registry's layout, ``roster_file`` a civil-affairs
低保 roster (花名册) of the same people. The .xls family is committed (``fixtures/``, written
once with xlwt, see ``make_xls_fixtures``) because nothing installed writes BIFF."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lianxin.core import idnumber

FIXTURES = Path(__file__).with_name("fixtures")
VILLAGE_CODE = "640104001007"
TOWNSHIP = "凤凰北街街道"
VILLAGE = "安秀社区"

FAMILIES = (
    "title_rows",
    "two_row_header",
    "footer",
    "markers",
    "no_birth_date",
    "place_names",
    "non_id_certificate",
    "gbk_csv",
    "relationship_words",
    "xls",
)


def make_id(birth: dt.date, seq: int, region: str = "640104") -> str:
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + idnumber.check_digit(body)


@dataclass(frozen=True)
class Member:
    name: str
    birth: dt.date
    seq: int  # odd: male, even: female
    relationship: str  # the platform's word
    written: str  # the department's word
    dibao_no: str

    @property
    def id_number(self) -> str:
        return make_id(self.birth, self.seq)

    @property
    def sex(self) -> str:
        return "M" if self.seq % 2 else "F"


PEOPLE = (
    Member("马建军", dt.date(1970, 3, 4), 11, "户主", "户主/本人", "宁低2024-0001"),
    Member("李秀英", dt.date(1972, 5, 6), 22, "配偶", "妻", "宁低2024-0001"),
    Member("马强", dt.date(1995, 7, 8), 31, "儿子", "长子", "宁低2024-0001"),
    Member("王德福", dt.date(1940, 1, 2), 41, "户主", "本人", "宁低2024-0002"),
    Member("王梅", dt.date(1968, 2, 3), 52, "女儿", "次女", "宁低2024-0002"),
)
HOUSEHOLD_OF = {"宁低2024-0001": "AX-0001", "宁低2024-0002": "AX-0002"}


@dataclass
class Sheet:
    rows: list[list[Any]]
    merges: list[str]
    suffix: str = ".xlsx"
    encoding: str = "utf-8"


Column = tuple[str, Callable[[Member], Any]]


def _columns(family: str, *, household: bool) -> list[Column]:
    id_header = {
        "markers": "*身份证号码(18位)",
        "non_id_certificate": "身份证件号码",
    }.get(family, "身份证号")
    name_header = "姓名*" if family == "markers" else "姓名"
    relationship_header = "D5.与户主关系" if family == "markers" else "与户主关系"
    words = family in (
        "relationship_words",
        "two_row_header",
        "footer",
        "title_rows",
        "xls",
        "gbk_csv",
    )
    columns: list[Column] = []
    if household:
        if family == "place_names":
            columns += [("所属乡镇", lambda m: TOWNSHIP), ("行政村（社区）", lambda m: VILLAGE)]
        elif family in ("non_id_certificate", "relationship_words", "two_row_header", "xls"):
            pass  # households grouped by the 低保证号 or by the rows under one head; place below
        else:
            columns += [
                ("户编号", lambda m: HOUSEHOLD_OF[m.dibao_no]),
                ("区划代码", lambda m: VILLAGE_CODE),
            ]
        if family in ("non_id_certificate", "relationship_words", "two_row_header", "xls"):
            columns += [("地区", lambda m: f"{TOWNSHIP}{VILLAGE}")]
    if family == "non_id_certificate":
        columns.append(("证件号码", lambda m: m.dibao_no))
    columns += [
        (name_header, lambda m: m.name),
        (id_header, lambda m: m.id_number),
        (relationship_header, lambda m: m.written if words else m.relationship),
    ]
    if family != "no_birth_date":
        birth_header = "出生日期" if family != "markers" else "D4.出生日期（yyyy-mm-dd）"
        columns.append(
            (
                birth_header,
                lambda m: (
                    m.birth.strftime("%Y年%m月") if family == "title_rows" else m.birth.isoformat()
                ),
            )
        )
    return columns


def build(family: str, *, household: bool, title: str) -> Sheet:
    columns = _columns(family, household=household)
    people = list(PEOPLE)
    rows: list[list[Any]] = []
    merges: list[str] = []
    width = len(columns)
    if family in (
        "title_rows",
        "two_row_header",
        "footer",
        "gbk_csv",
        "xls",
        "markers",
        "relationship_words",
    ):
        rows.append([title] + [None] * (width - 1))
        merges.append(f"A1:{_letter(width)}1")
    if family in ("title_rows", "xls", "gbk_csv"):
        rows.append(
            ["填报单位：兴庆区民政局", None, None, "日期：2026年11月"][:width]
            + [None] * max(0, width - 4)
        )
        rows.append(["说明：本表根据系统导出整理，请勿改动格式"] + [None] * (width - 1))
    if family in ("two_row_header", "xls"):
        group = [i for i, (h, _g) in enumerate(columns) if h in ("姓名", "身份证号", "与户主关系")]
        top = [h if i not in group else "家庭成员" for i, (h, _g) in enumerate(columns)]
        bottom = [h if i in group else None for i, (h, _g) in enumerate(columns)]
        r = len(rows) + 1
        rows.extend([top, bottom])
        merges.append(f"{_letter(group[0] + 1)}{r}:{_letter(group[-1] + 1)}{r}")
        merges.extend(
            f"{_letter(i + 1)}{r}:{_letter(i + 1)}{r + 1}" for i in range(width) if i not in group
        )
    else:
        rows.append([h for h, _g in columns])
    for member in people:
        rows.append([getter(member) for _h, getter in columns])
    if family in ("footer", "xls", "title_rows"):
        rows.append([None] * width)
        rows.append(["合计", f"{len(people)}人"] + [None] * (width - 2))
        rows.append(["制表人：张三", None, "审核人：李四", None, "日期：2026年11月1日"][:width])
    suffix = ".csv" if family == "gbk_csv" else ".xls" if family == "xls" else ".xlsx"
    return Sheet(
        rows,
        merges if suffix == ".xlsx" else merges,
        suffix,
        "gbk" if family == "gbk_csv" else "utf-8",
    )


def _letter(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def write(sheet: Sheet, path: Path) -> Path:
    if sheet.suffix == ".csv":
        with path.open("w", encoding=sheet.encoding, newline="") as fh:
            csv.writer(fh).writerows([["" if v is None else v for v in row] for row in sheet.rows])
        return path
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in sheet.rows:
        ws.append(row)
    for cells in sheet.merges:
        ws.merge_cells(cells)
    wb.save(path)
    return path


def household_file(family: str, folder: Path) -> Path:
    """The household registry of the five people in ``family``'s layout."""
    if family == "xls":
        return _copy_fixture("households.xls", folder)
    sheet = build(family, household=True, title="安秀社区住户信息台账")
    return write(sheet, folder / f"住户台账{sheet.suffix}")


def roster_file(family: str, folder: Path, name: str = "低保花名册") -> Path:
    """A 低保 roster (civil affairs) of the five people in ``family``'s layout."""
    if family == "xls":
        return _copy_fixture("低保花名册.xls", folder, name)
    sheet = build(family, household=False, title="兴庆区2026年11月城乡低保花名册")
    return write(sheet, folder / f"{name}{sheet.suffix}")


def _copy_fixture(fixture: str, folder: Path, stem: str | None = None) -> Path:
    source = FIXTURES / fixture
    target = folder / (f"{stem}.xls" if stem else fixture)
    target.write_bytes(source.read_bytes())
    return target


def make_xls_fixtures() -> None:  # pragma: no cover -- run once by hand with xlwt installed
    """Write fixtures/households.xls and fixtures/低保花名册.xls (BIFF8) with xlwt:
    ``python -c "from lianxin.core.tests.layouts import make_xls_fixtures; make_xls_fixtures()"``."""
    import xlwt  # type: ignore[import-not-found]

    FIXTURES.mkdir(exist_ok=True)
    for household, name, title in (
        (True, "households.xls", "安秀社区住户信息台账"),
        (False, "低保花名册.xls", "兴庆区2026年11月城乡低保花名册"),
    ):
        sheet = build("xls", household=household, title=title)
        book = xlwt.Workbook(encoding="utf-8")
        ws = book.add_sheet("花名册")
        merged: set[tuple[int, int]] = set()
        for cells in sheet.merges:
            (c0, r0), (c1, r1) = (_cell(x) for x in cells.split(":"))
            ws.write_merge(r0, r1, c0, c1, sheet.rows[r0][c0])
            merged |= {(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
        for r, row in enumerate(sheet.rows):
            for c, value in enumerate(row):
                if (r, c) not in merged and value is not None:
                    ws.write(r, c, value)
        book.save(str(FIXTURES / name))


def _cell(ref: str) -> tuple[int, int]:
    letters = "".join(ch for ch in ref if ch.isalpha())
    digits = "".join(ch for ch in ref if ch.isdigit())
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return col - 1, int(digits) - 1
