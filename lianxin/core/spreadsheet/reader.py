"""Reading a table as departments send it: .xlsx, .xls, CSV (UTF-8, UTF-8 with BOM, GBK/GB18030,
UTF-16 "Unicode text"); the header found by scoring the first rows against the dictionary and
the values below them; two-row headers with merged group cells flattened; title, note, blank and
footer rows (合计, 制表人, 审核人, 日期) skipped; and a report, in Chinese, of what was decided.

    table = open_table(path, max_bytes=..., dictionary=seed_dictionary(), kind="civil_affairs")
    table.layout.notes          # ["表头在第3–4行（两行表头已合并）", "第1–2行是标题，已跳过", …]
    table.layout.keys           # {column index: "id_number", …}
    for number, values in table.rows():   # Excel row number, raw cell values
        ...
    table.layout.notes          # now also "跳过末尾合计行（第20行）"

Streams: only the first rows are held to find the header; the body is read row by row.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .checks import UnusableFile, check_file
from .dictionary import Dictionary, looks_like_id, normalise_header, value_profile

HEADER_SCAN_ROWS = 30
SAMPLE_ROWS = 200
FOOTER_WORDS = (
    "合计", "总计", "小计", "共计", "累计", "制表", "填表", "填报", "审核", "审批", "负责人", "经办人",
    "日期", "备注", "说明", "注:", "注：", "联系电话", "盖章", "签字", "统计",
)  # fmt: skip
NOTE_WORDS = ("必填", "选填", "填写说明", "填写提示", "示例", "例:", "例：")
_TEXT_DATA = re.compile(r"^\d{6,}[\dXx]?$|^\d{4}[-/.年]\d{1,2}")

Row = tuple[int, list[Any]]


def cell_text(value: Any) -> str:
    """What a cell says, as text: NFKC (full-width → ASCII), trimmed; Excel numbers without
    '.0'; dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return unicodedata.normalize("NFKC", str(value)).replace("\u200b", "").strip()


def span(first: int, last: int) -> str:
    return f"第{first}行" if first == last else f"第{first}–{last}行"


# --- raw rows ---------------------------------------------------------------------------------


def iter_workbook(path: Path) -> Iterator[Row]:
    """(Excel row number, values from column A) of the first data sheet (.xlsx or .xls). A
    merged range's value is repeated down its rows, and across its columns near the top (where
    headers are), so a group cell stands over each of its columns."""
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = workbook.sheet_names
        index = next((i for i, n in enumerate(names) if "说明" not in n), 0)
        sheet = workbook.get_sheet_by_index(index)
    except (CalamineError, ValueError, OSError, IndexError) as exc:
        raise UnusableFile("无法读取Excel文件，文件可能已损坏或已加密") from exc
    row0, col0 = sheet.start if sheet.start else (0, 0)
    fills: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []:
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) == (r0, c0):
                    continue
                if r == r0 and r > HEADER_SCAN_ROWS + 5:
                    continue  # a horizontal merge in the body: keep the value in its first cell
                fills[r].append((c, r0, c0))
    tops = {(r0, c0) for spans in fills.values() for (_c, r0, c0) in spans}
    kept: dict[tuple[int, int], Any] = {}
    try:
        for offset, raw in enumerate(sheet.iter_rows()):
            r = row0 + offset
            values = [None] * col0 + list(raw)
            for c in range(len(values)):
                if (r, c) in tops:
                    kept[(r, c)] = values[c]
            for c, r0, c0 in fills.pop(r, ()):
                while len(values) <= c:
                    values.append(None)
                if values[c] in (None, ""):
                    values[c] = kept.get((r0, c0))
            yield r + 1, values
    except CalamineError as exc:
        raise UnusableFile("读取Excel文件时出错，文件可能已损坏") from exc


