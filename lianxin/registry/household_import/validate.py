"""Validating the rows of a household file: one row at a time (``validate_row``) and the
rules across rows (``check_rows``: one head per household, duplicates, …)."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from lianxin.core import dates, idnumber, phone
from lianxin.core.spreadsheet.dictionary import default_dictionary

from ..models import Relationship
from .columns import (
    _MONTH_ONLY,
    _RELATIONSHIP_HINT,
    _YEAR_ONLY,
    COLUMN_BY_KEY,
    RELATIONSHIPS,
    ParsedRow,
    RowError,
    cell_text,
    clean_name,
    is_masked,
    mask_for_report,
    normalise_ethnicity,
    parse_disability_type,
    parse_grade,
    parse_sex,
    parse_tags,
)

# --- rows -----------------------------------------------------------------------------------


def validate_row(
    row: int,
    values: dict[str, Any],
    *,
    region_known: Callable[[str], bool] = lambda code: True,
    relationship_of: Callable[[str], str | None] | None = None,
) -> tuple[ParsedRow | None, list[RowError]]:
    """One data row: a ParsedRow, or the row's errors (warnings are returned either way)."""
    problems: list[RowError] = []
    relationship_of = relationship_of or default_dictionary().relationship

    def err(key: str, reason: str, *, warning: bool = False) -> None:
        problems.append(
            RowError(
                row,
                COLUMN_BY_KEY[key].title,
                mask_for_report(key, cell_text(values.get(key))),
                reason,
                warning,
            )
        )

    household_no = cell_text(values.get("household_no"))
    if not household_no:
        err(
            "household_no", "户编号不能为空（没有户编号列时，按低保证号、户主身份证号或户主行分户）"
        )
    elif len(household_no) > 40:
        err("household_no", "户编号不能超过40个字符")
    division_code = cell_text(values.get("division_code")).replace(" ", "")
    if values.get("_place_error"):
        err("division_code", str(values["_place_error"]))
    elif not division_code:
        err("division_code", "区划代码不能为空")
    elif not re.fullmatch(r"\d{12}", division_code):
        err("division_code", "区划代码应为12位数字（社区或村）")
    grid = cell_text(values.get("grid"))[:60]
    address = cell_text(values.get("address"))[:200]
    name = clean_name(values.get("name"))
    if not name:
        err("name", "姓名不能为空")
    elif len(name) > 40:
        err("name", "姓名不能超过40个字符")
    parsed_id: idnumber.IdNumber | None = None
    if values.get("_id_error"):
        err("id_number", str(values["_id_error"]))
    elif not cell_text(values.get("id_number")):
        err("id_number", "身份证号不能为空")
    else:
        try:
            parsed_id = idnumber.parse(values.get("id_number"))
        except idnumber.IdNumberError as exc:
            err("id_number", str(exc))
    written = cell_text(values.get("relationship")).replace(" ", "")
    relationship = written if written in RELATIONSHIPS else (relationship_of(written) or "")
    if not written:
        err("relationship", "与户主关系不能为空")
    elif relationship not in RELATIONSHIPS:
        err("relationship", _RELATIONSHIP_HINT)
    sex = ""
    try:
        sex = parse_sex(values.get("sex"))
    except ValueError as exc:
        err("sex", str(exc))
    if sex and parsed_id and sex != parsed_id.sex:
        err("sex", f"性别与身份证号不一致（身份证号为{'男' if parsed_id.sex == 'M' else '女'}）")
    birth: dt.date | None = None
    month = _MONTH_ONLY.match(cell_text(values.get("birth_date")))
    year_only = _YEAR_ONLY.match(cell_text(values.get("birth_date")))
    if year_only:  # the ledger export shows the birth year only (ADR 0009): compare the year
        if parsed_id and parsed_id.birth_date.year != int(year_only.group(1)):
            err(
                "birth_date", f"出生年份与身份证号不一致（身份证号为{parsed_id.birth_date.year}年）"
            )
    elif month:  # 出生年月 such as 1962年03月: only the year and month can be compared
        year, mon = (int(g) for g in month.groups() if g)
        if parsed_id and (parsed_id.birth_date.year, parsed_id.birth_date.month) != (year, mon):
            err(
                "birth_date",
                f"出生年月与身份证号不一致（身份证号为{parsed_id.birth_date:%Y年%m月}）",
            )
    else:
        try:
            birth = dates.parse_date(values.get("birth_date"))
        except dates.DateError as exc:
            err("birth_date", str(exc))
    if birth and parsed_id and birth != parsed_id.birth_date:
        err(
            "birth_date",
            f"出生日期与身份证号不一致（身份证号为{parsed_id.birth_date.isoformat()}）",
        )
    ethnicity = normalise_ethnicity(values.get("ethnicity"))
    phone_number = ""
    try:
        # a masked number from the ledger export (139****2345, （不可见）) means "unchanged"
        if not is_masked(values.get("phone")):
            phone_number = phone.normalise(values.get("phone"))
    except phone.PhoneError as exc:
        err("phone", str(exc))
    disability_type = ""
    try:
        disability_type = parse_disability_type(values.get("disability_type"))
    except ValueError as exc:
        err("disability_type", str(exc))
    grade: int | None = None
    try:
        grade = parse_grade(values.get("disability_grade"))
    except ValueError as exc:
        err("disability_grade", str(exc))
    if disability_type and grade is None and cell_text(values.get("disability_grade")) == "":
        err("disability_grade", "填写了残疾类别时必须填写残疾等级")
    if grade is not None and not disability_type and cell_text(values.get("disability_type")) == "":
        err("disability_type", "填写了残疾等级时必须填写残疾类别")
    tags: tuple[str, ...] = ()
    try:
        tags = parse_tags(values.get("hardship_tags"))
    except ValueError as exc:
        err("hardship_tags", str(exc))
    if parsed_id and not region_known(parsed_id.region_code):
        err(
            "id_number",
            f"身份证号前六位地区码{parsed_id.region_code}不在宁夏现行或历史区划中，请核实（不影响导入）",
            warning=True,
        )
    if any(not p.is_warning for p in problems) or parsed_id is None:
        return None, problems
    return (
        ParsedRow(
            row=row,
            household_no=household_no,
            division_code=division_code,
            grid=grid,
            address=address,
            name=name,
            id_number=parsed_id.number,
            relationship=relationship,
            sex=parsed_id.sex,
            birth_date=parsed_id.birth_date,
            ethnicity=ethnicity,
            phone=phone_number,
            disability_type=disability_type,
            disability_grade=grade,
            tags=tags,
        ),
        problems,
    )


