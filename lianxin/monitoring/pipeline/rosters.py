"""Roster files: which ones exist, their columns, and a clean UTF-8 CSV for the engines.

Contract (contracts/monitoring.md): rosters as departments export them — .xlsx, .xls, CSV in
UTF-8 (with or without BOM) or GBK/GB18030; title rows, two-row headers, footer rows, their
own column names. A roster's kind comes from ``manifest.csv``, its file name or its title.
A CSV already in the standard template goes to the engines as it is (the bulk path); any
other layout is read by the platform's one reader (``lianxin.core.spreadsheet``) and written
as the template's columns, with what the file does not carry derived (birth date from the ID
number, the assistance type from the roster's title…). Every engine then reads one plain
UTF-8 CSV whose first line is the header, so both engines see byte-identical input.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lianxin.core.spreadsheet import (
    Dictionary,
    Layout,
    Table,
    UnusableFile,
    cell_text,
    open_table,
    seed_dictionary,
)
from lianxin.core.spreadsheet import detect_encoding as sheet_detect_encoding
from lianxin.core.spreadsheet import normalise_header as dictionary_header
from lianxin.core.spreadsheet.dictionary import default_dictionary

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
    """Map a header cell to a template column name through the column dictionary (a name it
    does not know is returned trimmed and lower-cased)."""
    hit = default_dictionary().lookup(name)
    if hit is not None and not hit[1]:
        return hit[0]
    return dictionary_header(name)


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


# --- finding rosters in a folder and reading them as departments send them -------------------

MANIFEST = "manifest.csv"
ASSISTANCE_WORDS = (
    ("低保边缘", "低保边缘"),
    ("边缘", "低保边缘"),
    ("特困", "特困"),
    ("低保", "低保"),
)
SUBSIDY_WORDS = (
    ("护理", "nursing"),
    ("nursing", "nursing"),
    ("生活", "living"),
    ("living", "living"),
)
DISABILITY_DIGITS = {
    "1": "视力",
    "2": "听力",
    "3": "言语",
    "4": "肢体",
    "5": "智力",
    "6": "精神",
    "7": "多重",
}
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")
_MONTH_ONLY = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$|^(\d{4})(\d{2})$")
MAX_ROSTER_BYTES = 2 * 1024 * 1024 * 1024  # the command line's own files; the platform caps uploads


@dataclass(frozen=True)
class RosterSource:
    """A roster file found in the sources folder, with what its name or the manifest says."""

    roster: str
    path: Path
    assistance_type: str = ""


def _dictionary() -> Dictionary:
    """The column dictionary: the administrators' version when a database is at hand, else the
    seed (the command line works without a database). `lianxin monitor` starts without Django;
    Django is started here, only for a run whose files need the dictionary."""
    try:
        from django.apps import apps

        if not apps.ready and os.environ.get("DJANGO_SETTINGS_MODULE"):
            import django

            django.setup()
        from lianxin.core.spreadsheet.names import current_dictionary

        return current_dictionary()
    except Exception:  # noqa: BLE001 -- no Django, no database, no table: the seed will do
        return seed_dictionary()


DictionaryOnDemand = Callable[[], Dictionary]


def _on_demand() -> DictionaryOnDemand:
    """The dictionary of one step, read the first time it is needed (a roster in the template's
    own file name and columns never needs it)."""
    return functools.cache(_dictionary)


def _kind_of(text: str, dictionary: DictionaryOnDemand) -> str | None:
    text = text.strip()
    if text in ROSTER_COLUMNS:
        return text
    for key, title in ROSTER_TITLES.items():
        if text and (text == title or text == dictionary().kinds[key].label):
            return key
    return dictionary().kind_from_text(text, among=ROSTER_COLUMNS)


def read_manifest(sources: Path, dictionary: DictionaryOnDemand) -> dict[str, tuple[str, str]]:
    """``manifest.csv`` (file,kind[,assistance_type]) → {file name: (kind, assistance type)}."""
    path = sources / MANIFEST
    if not path.is_file():
        return {}
    out: dict[str, tuple[str, str]] = {}
    encoding = detect_encoding_any(path)
    with path.open(encoding=encoding, newline="") as handle:
        for number, row in enumerate(csv.reader(handle), start=1):
            cells = [c.strip() for c in row]
            if (
                not cells
                or not cells[0]
                or (number == 1 and cells[0].lower() in ("file", "文件", "文件名"))
            ):
                continue
            kind = _kind_of(cells[1] if len(cells) > 1 else "", dictionary)
            if kind is None:
                raise RosterUnreadableError(
                    f"manifest.csv 第{number}行的名册种类“{cells[1] if len(cells) > 1 else ''}”无法识别，"
                    f"可写：{'、'.join(ROSTER_TITLES.values())}"
                )
            out[cells[0]] = (kind, cells[2] if len(cells) > 2 else "")
    return out


def detect_encoding_any(path: Path) -> str:
    try:
        return sheet_detect_encoding(path)
    except UnusableFile as error:
        raise RosterEncodingError(
            f"文件 {path.name} 的文字编码无法识别：{error.message}"
        ) from error


def find_roster_sources(
    sources: Path, warnings: list[str] | None = None
) -> dict[str, RosterSource]:
    """The rosters in `sources`, by kind: from ``manifest.csv``, else the file name
    (``civil_affairs.xlsx``, ``低保花名册.xls``), else the title inside the file. Files whose
    kind cannot be told are left out with a warning; two files of one kind are refused."""
    if not sources.is_dir():
        raise RosterUnreadableError(f"名册目录 {sources} 不存在或不是目录。")
    dictionary = _on_demand()
    manifest = read_manifest(sources, dictionary)
    found: dict[str, list[RosterSource]] = {}
    for path in sorted(p for p in sources.iterdir() if p.is_file()):
        if (
            path.name == MANIFEST
            or path.suffix.lower() not in SUFFIXES
            or path.name.startswith((".", "~$"))
        ):
            continue
        if path.name in manifest:
            kind, assistance = manifest[path.name]
        else:
            kind, assistance = _kind_of(path.stem, dictionary) or "", ""
            if not kind:
                try:
                    table = open_table(path, max_bytes=MAX_ROSTER_BYTES, dictionary=dictionary())
                    kind = _kind_of(table.layout.title, dictionary) or ""
                except UnusableFile:
                    kind = ""
            if not kind:
                if warnings is not None:
                    warnings.append(
                        f"无法判断文件 {path.name} 是哪种名册，已忽略（请把文件名改为名册名称，或在 manifest.csv 中注明）"
                    )
                continue
        found.setdefault(kind, []).append(RosterSource(kind, path, assistance))
    out: dict[str, RosterSource] = {}
    for kind, items in found.items():
        if len(items) > 1:
            names = "、".join(i.path.name for i in items)
            raise RosterUnreadableError(
                f"{ROSTER_TITLES[kind]}有多个文件（{names}），请只保留一个。"
            )
        out[kind] = items[0]
    return out


def find_roster_files(sources: Path) -> dict[str, Path]:
    """The roster files present in `sources`, keyed by roster name (see find_roster_sources)."""
    return {k: v.path for k, v in find_roster_sources(sources).items()}


def _fast_csv(roster: str, path: Path, staging_dir: Path) -> RosterFile | None:
    """A CSV in the standard template (header in line 1 naming every template column) goes to
    the engines as it is (transcoded to UTF-8 if need be): the bulk path of 7 million rows."""
    if path.suffix.lower() != ".csv":
        return None
    try:
        encoding = detect_encoding(path)
        header = _read_csv_header(path, encoding)
    except (RosterEncodingError, RosterUnreadableError):
        return None  # the reader knows more encodings and says what is wrong
    columns = [normalise_header(h) for h in header]
    if any(c not in columns for c in ROSTER_COLUMNS[roster]):
        return None
    staged = staging_dir / f"{roster}.csv"
    if encoding == "utf-8":
        staged = path
    else:
        _transcode_to_utf8(path, staged, encoding)
    unique: list[str] = []
    for index, column in enumerate(columns):
        wanted = column in ROSTER_COLUMNS[roster] and column not in unique
        unique.append(column if wanted else f"extra_{index}")
    return RosterFile(roster=roster, source_path=path, staged_path=staged, columns=tuple(unique))


def template_keys(roster: str, layout: Layout) -> dict[str, int]:
    """Template column → file column index, from the reader's keys; 户主姓名/户主身份证号 stand
    in for the person's own when the roster has one row per household."""
    wanted = set(ROSTER_COLUMNS[roster]) | set(SUPPORT_KEYS)
    out = {key: index for index, key in layout.keys.items() if key in wanted}
    for own, head in (("name", "head_name"), ("id_number", "head_id_number")):
        if own not in out and head in layout.keys.values():
            out[own] = layout.column_of(head)  # type: ignore[assignment]
            layout.notes.append(
                f"没有“{'姓名' if own == 'name' else '身份证号'}”列，以“{layout.header_of(head)}”列代替"
            )
    return out