def detect_encoding(path: Path) -> str:
    """utf-8-sig, utf-16, utf-8 or gb18030, judged on the whole file (read in chunks)."""
    with path.open("rb") as fh:
        head = fh.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        fh.seek(0)
        for encoding in ("utf-8", "gb18030"):
            decoder = codecs.getincrementaldecoder(encoding)()
            fh.seek(0)
            try:
                while chunk := fh.read(1 << 20):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                continue
            return encoding
    raise UnusableFile("CSV文件的文字编码无法识别，请另存为UTF-8或GBK编码的CSV")


def iter_csv(path: Path) -> Iterator[Row]:
    encoding = detect_encoding(path)
    with path.open(encoding=encoding, newline="") as fh:
        sample = fh.read(65536)
        fh.seek(0)
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
        try:
            for index, row in enumerate(csv.reader(fh, delimiter=delimiter)):
                yield index + 1, list(row)
        except csv.Error as exc:
            raise UnusableFile(f"CSV文件第{index + 2}行格式有误（引号不配对等）") from exc


def iter_raw(path: Path, file_kind: str) -> Iterator[Row]:
    return iter_workbook(path) if file_kind in ("xlsx", "xls") else iter_csv(path)


# --- the layout -------------------------------------------------------------------------------


@dataclass
class Layout:
    """What the reader decided about a file."""

    file_kind: str
    header_first: int = 0
    header_last: int = 0
    headers: list[str] = field(default_factory=list)  # per column, as shown to the user
    keys: dict[int, str] = field(default_factory=dict)  # column index → dictionary key
    weak: set[int] = field(default_factory=set)  # columns mapped on a weak name only
    title: str = ""  # the title and note rows above the header
    notes: list[str] = field(default_factory=list)  # decisions, in Chinese
    questions: list[str] = field(default_factory=list)  # what a person should confirm
    derived: list[str] = field(default_factory=list)  # keys derived, not read

    @property
    def header_text(self) -> str:
        return span(self.header_first, self.header_last)

    def column_of(self, key: str) -> int | None:
        return next((i for i, k in self.keys.items() if k == key), None)

    def header_of(self, key: str) -> str:
        index = self.column_of(key)
        return self.headers[index] if index is not None and index < len(self.headers) else ""

    def signature(self) -> str:
        """The header as a stable text: the same layout from the same department gives the
        same signature (used to remember a confirmed mapping)."""
        return "|".join(normalise_header(h) for h in self.headers).strip("|")


def _data_like(text: str, value: Any) -> bool:
    if isinstance(value, int | float | dt.date) and not isinstance(value, bool):
        return True
    return bool(_TEXT_DATA.match(text))


@dataclass
class _RowInfo:
    number: int
    values: list[Any]
    texts: list[str]
    found: dict[str, tuple[int, bool]]
    score: float
    distinct: int
    data_like: int

    @property
    def filled(self) -> int:
        return sum(1 for t in self.texts if t)


def _info(number: int, values: list[Any], dictionary: Dictionary) -> _RowInfo:
    texts = [cell_text(v) for v in values]
    found: dict[str, tuple[int, bool]] = {}
    for index, text in enumerate(texts):
        hit = dictionary.lookup(text) if text and len(text) <= 40 else None
        if hit and hit[0] not in found:
            found[hit[0]] = (index, hit[1])
    score = sum(0.5 if weak else 1.0 for key, (_i, weak) in found.items() if key != "serial")
    data_like = sum(1 for t, v in zip(texts, values, strict=False) if t and _data_like(t, v))
    return _RowInfo(number, values, texts, found, score, len({t for t in texts if t}), data_like)


def _is_footer(info: _RowInfo) -> bool:
    first = next((t for t in info.texts if t), "")
    compact = first.replace(" ", "")
    if not compact.startswith(FOOTER_WORDS):
        return False
    return not any(looks_like_id(t) for t in info.texts if len(t) >= 18)


