"""Reading a household file: the platform's one reader (``lianxin.core.spreadsheet``) checks
it (size, type, bombs, macros), finds the header through the dictionary of column names, and
every row is validated (validate.py) into a ``ParsedRow`` or Chinese row errors."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from lianxin.core import idnumber
from lianxin.core.spreadsheet import Dictionary, UnusableFile, open_table
from lianxin.core.spreadsheet import check_file as _check_file
from lianxin.core.spreadsheet.dictionary import default_dictionary
from lianxin.core.spreadsheet.reader import HEADER_SCAN_ROWS, find_layout, iter_raw

from ..models import Relationship
from .columns import (
    COLUMN_BY_KEY,
    EXTRA_KEYS,
    HOUSEHOLD_KEYS,
    PLACE_KEYS,
    RELATIONSHIPS,
    REQUIRED_KEYS,
    CheckedFile,
    cell_text,
    clean_name,
    is_masked,
)
from .validate import check_rows, validate_row

# --- the file -------------------------------------------------------------------------------


def check_file(path: Path, *, max_bytes: int, name: str = "") -> str:
    """Refuse, before opening it, a file that is too large, not a spreadsheet, a zip or XML
    bomb, or a workbook with macros. Returns "xlsx", "xls" or "csv"."""
    return _check_file(path, max_bytes=max_bytes, name=name)


def iter_rows(path: Path, kind: str) -> Iterator[tuple[int, list[Any]]]:
    return iter_raw(path, kind)


def header_key(value: Any, dictionary: Dictionary | None = None) -> str | None:
    hit = (dictionary or default_dictionary()).lookup(value)
    return hit[0] if hit else None


_USED_KEYS = frozenset(COLUMN_BY_KEY) | frozenset(EXTRA_KEYS)


def household_mapping(keys: dict[int, str]) -> dict[int, str]:
    """The reader's column keys that the household import uses; 户主姓名/户主身份证号 stand in
    for the person's own only when the file has no such column."""
    mapping = {i: k for i, k in keys.items() if k in _USED_KEYS}
    values = set(mapping.values())
    for own, head in (("name", "head_name"), ("id_number", "head_id_number")):
        if own not in values and head in values:
            index = next(i for i, k in mapping.items() if k == head)
            mapping[index] = own
    return mapping


def missing_required(mapping: dict[int, str]) -> list[str]:
    have = set(mapping.values())
    missing = [k for k in COLUMN_BY_KEY if k in REQUIRED_KEYS and k not in have]
    if "division_code" not in have and not have & set(PLACE_KEYS) and "address" not in have:
        missing.append("division_code")
    return missing


def _missing_message(header_text: str, missing: list[str], mapping: dict[int, str]) -> str:
    if not mapping:
        return (
            f"未找到表头：{header_text}的列名一个也不认识；表头应包含 姓名、身份证号、与户主关系 等列"
            "（可在“列名词典”中加入本单位的写法）"
        )
    titles = "、".join(COLUMN_BY_KEY[k].title for k in missing)
    found = (
        "、".join(COLUMN_BY_KEY[k].title for k in mapping.values() if k in COLUMN_BY_KEY) or "无"
    )
    hint = "（或 所属乡镇、行政村（社区）等地名列）" if "division_code" in missing else ""
    return f"表头（{header_text}）缺少必填列：{titles}{hint}；已认出的列：{found}"


def find_header(
    rows: Iterator[tuple[int, list[Any]]], dictionary: Dictionary | None = None
) -> tuple[int, dict[int, str]]:
    """The header of a stream of rows: (its last row number, column index → key). Consumes the
    first rows only. Kept for callers that read rows themselves; read_file uses the reader."""
    head = list(itertools.islice(rows, HEADER_SCAN_ROWS))
    layout, _start = find_layout(head, dictionary or default_dictionary(), "xlsx")
    mapping = household_mapping(layout.keys)
    missing = missing_required(mapping)
    if missing:
        raise UnusableFile(_missing_message(layout.header_text, missing, mapping))
    return layout.header_last, mapping


