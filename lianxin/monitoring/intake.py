"""Department roster files inside the platform: read the header, propose a column mapping onto
the standard template, and stage a clean UTF-8 CSV with the template's headers for the
pipeline, noting the rows that will not link by ID number. Streams; never a whole file in
memory. Pure functions over paths; no database."""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lianxin.core import dates, idnumber

from .pipeline.rosters import ROSTER_COLUMNS, detect_encoding, excel_cell_text, normalise_header

MAX_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 100
MAX_BAD_ROWS_KEPT = 100
REQUIRED = {"id_number", "name", "birth_date"}


class IntakeError(ValueError):
    """The file cannot be used; the message (Chinese) names the file and what is wrong."""


@dataclass
class StageReport:
    rows: int = 0
    bad_rows: int = 0
    samples: list[dict[str, object]] = field(default_factory=list)

    def bad(self, row: int, column: str, value: str, reason: str) -> None:
        self.bad_rows += 1
        if len(self.samples) < MAX_BAD_ROWS_KEPT:
            self.samples.append({"row": row, "column": column, "value": value, "reason": reason})


def check_file(path: Path, original_name: str) -> str:
    """Refuse what is not a roster before reading it: too large, not CSV/Excel, a zip bomb.
    Returns the kind ("csv" or "xlsx")."""
    size = path.stat().st_size
    if size == 0:
        raise IntakeError(f"文件“{original_name}”是空的")
    if size > MAX_BYTES:
        raise IntakeError(f"文件“{original_name}”超过20MB，请拆分后上传")
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                infos = archive.infolist()
        except zipfile.BadZipFile as exc:
            raise IntakeError(f"文件“{original_name}”已损坏，无法作为Excel读取") from exc
        total = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos) or 1
        if total > MAX_UNCOMPRESSED or total / packed > MAX_RATIO:
            raise IntakeError(f"文件“{original_name}”解压后异常庞大（疑似压缩炸弹），已拒绝")
        if not any(i.filename.startswith("xl/") for i in infos):
            raise IntakeError(f"文件“{original_name}”不是Excel工作簿")
        return "xlsx"
    if head.startswith(b"MZ") or head.startswith(b"\x7fELF") or b"\x00" in head:
        raise IntakeError(f"文件“{original_name}”不是CSV或Excel文件")
    return "csv"


def iter_rows(path: Path, kind: str) -> Iterator[list[str]]:
    """Rows as lists of text (header first), from CSV (UTF-8 or GBK) or the first sheet."""
    if kind == "xlsx":
        from python_calamine import CalamineError, CalamineWorkbook

        try:
            sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
            for row in sheet.iter_rows():
                yield [excel_cell_text(v) for v in row]
        except (CalamineError, ValueError, IndexError) as exc:
            raise IntakeError(f"Excel文件无法读取：{exc}") from exc
        return
    encoding = detect_encoding(path)
    try:
        with path.open(encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline="") as fh:
            yield from csv.reader(fh)
    except UnicodeDecodeError as exc:
        raise IntakeError("CSV文件编码无法识别（请使用UTF-8或GBK）") from exc


def read_header(path: Path, kind: str) -> list[str]:
    for row in iter_rows(path, kind):
        if any(c.strip() for c in row):
            return [c.strip() for c in row]
    raise IntakeError("文件中没有表头行")


def propose_mapping(roster: str, headers: list[str]) -> dict[str, str]:
    """Template column → file header, from the template names and the usual Chinese headers."""
    mapping: dict[str, str] = {}
    for header in headers:
        column = normalise_header(header)
        if column in ROSTER_COLUMNS[roster] and column not in mapping:
            mapping[column] = header
    return mapping


def missing_columns(roster: str, mapping: dict[str, str]) -> list[str]:
    return [c for c in ROSTER_COLUMNS[roster] if not mapping.get(c)]


def stage(roster: str, path: Path, kind: str, mapping: dict[str, str], target: Path) -> StageReport:
    """Write the roster with the template's headers (unmapped optional columns empty) and
    report rows that will need name + birth-date matching or cannot be used."""
    required_missing = [c for c in REQUIRED if not mapping.get(c)]
    if required_missing:
        raise IntakeError("以下必需列没有对应：" + "、".join(required_missing))
    columns = ROSTER_COLUMNS[roster]
    report = StageReport()
    rows = iter_rows(path, kind)
    header = None
    for row in rows:
        if any(c.strip() for c in row):
            header = [c.strip() for c in row]
            break
    if header is None:
        raise IntakeError("文件中没有表头行")
    index = {h: i for i, h in enumerate(header)}
    positions = [index.get(mapping.get(c, ""), -1) for c in columns]
    with target.open("w", encoding="utf-8", newline="") as sink:
        writer = csv.writer(sink, lineterminator="\n")
        writer.writerow(columns)
        for line, row in enumerate(rows, start=2):
            if not any(c.strip() for c in row):
                continue
            values = [row[p] if 0 <= p < len(row) else "" for p in positions]
            report.rows += 1
            _check_row(report, line, dict(zip(columns, values, strict=True)))
            writer.writerow(values)
    return report


def _check_row(report: StageReport, line: int, row: dict[str, str]) -> None:
    number, name, birth = row.get("id_number", ""), row.get("name", "").strip(), row.get("birth_date", "")
    if not number.strip() and not name:
        report.bad(line, "身份证号/姓名", "", "身份证号和姓名都为空，无法比对")
        return
    if number.strip():
        try:
            idnumber.parse(number)
        except idnumber.IdNumberError as exc:
            report.bad(line, "身份证号", idnumber.mask(idnumber.normalise(number), idnumber.MaskTier.STAFF), f"{exc}，将按姓名和出生日期匹配")
    elif not birth.strip():
        report.bad(line, "出生日期", "", "无身份证号且无出生日期，无法比对")
        return
    if birth.strip():
        try:
            dates.parse_date(birth)
        except dates.DateError as exc:
            report.bad(line, "出生日期", birth, str(exc))