def _is_group_row(above: _RowInfo, header: _RowInfo) -> bool:
    """A row of group cells over the header (家庭成员 over 姓名 / 身份证号)."""
    if above.data_like or above.distinct < 2 or above.filled < 2:
        return False
    if any(":" in t or "：" in t for t in above.texts):
        return False  # a unit/date line (填报单位：…)
    repeated = any(a and a == b for a, b in itertools.pairwise(above.texts))
    over_empty = any(
        t and (i >= len(header.texts) or not header.texts[i]) for i, t in enumerate(above.texts)
    )
    return repeated or over_empty


def _is_second_header(below: _RowInfo, header: _RowInfo, dictionary: Dictionary) -> bool:
    if below.data_like or not below.found or below.filled == 0:
        return False
    named = {  # a relationship word (户主) or a sex is a value, even where it is also a name
        key for key, (i, _weak) in below.found.items()
        if not dictionary.relationship(below.texts[i]) and below.texts[i] not in ("男", "女")
    }  # fmt: skip
    new_keys = named - set(header.found)
    under_group = bool(named) and any(
        t and i < len(header.texts) and header.texts[i] and header.texts[i] != t
        and (i + 1 < len(header.texts) and header.texts[i + 1] == header.texts[i]
             or i > 0 and header.texts[i - 1] == header.texts[i])
        for i, t in enumerate(below.texts)
    )  # fmt: skip
    return bool(new_keys) or under_group


def _flatten(top: _RowInfo | None, bottom: _RowInfo) -> tuple[list[str], list[str]]:
    """(headers as shown, group names) of a one- or two-row header."""
    width = max(len(bottom.texts), len(top.texts) if top else 0)
    headers, groups = [], []
    for i in range(width):
        low = bottom.texts[i] if i < len(bottom.texts) else ""
        high = top.texts[i] if top and i < len(top.texts) else ""
        if high and low and high != low:
            headers.append(f"{high}/{low}")
            groups.append(high)
        else:
            headers.append(low or high)
            groups.append("")
    return headers, groups


def find_layout(head: list[Row], dictionary: Dictionary, file_kind: str) -> tuple[Layout, int]:
    """The layout from the first rows; returns it and the index in ``head`` of the first body
    row. Raises UnusableFile with a message that points at the rows when no header is found."""
    infos = [_info(n, v, dictionary) for n, v in head[:HEADER_SCAN_ROWS]]
    layout = Layout(file_kind=file_kind)

    def above_data(position: int) -> bool:
        return position + 1 < len(infos) and infos[position + 1].data_like > 0

    candidates = [
        info for position, info in enumerate(infos)
        if info.score >= 2
        or (info.score >= 1 and not info.data_like and (info.distinct >= 3 or above_data(position)))
    ]  # fmt: skip
    if not candidates:
        candidates = [i for i in infos if i.distinct >= 3 and not i.data_like]
        if not candidates:
            raise UnusableFile(_no_header_message(infos))
        header = candidates[0]
    else:
        header = max(candidates, key=lambda i: (i.score, -i.number))
    position = infos.index(header)
    top: _RowInfo | None = None
    bottom = header
    if position + 1 < len(infos) and _is_second_header(infos[position + 1], header, dictionary):
        top, bottom = header, infos[position + 1]
    elif position > 0 and _is_group_row(infos[position - 1], header):
        top = infos[position - 1]
    first = (top or bottom).number
    layout.header_first, layout.header_last = first, bottom.number
    headers, groups = _flatten(top, bottom)
    layout.headers = headers
    above = [i for i in infos if i.number < first and i.filled]
    layout.title = " ".join(dict.fromkeys(t for i in above for t in i.texts if t))[:300]
    if top is not None:
        layout.notes.append(f"表头在{layout.header_text}（两行表头已合并为一行）")
    else:
        layout.notes.append(f"表头在第{first}行")
    if above:
        layout.notes.append(f"{span(above[0].number, above[-1].number)}是标题或说明，已跳过")
    _assign_keys(layout, headers, groups, dictionary)
    body_start = head.index(next(r for r in head if r[0] == bottom.number)) + 1
    return layout, body_start