def check_rows(rows: list[ParsedRow], failed_households: Iterable[str] = ()) -> list[RowError]:
    """Rules across rows: an ID number appears once; a household has exactly one 户主 and one
    community and grid. A household one of whose rows failed (often the head's own) is not
    told it has no 户主: that row's own error is the one to fix."""
    failed = set(failed_households)
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    by_household: dict[str, list[ParsedRow]] = defaultdict(list)
    for r in rows:
        first_row = seen.setdefault(r.id_number, r.row)
        if first_row != r.row:
            errors.append(
                RowError(
                    r.row,
                    "身份证号",
                    mask_for_report("id_number", r.id_number),
                    f"身份证号与第{first_row}行重复",
                )
            )
        by_household[r.household_no].append(r)
    for number, members in by_household.items():
        heads = [m for m in members if m.relationship == Relationship.HEAD]
        if not heads and number not in failed:
            errors.append(
                RowError(
                    members[0].row, "与户主关系", members[0].relationship, f"户编号{number}没有户主"
                )
            )
        for extra in heads[1:]:
            errors.append(
                RowError(
                    extra.row,
                    "与户主关系",
                    extra.relationship,
                    f"户编号{number}有多名户主（第{heads[0].row}行已是户主）",
                )
            )
        first = members[0]
        for m in members[1:]:
            if m.division_code != first.division_code:
                errors.append(
                    RowError(
                        m.row,
                        "区划代码",
                        m.division_code,
                        f"同一户的区划代码不一致（第{first.row}行为{first.division_code}）",
                    )
                )
            if m.grid and first.grid and m.grid != first.grid:
                errors.append(
                    RowError(
                        m.row,
                        "网格",
                        m.grid,
                        f"同一户的网格不一致（第{first.row}行为{first.grid}）",
                    )
                )
    return errors