def read_file(
    path: Path,
    *,
    max_bytes: int,
    region_known: Callable[[str], bool] = lambda code: True,
    progress: Callable[[int], None] | None = None,
    dictionary: Dictionary | None = None,
    resolve_place: Callable[[dict[str, str]], tuple[str, str]] | None = None,
    resolve_masked_id: Callable[[str, str, str], tuple[str, str]] | None = None,
    name: str = "",
) -> CheckedFile:
    """Check, read and validate a whole file (raises UnusableFile). ``resolve_place`` turns the
    place-name columns of a row into (division code, "") or ("", the reason it cannot);
    ``resolve_masked_id`` turns the masked ID number of an exported row (household number,
    name, masked number) into (the stored number, "") or ("", the reason it cannot)."""
    dictionary = dictionary or default_dictionary()
    table = open_table(path, max_bytes=max_bytes, dictionary=dictionary, name=name)
    layout = table.layout
    mapping = household_mapping(layout.keys)
    missing = missing_required(mapping)
    if missing:
        raise UnusableFile(_missing_message(layout.header_text, missing, mapping))
    checked = CheckedFile(header_row=layout.header_last)
    checked.notes = layout.notes
    keys = set(mapping.values())
    derive_household = "household_no" not in keys
    derive_division = "division_code" not in keys
    household_values: dict[str, Any] = {}
    current_head = ""  # the household of the rows under one head (户主 first, members below)
    failed_households: set[str] = set()
    places: dict[tuple[str, ...], tuple[str, str]] = {}
    for number, values in table.rows():
        record: dict[str, Any] = {
            key: (values[i] if i < len(values) else None) for i, key in mapping.items()
        }
        if all(cell_text(v) == "" for v in record.values()):
            continue  # blank row
        if derive_household:
            key = cell_text(record.get("dibao_no"))
            if not key and cell_text(record.get("head_id_number")):
                key = _household_key(record.get("head_id_number"))
            if not key:
                word = cell_text(record.get("relationship")).replace(" ", "")
                if (
                    word if word in RELATIONSHIPS else dictionary.relationship(word)
                ) == Relationship.HEAD:
                    current_head = _household_key(record.get("id_number")) or f"第{number}行"
                key = current_head
            record["household_no"] = key
        if derive_division and not cell_text(record.get("division_code")):
            texts = tuple(cell_text(record.get(k)) for k in (*PLACE_KEYS, "address"))
            if any(texts):
                if texts not in places:
                    places[texts] = (
                        resolve_place(dict(zip((*PLACE_KEYS, "address"), texts, strict=True)))
                        if resolve_place
                        else ("", "没有区划代码列，请填写区划代码")
                    )
                code, reason = places[texts]
                record["division_code"] = code
                if reason:
                    record["_place_error"] = reason
        # household columns written once for the first member (without merging) carry down
        if cell_text(record.get("household_no")) == "" and household_values:
            for key in HOUSEHOLD_KEYS:
                if cell_text(record.get(key)) == "":
                    record[key] = household_values.get(key)
        elif cell_text(record.get("household_no")) != cell_text(
            household_values.get("household_no")
        ):
            household_values = {k: record.get(k) for k in HOUSEHOLD_KEYS}
        else:
            for key in HOUSEHOLD_KEYS:
                if cell_text(record.get(key)) == "":
                    record[key] = household_values.get(key)
                    if (
                        key == "division_code"
                        and record.get("_place_error")
                        and household_values.get(key)
                    ):
                        record.pop("_place_error")
        if is_masked(record.get("id_number")):
            code, reason = (
                resolve_masked_id(
                    cell_text(record.get("household_no")),
                    clean_name(record.get("name")),
                    cell_text(record.get("id_number")),
                )
                if resolve_masked_id
                else ("", "身份证号已脱敏，请填写完整的身份证号")
            )
            if code:
                record["id_number"] = code
            else:
                record["_id_error"] = reason
        checked.data_rows += 1
        parsed, problems = validate_row(
            number, record, region_known=region_known, relationship_of=dictionary.relationship
        )
        for p in problems:
            (checked.warnings if p.is_warning else checked.errors).append(p)
        if parsed is not None:
            checked.rows.append(parsed)
        else:
            failed_households.add(cell_text(record.get("household_no")))
        if progress and checked.data_rows % 2000 == 0:
            progress(checked.data_rows)
    if checked.data_rows == 0:
        raise UnusableFile(f"表头（{layout.header_text}）下面没有数据行")
    checked.errors.extend(check_rows(checked.rows, failed_households))
    checked.errors.sort(key=lambda e: e.row)
    return checked


def _household_key(value: Any) -> str:
    """A household number derived from the head's ID number: stable within the deployment
    (keyed hash), and never the ID number itself (a household number is shown widely)."""
    try:
        number = idnumber.parse(value).number
    except idnumber.IdNumberError:
        return ""
    return "户" + idnumber.search_hash(number)[:12].upper()