def _no_header_message(infos: list[_RowInfo]) -> str:
    data = next((i for i in infos if i.data_like), None)
    titles = [
        i
        for i in infos
        if i.filled and i.distinct <= 2 and (data is None or i.number < data.number)
    ]
    hint = "表头应包含 姓名、身份证号 等列名"
    if titles and data:
        guess = titles[-1].number + 1
        return (
            f"{span(titles[0].number, titles[-1].number)}像是标题，表头可能在第{guess}行，"
            f"但没有认出其中的列名；{hint}"
        )
    if data is not None:
        return f"第{data.number}行已是数据，但前面没有表头行；请在数据上方加一行列名（{hint}）"
    return f"前{HEADER_SCAN_ROWS}行中没有找到表头；{hint}"


def _assign_keys(
    layout: Layout, headers: list[str], groups: list[str], dictionary: Dictionary
) -> None:
    chosen: dict[str, tuple[int, bool]] = {}
    for index, text in enumerate(headers):
        low = text.split("/", 1)[-1]
        hit = dictionary.lookup(low) or dictionary.lookup(text)
        if hit is None:
            continue
        key, weak = hit
        group = groups[index]
        if group and "户主" in group and key in ("name", "id_number"):
            key = "head_" + key
        if key == "serial":
            continue
        if key not in chosen or (chosen[key][1] and not weak):
            chosen[key] = (index, weak)
    layout.keys = {index: key for key, (index, _weak) in chosen.items()}
    layout.weak = {index for _key, (index, weak) in chosen.items() if weak}


def refine_by_values(layout: Layout, sample: list[Row], dictionary: Dictionary) -> None:
    """Recognise columns by what they hold: a weakly named 证件号码 holding other numbers is not
    the ID column; an unnamed column of valid ID numbers is."""
    width = len(layout.headers)
    profiles = [
        value_profile((values[i] if i < len(values) else None for _n, values in sample), dictionary)
        for i in range(width)
    ]
    id_col = layout.column_of("id_number")
    if id_col is not None:
        share = profiles[id_col].get("id_number", 0.0)
        if profiles[id_col] and share < 0.5:
            better = [i for i in range(width) if i != id_col and profiles[i].get("id_number", 0) >= 0.8
                      and layout.keys.get(i) not in ("head_id_number",)]  # fmt: skip
            header = layout.headers[id_col]
            if id_col in layout.weak or better:
                del layout.keys[id_col]
                layout.weak.discard(id_col)
                layout.notes.append(
                    f"“{header}”列的内容不是身份证号（符合GB 11643的只占{share:.0%}，可能是低保证号等），未作为身份证号"
                )
                id_col = None
                if better:
                    layout.keys.pop(better[0], None)
                    layout.keys[better[0]] = "id_number"
                    id_col = better[0]
                    layout.notes.append(
                        f"“{layout.headers[better[0]] or _col(better[0])}”列的内容是身份证号，已作为身份证号"
                    )
                elif header:
                    layout.questions.append(
                        f"“{header}”列看起来不是身份证号，请确认身份证号在哪一列"
                    )
    if id_col is None:
        found = [
            i
            for i in range(width)
            if i not in layout.keys and profiles[i].get("id_number", 0) >= 0.8
        ]
        if found:
            layout.keys[found[0]] = "id_number"
            layout.notes.append(
                f"“{layout.headers[found[0]] or _col(found[0])}”列的内容是身份证号（符合GB 11643），已作为身份证号"
            )
    for index, header in enumerate(layout.headers):
        hit = dictionary.lookup(header.split("/", 1)[-1]) if header else None
        if hit == ("id_number", True) and index not in layout.keys and profiles[index]:
            share = profiles[index].get("id_number", 0.0)
            if share < 0.5:
                layout.notes.append(
                    f"“{header}”列的内容不是身份证号（符合GB 11643的只占{share:.0%}，可能是低保证号等），未作为身份证号"
                )
    for index in list(layout.weak):
        if layout.keys.get(index) == "id_number" and profiles[index].get("id_number", 0) >= 0.5:
            layout.weak.discard(index)
            layout.notes.append(f"“{layout.headers[index]}”列的内容是身份证号，已作为身份证号")