SUPPORT_KEYS = (
    "dibao_no",
    "head_id_number",
    "head_name",
    "relationship",
    "township",
    "village",
    "place",
)


def missing_facts(roster: str, keys: Iterable[str], *, derivable: Iterable[str] = ()) -> list[str]:
    """The required groups (contracts/monitoring.md) that the columns do not satisfy, as the
    Chinese names of their first column."""
    have = set(keys) | set(derivable)
    dictionary = default_dictionary()
    groups = dictionary.kinds[roster].required if roster in dictionary.kinds else ()
    return [
        "或".join(dictionary.label(k) for k in group) for group in groups if not have & set(group)
    ]


def derived_defaults(
    roster: str, title: str, file_name: str, assistance_type: str = ""
) -> dict[str, str]:
    """Values a roster states once rather than per row: the assistance type of a 低保花名册,
    the subsidy of a 护理补贴 roster, the year of a 2024年 medical roster."""
    text = f"{file_name} {title}"
    out: dict[str, str] = {}
    if roster == "civil_affairs":
        value = assistance_type or next((v for w, v in ASSISTANCE_WORDS if w in text), "")
        if value:
            out["assistance_type"] = value
    if roster == "two_subsidies":
        value = next((v for w, v in SUBSIDY_WORDS if w in text.lower()), "")
        has_both = "生活" in text and "护理" in text
        if value and not has_both:
            out["subsidy"] = value
    if roster == "medical" and (match := _YEAR.search(text)):
        out["year"] = match.group(1)
    return out


