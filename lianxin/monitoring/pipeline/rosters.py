"""Roster files: which ones exist, their columns, and a clean UTF-8 CSV for the engines.

Contract (contracts/monitoring.md): CSV in UTF-8 with a header row, or .xlsx with the
same header in the first row of the first sheet. We also accept UTF-8 with BOM and
GBK/GB18030 CSV (what Excel "save as CSV" writes on a Chinese Windows), and `.xls`.
Every engine then reads one plain UTF-8 CSV whose first line is the header, so both
engines see byte-identical input.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .errors import RosterColumnsError, RosterEncodingError, RosterUnreadableError

ROSTER_COLUMNS: dict[str, tuple[str, ...]] = {
    "residents": ("id_number", "name", "sex", "birth_date", "division_code", "household_no"),
    "civil_affairs": ("id_number", "name", "birth_date", "assistance_type", "household_no"),
    "disability": (
        "id_number",
        "name",
        "birth_date",
        "disability_type",
        "disability_grade",
        "certificate_no",
    ),
    "two_subsidies": ("id_number", "name", "birth_date", "subsidy", "monthly_amount"),
    "deaths": ("id_number", "name", "birth_date", "death_date"),
    "medical": ("id_number", "name", "birth_date", "out_of_pocket_yuan", "year"),
}

ROSTER_TITLES: dict[str, str] = {
    "residents": "户籍人口名册",
    "civil_affairs": "民政救助名册",
    "disability": "残疾人证名册",
    "two_subsidies": "残疾人两项补贴名册",
    "deaths": "死亡人员名册",
    "medical": "医保自付费用名册",
}

# Headers as departments often type them in Chinese; mapped onto the template names.
HEADER_ALIASES: dict[str, str] = {
    "身份证号": "id_number",
    "身份证号码": "id_number",
    "公民身份号码": "id_number",
    "姓名": "name",
    "性别": "sex",
    "出生日期": "birth_date",
    "行政区划代码": "division_code",
    "区划代码": "division_code",
    "户号": "household_no",
    "救助类型": "assistance_type",
    "残疾类别": "disability_type",
    "残疾等级": "disability_grade",
    "残疾人证号": "certificate_no",
    "补贴类型": "subsidy",
    "月发放金额": "monthly_amount",
    "死亡日期": "death_date",
    "自付金额": "out_of_pocket_yuan",
    "个人自付金额": "out_of_pocket_yuan",
    "年度": "year",
}

SUFFIXES = (".csv", ".xlsx", ".xls")
SNIFF_BYTES = 1 << 20
CHUNK_BYTES = 1 << 22


@dataclass(frozen=True)
class RosterFile:
    """One roster found in the sources directory, staged as a plain UTF-8 CSV."""

    roster: str
    source_path: Path
    staged_path: Path
    columns: tuple[str, ...]

    @property
    def file_name(self) -> str:
        return self.source_path.name


def normalise_header(name: str) -> str:
    """Map a header cell to a template column name (trimmed, lower-case, Chinese aliases)."""
    cleaned = name.replace("\ufeff", "").strip().strip("\u3000").strip()
    return HEADER_ALIASES.get(cleaned, cleaned.lower())


def find_roster_files(sources: Path) -> dict[str, Path]:
    """Return the roster files present in `sources`, keyed by roster name.

    Absent rosters are simply not in the result (their rules are skipped); two files
    for the same roster (e.g. `deaths.csv` and `deaths.xlsx`) are refused.
    """
    if not sources.is_dir():
        raise RosterUnreadableError(f"名册目录 {sources} 不存在或不是目录。")
    by_lower = {p.name.lower(): p for p in sources.iterdir() if p.is_file()}
    found: dict[str, Path] = {}
    for roster in ROSTER_COLUMNS:
        matches = [by_lower[roster + s] for s in SUFFIXES if roster + s in by_lower]
        if len(matches) > 1:
            names = "、".join(p.name for p in matches)
            raise RosterUnreadableError(
                f"{ROSTER_TITLES[roster]}有多个文件（{names}），请只保留一个。"
            )
        if matches:
            found[roster] = matches[0]
    return found


def detect_encoding(path: Path) -> str:
    """Return 'utf-8' or 'gb18030' for a CSV file, judged on its first megabyte.

    Raises RosterEncodingError when the bytes are neither (e.g. UTF-16, a binary file).
    """
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        raise RosterEncodingError(
            f"文件 {path.name} 是 UTF-16 编码，请另存为 UTF-8 或 GBK 编码的 CSV。"
        )
    if b"\x00" in head:
        raise RosterEncodingError(f"文件 {path.name} 不是文本格式的 CSV（含有二进制内容）。")
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            decoder.decode(head, final=len(head) < SNIFF_BYTES)
        except UnicodeDecodeError:
            continue
        return encoding
    raise RosterEncodingError(
        f"文件 {path.name} 的编码无法识别，请另存为 UTF-8 或 GBK 编码的 CSV。"
    )


def _read_csv_header(path: Path, encoding: str) -> list[str]:
    with path.open("r", encoding=encoding, newline="", errors="strict") as handle:
        try:
            first = next(csv.reader(handle), None)
        except UnicodeDecodeError as error:
            raise RosterEncodingError(
                f"文件 {path.name} 的表头编码错误（{encoding}），请另存为 UTF-8 或 GBK 编码的 CSV。"
            ) from error
        except csv.Error as error:
            raise RosterUnreadableError(f"文件 {path.name} 的表头无法解析：{error}。") from error
    if not first:
        raise RosterUnreadableError(f"文件 {path.name} 是空的，没有表头行。")
    return first


def _transcode_to_utf8(path: Path, target: Path, encoding: str) -> None:
    """Copy a GB18030 file to UTF-8 in chunks (never the whole file in memory)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    line = 0
    with path.open("rb") as source, target.open("w", encoding="utf-8", newline="") as sink:
        while True:
            chunk = source.read(CHUNK_BYTES)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                raise RosterEncodingError(
                    f"文件 {path.name} 在第 {line + 1} 行附近含有无法按 GBK 解码的内容，"
                    "请统一另存为 UTF-8 编码的 CSV。"
                ) from error
            line += text.count("\n")
            sink.write(text)
            if not chunk:
                break