def _col(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return f"第{letters}列"


# --- the table --------------------------------------------------------------------------------


class Table:
    """An opened file: its layout, and its body rows (title, header, blank, note, repeated
    header and footer rows left out)."""

    def __init__(
        self, layout: Layout, head: list[Row], rest: Iterator[Row], dictionary: Dictionary
    ) -> None:
        self.layout = layout
        self._head = head
        self._rest = rest
        self._dictionary = dictionary
        self.skipped_blank = 0
        self.skipped_footer: list[int] = []
        self.skipped_notes: list[int] = []
        self._consumed = False

    def rows(self) -> Iterator[Row]:
        if self._consumed:
            raise RuntimeError("Table.rows() can be read once")
        self._consumed = True
        header_norm = [normalise_header(h) for h in self.layout.headers]
        header_raw = [h.split("/", 1)[-1] for h in self.layout.headers]
        first_data = True
        blank = 0  # blank rows count only when something follows them
        for number, values in itertools.chain(self._head, self._rest):
            if number <= self.layout.header_last:
                continue
            texts = [cell_text(v) for v in values]
            if not any(texts):
                blank += 1
                continue
            self.skipped_blank += blank
            blank = 0
            info = _RowInfo(number, values, texts, {}, 0, len(set(texts)), 0)
            if _is_footer(info):
                self.skipped_footer.append(number)
                continue
            repeats = sum(1 for t, h in zip(texts, header_raw, strict=False) if t and t == h)
            if (
                repeats >= 2
                and [normalise_header(t) for t in texts[: len(header_norm)]]
                == header_norm[: len(texts)]
            ):
                self.skipped_notes.append(number)  # the header repeated (a printed page break)
                continue
            if (
                first_data
                and any(t.startswith(NOTE_WORDS) for t in texts if t)
                and not any(looks_like_id(t) for t in texts)
            ):
                self.skipped_notes.append(number)
                continue
            if (
                texts
                and all(not t or t.isdigit() for t in texts)
                and sum(1 for t in texts if t) == 1
            ):
                self.skipped_blank += 1  # only a serial number
                continue
            first_data = False
            yield number, values
        self._report()

    def _report(self) -> None:
        notes = self.layout.notes
        if self.skipped_footer:
            rows = self.skipped_footer
            words = "合计、制表人、审核人等" if len(rows) > 1 else "合计等"
            notes.append(
                f"跳过表尾{words}{len(rows)}行（{span(rows[0], rows[-1]) if len(rows) > 1 else f'第{rows[0]}行'}）"
            )
        if self.skipped_notes:
            notes.append(f"跳过填写提示或重复的表头{len(self.skipped_notes)}行")
        if self.skipped_blank:
            notes.append(f"跳过空行{self.skipped_blank}行")


def open_table(
    path: Path,
    *,
    max_bytes: int,
    dictionary: Dictionary,
    name: str = "",
    file_kind: str | None = None,
) -> Table:
    """Check and open a file, find its layout (raises UnusableFile)."""
    kind = file_kind or check_file(path, max_bytes=max_bytes, name=name)
    raw = iter_raw(path, kind)
    head = list(itertools.islice(raw, HEADER_SCAN_ROWS + SAMPLE_ROWS))
    if not any(any(cell_text(v) for v in values) for _n, values in head):
        raise UnusableFile("文件中没有内容")
    layout, body_start = find_layout(head, dictionary, kind)
    sample = [
        r for r in head[body_start:]
        if any(cell_text(v) for v in r[1]) and not _is_footer(_RowInfo(r[0], r[1], [cell_text(v) for v in r[1]], {}, 0, 0, 0))
    ]  # fmt: skip
    refine_by_values(layout, sample, dictionary)
    return Table(layout, head, raw, dictionary)


def rows_to_csv(rows: list[list[Any]]) -> bytes:
    """A small helper for tests and templates: rows as UTF-8 CSV bytes."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode()
