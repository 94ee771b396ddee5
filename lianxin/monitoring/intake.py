"""Department roster files inside the platform: read them with the platform's one reader
(``lianxin.core.spreadsheet``: title rows, two-row headers, footers, .xls, GBK), propose a
column mapping onto the standard template, and stage a clean UTF-8 CSV with the template's
headers for the pipeline, noting the rows that will not link by ID number. Pure functions over
paths; the dictionary is passed in."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lianxin.core import dates, idnumber
from lianxin.core.redaction import mask_personal_numbers
from lianxin.core.spreadsheet import Dictionary, Layout, UnusableFile, check_file, open_table

from .pipeline.rosters import ROSTER_COLUMNS, derived_defaults, missing_facts, write_staged

MAX_BYTES = 20 * 1024 * 1024
MAX_BAD_ROWS_KEPT = 100
SUPPORT_COLUMNS = {
    "civil_affairs": ("dibao_no", "head_id_number", "relationship"),
}


class IntakeError(ValueError):
    """The file cannot be used; the message (Chinese) names the file and what is wrong."""


@dataclass
class StageReport:
    rows: int = 0
    bad_rows: int = 0
    samples: list[dict[str, object]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def bad(self, row: int, column: str, value: str, reason: str) -> None:
        self.bad_rows += 1
        if len(self.samples) < MAX_BAD_ROWS_KEPT:
            self.samples.append(
                {
                    "row": row,
                    "column": column,
                    "value": mask_personal_numbers(value),
                    "reason": mask_personal_numbers(reason),
                }
            )


def form_columns(kind: str) -> tuple[str, ...]:
    """The columns offered on the mapping page: the template's, then those that help group
    households (低保证号, 户主身份证号)."""
    return ROSTER_COLUMNS[kind] + SUPPORT_COLUMNS.get(kind, ())


def check(path: Path, original_name: str) -> str:
    """Refuse what is not a roster before reading it (size, executables, bombs, macros)."""
    try:
        return check_file(path, max_bytes=MAX_BYTES, name=original_name)
    except UnusableFile as exc:
        raise IntakeError(f"文件“{original_name}”不能使用：{exc.message}") from exc


def read_layout(path: Path, original_name: str, dictionary: Dictionary) -> Layout:
    """The file's layout, with the whole body read once so that the report is complete."""
    try:
        table = open_table(path, max_bytes=MAX_BYTES, dictionary=dictionary, name=original_name)
        for _ in table.rows():
            pass
    except UnusableFile as exc:
        raise IntakeError(f"文件“{original_name}”：{exc.message}") from exc
    return table.layout


def propose_mapping(kind: str, layout: Layout) -> dict[str, str]:
    """Template column → file header, from what the reader recognised."""
    wanted = set(form_columns(kind))
    mapping: dict[str, str] = {}
    for index, key in sorted(layout.keys.items()):
        if key in wanted and key not in mapping and index < len(layout.headers):
            mapping[key] = layout.headers[index]
    for own, head in (("name", "head_name"), ("id_number", "head_id_number")):
        if own not in mapping and head in layout.keys.values():
            mapping[own] = layout.header_of(head)
    return mapping


def defaults_for(
    kind: str, layout: Layout, original_name: str, assistance_type: str = ""
) -> dict[str, str]:
    return derived_defaults(kind, layout.title, Path(original_name).stem, assistance_type)


def missing_columns(
    kind: str, mapping: dict[str, str], defaults: dict[str, str] | None = None
) -> list[str]:
    """The required facts (Chinese names) the mapping does not give."""
    derivable = set(defaults or {})
    if kind == "disability" and mapping.get("certificate_no"):
        derivable |= {"disability_type", "disability_grade"}
    return missing_facts(kind, [k for k, v in mapping.items() if v], derivable=derivable)


def stage(
    kind: str,
    path: Path,
    mapping: dict[str, str],
    target: Path,
    *,
    dictionary: Dictionary,
    original_name: str,
    defaults: dict[str, str],
) -> StageReport:
    """Write the roster with the template's headers (unmapped optional columns empty, derived
    ones filled) and report rows that will need name + birth-date matching or cannot be used.
    Beside the CSV, ``<target>.rows`` lists each staged row's row number in the original file
    (so the review list names the row the department will find)."""
    missing = missing_columns(kind, mapping, defaults)
    if missing:
        raise IntakeError("以下必需列没有对应：" + "、".join(missing))
    try:
        table = open_table(path, max_bytes=MAX_BYTES, dictionary=dictionary, name=original_name)
    except UnusableFile as exc:
        raise IntakeError(f"文件“{original_name}”：{exc.message}") from exc
    headers = table.layout.headers
    keys: dict[str, int] = {}
    for column, header in mapping.items():
        if header and header in headers:
            keys[column] = headers.index(header)
    report = StageReport()
    row_numbers: list[int] = []

    def on_row(number: int, record: dict[str, str]) -> None:
        row_numbers.append(number)
        _check_row(report, number, record)

    counts = write_staged(kind, table, keys, target, defaults, on_row=on_row)
    Path(f"{target}.rows").write_text("\n".join(map(str, row_numbers)), encoding="ascii")
    report.rows = counts.rows
    report.notes = list(table.layout.notes)
    if counts.birth_from_id and "birth_date" not in keys:
        report.notes.append("没有出生日期列：出生日期和性别按身份证号推算")
    return report


def _check_row(report: StageReport, line: int, row: dict[str, str]) -> None:
    number, name, birth = (
        row.get("id_number", ""),
        row.get("name", "").strip(),
        row.get("birth_date", ""),
    )
    if not number.strip() and not name:
        report.bad(line, "身份证号/姓名", "", "身份证号和姓名都为空，无法比对")
        return
    if number.strip():
        try:
            idnumber.parse(number)
        except idnumber.IdNumberError as exc:
            masked = idnumber.mask(idnumber.normalise(number), idnumber.MaskTier.STAFF)
            report.bad(line, "身份证号", masked, f"{exc}，将按姓名和出生日期匹配")
    elif not birth.strip():
        report.bad(line, "出生日期", "", "无身份证号且无出生日期，无法比对")
        return
    if birth.strip():
        try:
            dates.parse_date(birth)
        except dates.DateError as exc:
            report.bad(line, "出生日期", birth, str(exc))