def excel_cell_text(value: object) -> str:
    """Render one Excel cell as the text a clerk sees (dates as ISO, 12.0 as 12)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _stage_workbook(path: Path, target: Path) -> list[str]:
    """Write the first sheet of a workbook as UTF-8 CSV; return its header row."""
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        if not workbook.sheet_names:
            raise RosterUnreadableError(f"文件 {path.name} 没有工作表。")
        rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except (CalamineError, OSError, ValueError) as error:
        if isinstance(error, RosterUnreadableError):
            raise
        raise RosterUnreadableError(
            f"文件 {path.name} 无法读取（不是有效的 Excel 工作簿：{error}）。"
        ) from error
    if not rows:
        raise RosterUnreadableError(f"文件 {path.name} 的第一个工作表是空的，没有表头行。")
    header = [excel_cell_text(v) for v in rows[0]]
    with target.open("w", encoding="utf-8", newline="") as sink:
        writer = csv.writer(sink, lineterminator="\n")
        writer.writerow(header)
        for row in rows[1:]:
            cells = [excel_cell_text(v) for v in row]
            if any(c.strip() for c in cells):
                writer.writerow(cells)
    return header


def stage_roster(roster: str, path: Path, staging_dir: Path) -> RosterFile:
    """Check a roster's columns and give the engines a plain UTF-8 CSV of it.

    Enforces: the file is readable, in UTF-8 (with or without BOM) or GBK/GB18030, and
    carries every column of its standard template (contracts/monitoring.md).
    """
    staged = staging_dir / f"{roster}.csv"
    if path.suffix.lower() in (".xlsx", ".xls"):
        header = _stage_workbook(path, staged)
    else:
        encoding = detect_encoding(path)
        header = _read_csv_header(path, encoding)
        if encoding == "utf-8":
            staged = path
        else:
            _transcode_to_utf8(path, staged, encoding)
    columns = [normalise_header(h) for h in header]
    missing = [c for c in ROSTER_COLUMNS[roster] if c not in columns]
    if missing:
        raise RosterColumnsError(
            f"文件 {path.name}（{ROSTER_TITLES[roster]}）缺少必需的列：{'、'.join(missing)}。"
            f"标准模板的列为：{'、'.join(ROSTER_COLUMNS[roster])}。"
        )
    unique: list[str] = []
    for index, column in enumerate(columns):
        wanted = column in ROSTER_COLUMNS[roster] and column not in unique
        name = column if wanted else f"extra_{index}"
        unique.append(name)
    return RosterFile(roster=roster, source_path=path, staged_path=staged, columns=tuple(unique))