@dataclass
class StageCounts:
    rows: int = 0
    birth_from_id: int = 0
    household_from_key: int = 0


def write_staged(
    roster: str,
    table: Table,
    keys: dict[str, int],
    target: Path,
    defaults: dict[str, str],
    on_row: Callable[[int, dict[str, str]], None] | None = None,
) -> StageCounts:
    """Write the roster's body rows as the template's columns (UTF-8 CSV), deriving what the
    file does not carry: birth date and sex from the ID number, the household from the head's
    ID or the 低保证号, type and grade from a disability certificate number."""
    columns = ROSTER_COLUMNS[roster]
    counts = StageCounts()
    household = ""
    with target.open("w", encoding="utf-8", newline="") as sink:
        writer = csv.writer(sink, lineterminator="\n")
        writer.writerow(columns)
        for number, values in table.rows():
            record = {k: cell_text(values[i]) if i < len(values) else "" for k, i in keys.items()}
            for key, value in defaults.items():
                if not record.get(key):
                    record[key] = value
            parsed = _parse_id(record.get("id_number", ""))
            birth = record.get("birth_date", "")
            if parsed is not None and (not birth or _MONTH_ONLY.match(birth)):
                record["birth_date"] = parsed.birth_date.isoformat()
                counts.birth_from_id += 1
            elif birth and _MONTH_ONLY.match(birth):
                record["birth_date"] = ""  # a month alone cannot match a day
            if "sex" in columns and not record.get("sex") and parsed is not None:
                record["sex"] = "男" if parsed.sex == "M" else "女"
            if "household_no" in columns and not record.get("household_no"):
                key = record.get("dibao_no") or record.get("head_id_number", "")
                if not key and record.get("relationship"):
                    if table_relationship(record["relationship"]) == "户主":
                        household = record.get("id_number", "") or f"row{number}"
                    key = household
                if key:
                    record["household_no"] = key
                    counts.household_from_key += 1
            if roster == "disability":
                certificate = idnumber_normalise(record.get("certificate_no", ""))
                if len(certificate) >= 20:
                    record.setdefault("disability_type", "")
                    if not record.get("disability_type"):
                        record["disability_type"] = DISABILITY_DIGITS.get(certificate[18], "")
                    if not record.get("disability_grade"):
                        record["disability_grade"] = certificate[19]
            counts.rows += 1
            if on_row is not None:
                on_row(number, record)
            writer.writerow([record.get(c, "") for c in columns])
    return counts


def table_relationship(word: str) -> str | None:
    return default_dictionary().relationship(word)


def _parse_id(text: str) -> Any:
    if len(idnumber_normalise(text)) != 18:
        return None
    from lianxin.core import idnumber

    try:
        return idnumber.parse(text)
    except idnumber.IdNumberError:
        return None


def idnumber_normalise(text: str) -> str:
    from lianxin.core import idnumber

    return idnumber.normalise(text)


def stage_roster(
    roster: str,
    path: Path,
    staging_dir: Path,
    *,
    assistance_type: str = "",
    notes: list[str] | None = None,
) -> RosterFile:
    """Give the engines a plain UTF-8 CSV of a roster in its template's columns, whatever the
    department's layout (contracts/monitoring.md). ``notes`` receives what the reader decided."""
    if path.suffix.lower() == ".csv":
        fast = _fast_csv(roster, path, staging_dir)
        if fast is not None:
            return fast
    dictionary = _dictionary()
    try:
        table = open_table(path, max_bytes=MAX_ROSTER_BYTES, dictionary=dictionary)
    except UnusableFile as error:
        if path.suffix.lower() == ".csv" and "编码" in error.message:
            raise RosterEncodingError(f"文件 {path.name}：{error.message}。") from error
        raise RosterUnreadableError(f"文件 {path.name} 无法读取：{error.message}。") from error
    layout = table.layout
    keys = template_keys(roster, layout)
    defaults = derived_defaults(roster, layout.title, path.stem, assistance_type)
    derivable = set(defaults)
    if roster == "disability" and "certificate_no" in keys:
        derivable |= {"disability_type", "disability_grade"}
    missing = missing_facts(roster, keys, derivable=derivable)
    if missing:
        found = "、".join(dictionary.label(k) for k in keys) or "无"
        raise RosterColumnsError(
            f"文件 {path.name}（{ROSTER_TITLES[roster]}）缺少必需的列：{'、'.join(missing)}。"
            f"表头在{layout.header_text}，已认出的列：{found}。"
        )
    staged = staging_dir / f"{roster}.csv"
    counts = write_staged(roster, table, keys, staged, defaults)
    if notes is not None:
        notes.extend(layout.notes)
        if counts.birth_from_id and "birth_date" not in keys:
            notes.append("没有出生日期列：出生日期按身份证号推算")
        for key, value in defaults.items():
            if key not in keys:
                notes.append(f"没有{dictionary.label(key)}列：整份名册按“{value}”处理")
    return RosterFile(
        roster=roster, source_path=path, staged_path=staged, columns=ROSTER_COLUMNS[roster]
    )
