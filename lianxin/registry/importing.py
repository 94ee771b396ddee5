"""Reading and checking a household file (shared/contracts/imports.md). Pure functions, no
database: the file is checked before it is opened (size, type, zip and XML bombs), read as a
stream of rows with vertically merged cells filled down, its header found by its column names,
and every row validated into a ``ParsedRow`` or row-level errors in Chinese. The database side
(what is created, updated, unchanged) is registry.imports."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
import unicodedata
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lianxin.core import dates, idnumber, phone

from .models import DisabilityType, Relationship, Tag

MAX_ZIP_MEMBERS = 2000
MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024
MAX_MEMBER_RATIO = 100  # a real sheet compresses 5–20×; bombs compress 1000×
HEADER_SCAN_ROWS = 30
REPORT_ERROR_LIMIT = 5000


class UnusableFile(Exception):
    """The file cannot be read as a household list (exit code 2); ``message`` is Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    english: str
    required: bool = False
    household: bool = False  # repeated on each member's row or merged vertically
    hint: str = ""


COLUMNS: tuple[Column, ...] = (
    Column(
        "household_no", "户编号", "household_no", True, True, "必填；本户唯一编号，同户成员相同"
    ),
    Column("division_code", "区划代码", "division_code", True, True, "必填；12位社区(村)区划代码"),
    Column("grid", "网格", "grid", False, True, "选填；社区内网格名称，如 第一网格"),
    Column("address", "详细地址", "address", False, True, "选填"),
    Column("name", "姓名", "name", True, False, "必填"),
    Column("id_number", "身份证号", "id_number", True, False, "必填；18位，请设为文本格式"),
    Column(
        "relationship",
        "与户主关系",
        "relationship",
        True,
        False,
        "必填；" + " ".join(Relationship.values),
    ),
    Column("sex", "性别", "sex", hint="选填；男/女，须与身份证号一致"),
    Column("birth_date", "出生日期", "birth_date", hint="选填；如 1980-01-02，须与身份证号一致"),
    Column("ethnicity", "民族", "ethnicity", hint="选填；如 汉族、回族"),
    Column("phone", "联系电话", "phone", hint="选填；手机号或带区号的固定电话"),
    Column(
        "disability_type",
        "残疾类别",
        "disability_type",
        hint="选填；" + " ".join(DisabilityType.values),
    ),
    Column(
        "disability_grade",
        "残疾等级",
        "disability_grade",
        hint="填写残疾类别时必填；1-4 或 一级…四级",
    ),
    Column(
        "hardship_tags", "困难类型", "hardship_tags", hint="选填；多个用、分隔，如 低保、高龄独居"
    ),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
_HEADER_ALIASES = {c.title: c.key for c in COLUMNS} | {c.english: c.key for c in COLUMNS}
_HEADER_ALIASES |= {
    "公民身份号码": "id_number",
    "身份证号码": "id_number",
    "户号": "household_no",
    "电话": "phone",
    "手机号": "phone",
    "关系": "relationship",
}
REQUIRED_KEYS = frozenset(c.key for c in COLUMNS if c.required)
HOUSEHOLD_KEYS = tuple(c.key for c in COLUMNS if c.household)

RELATIONSHIPS = frozenset(Relationship.values)
TAGS = frozenset(Tag.values)
DISABILITY_TYPES = frozenset(DisabilityType.values)
_RELATIONSHIP_HINT = "与户主关系应为：" + " ".join(Relationship.values)
_TAG_HINT = "、".join(Tag.values)
_TAG_SPLIT = re.compile(r"[、,，;；/\s]+")
_GRADES = {"1": 1, "2": 2, "3": 3, "4": 4, "一": 1, "二": 2, "三": 3, "四": 4}
_SEX = {"男": "M", "女": "F", "M": "M", "F": "F", "MALE": "M", "FEMALE": "F"}
_CJK_SPACES = re.compile(r"(?<=[\u3400-\u9fff·])\s+(?=[\u3400-\u9fff·])")


@dataclass(frozen=True)
class RowError:
    row: int
    column: str  # the Chinese header
    value: str
    reason: str
    is_warning: bool = False


@dataclass(slots=True)
class ParsedRow:
    row: int
    household_no: str
    division_code: str
    grid: str
    address: str
    name: str
    id_number: str
    relationship: str
    sex: str
    birth_date: dt.date
    ethnicity: str
    phone: str
    disability_type: str
    disability_grade: int | None
    tags: tuple[str, ...]


@dataclass
class CheckedFile:
    header_row: int
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    data_rows: int = 0

    @property
    def error_rows(self) -> int:
        return len({e.row for e in self.errors})


# --- cells ----------------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """What a cell says, as text: NFKC (full-width → ASCII), trimmed; Excel numbers without
    '.0'; dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = unicodedata.normalize("NFKC", str(value)).replace("\u200b", "").strip()
    return text


def clean_name(value: Any) -> str:
    """A person's name: NFKC, trimmed, spaces between Chinese characters dropped (王 梅 → 王梅)."""
    text = re.sub(r"\s+", " ", cell_text(value))
    return _CJK_SPACES.sub("", text)


def parse_grade(value: Any) -> int | None:
    """Disability grade: 1–4, 一级…四级, 1级; None for empty; ValueError otherwise."""
    text = cell_text(value).replace("级", "").replace("等", "").strip()
    if not text:
        return None
    if text in _GRADES:
        return _GRADES[text]
    raise ValueError("残疾等级应为1至4（或一级至四级）")


def parse_disability_type(value: Any) -> str:
    text = cell_text(value).replace(" ", "")
    if not text:
        return ""
    if text.endswith("残疾"):
        text = text[: -len("残疾")]
    if text in DISABILITY_TYPES:
        return text
    raise ValueError("残疾类别应为 " + "、".join(DisabilityType.values))


def parse_sex(value: Any) -> str:
    text = cell_text(value).upper().replace("性", "")
    if not text:
        return ""
    if text in _SEX:
        return _SEX[text]
    raise ValueError("性别应为男或女")


def parse_tags(value: Any) -> tuple[str, ...]:
    """Hardship tags separated by 、 , ， ; (and spaces); unknown ones raise ValueError."""
    text = cell_text(value)
    if not text:
        return ()
    tags: list[str] = []
    for part in _TAG_SPLIT.split(text):
        if not part:
            continue
        if part not in TAGS:
            raise ValueError(f"未知的困难类型“{part}”，可选：{_TAG_HINT}")
        if part not in tags:
            tags.append(part)
    return tuple(tags)


def normalise_ethnicity(value: Any) -> str:
    text = cell_text(value).replace(" ", "")
    if text and not text.endswith("族") and len(text) <= 3:
        text += "族"
    return text[:20]


def mask_for_report(key: str, text: str) -> str:
    """Reports never carry a full ID number or phone (PII-01): keep enough to find the cell."""
    if key == "id_number" and len(text) >= 12:
        return text[:6] + "*" * (len(text) - 10) + text[-4:]
    if key == "phone" and len(text) >= 7:
        return text[:3] + "*" * (len(text) - 7) + text[-4:]
    return text[:60]


# --- the file -------------------------------------------------------------------------------


def check_file(path: Path, *, max_bytes: int) -> str:
    """Refuse, before opening it, a file that is too large, not a spreadsheet, or a zip or XML
    bomb. Returns "xlsx" or "csv"."""
    size = path.stat().st_size
    if size > max_bytes:
        raise UnusableFile(f"文件大小{size / 1048576:.1f}MB，超过上限{max_bytes // 1048576}MB")
    if size == 0:
        raise UnusableFile("文件是空的")
    with path.open("rb") as fh:
        head = fh.read(65536)
    if head.startswith(b"PK\x03\x04"):
        _check_zip(path)
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnusableFile("不支持旧版 .xls 或加密的文件，请在Excel中另存为 .xlsx 后再导入")
    if b"\x00" in head or head.startswith((b"MZ", b"\x7fELF", b"%PDF")):
        raise UnusableFile("文件不是Excel表格（.xlsx）或CSV文件")
    if _decode_head(head) is None:
        raise UnusableFile("文件不是Excel表格（.xlsx）或CSV文件")
    return "csv"


def _decode_head(head: bytes) -> str | None:
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            return encoding if decoder.decode(head, final=False) is not None else None
        except UnicodeDecodeError:
            continue
    return None


def _check_zip(path: Path) -> None:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnusableFile("文件已损坏，无法作为Excel表格读取") from exc
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise UnusableFile("文件结构异常（压缩包内文件过多），已拒绝")
        total = sum(m.file_size for m in members)
        if total > MAX_UNCOMPRESSED_BYTES:
            raise UnusableFile("文件解压后过大（疑似压缩炸弹），已拒绝")
        for m in members:
            if m.file_size > 1_048_576 and m.file_size > MAX_MEMBER_RATIO * max(m.compress_size, 1):
                raise UnusableFile("文件压缩比异常（疑似压缩炸弹），已拒绝")
        names = {m.filename for m in members}
        if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
            raise UnusableFile("文件不是Excel表格（.xlsx）")
        if "xl/workbook.bin" in names:
            raise UnusableFile("不支持 .xlsb 文件，请另存为 .xlsx")
        for m in members:
            if not m.filename.endswith((".xml", ".rels", ".vml")):
                continue
            try:
                with archive.open(m) as fh:
                    start = fh.read(8192).upper()
            except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
                raise UnusableFile("文件已损坏或已加密，无法读取") from exc
            if b"<!DOCTYPE" in start or b"<!ENTITY" in start:
                raise UnusableFile("文件包含不允许的XML实体声明（疑似XML炸弹），已拒绝")


def iter_xlsx(path: Path) -> Iterator[tuple[int, list[Any]]]:
    """(Excel row number, cell values from column A) of the first sheet; a vertically merged
    range's value is repeated on each of its rows."""
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
    except (CalamineError, ValueError, OSError) as exc:
        raise UnusableFile("无法读取Excel文件，文件可能已损坏") from exc
    offset = sheet.start[1] if sheet.start else 0
    fills: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or []:
        if r1 <= r0:
            continue
        for r in range(r0 + 1, r1 + 1):
            for c in range(c0, c1 + 1):
                fills[r].append((c, r0, c0))
    tops = {(r0, c0) for spans in fills.values() for (_c, r0, c0) in spans}
    kept: dict[tuple[int, int], Any] = {}
    try:
        for index, raw in enumerate(sheet.iter_rows()):
            values = [None] * offset + list(raw)
            for c in range(len(values)):
                if (index, c) in tops:
                    kept[(index, c)] = values[c]
            for c, r0, c0 in fills.pop(index, ()):
                while len(values) <= c:
                    values.append(None)
                if values[c] in (None, ""):
                    values[c] = kept.get((r0, c0))
            yield index + 1, values
    except CalamineError as exc:
        raise UnusableFile("读取Excel文件时出错，文件可能已损坏") from exc


def iter_csv(path: Path) -> Iterator[tuple[int, list[Any]]]:
    with path.open("rb") as fh:
        encoding = _decode_head(fh.read(65536)) or "utf-8-sig"
    try:
        with path.open(encoding=encoding, newline="") as fh:
            for index, row in enumerate(csv.reader(fh)):
                yield index + 1, list(row)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise UnusableFile("CSV文件编码或格式无法识别，请使用UTF-8编码") from exc


def iter_rows(path: Path, kind: str) -> Iterator[tuple[int, list[Any]]]:
    return iter_xlsx(path) if kind == "xlsx" else iter_csv(path)


def header_key(value: Any) -> str | None:
    text = (
        cell_text(value)
        .replace(" ", "")
        .replace("*", "")
        .replace("（必填）", "")
        .replace("(必填)", "")
    )
    if text in _HEADER_ALIASES:
        return _HEADER_ALIASES[text]
    lowered = text.lower()
    return _HEADER_ALIASES.get(lowered)


def find_header(rows: Iterator[tuple[int, list[Any]]]) -> tuple[int, dict[int, str]]:
    """Skip title and blank rows; the header row is the first whose cells name the required
    columns. Returns (its row number, column index → key)."""
    for _ in range(HEADER_SCAN_ROWS):
        try:
            number, values = next(rows)
        except StopIteration:
            break
        mapping: dict[int, str] = {}
        for index, value in enumerate(values):
            key = header_key(value)
            if key and key not in mapping.values():
                mapping[index] = key
        if len(mapping) >= 3:
            missing = REQUIRED_KEYS - set(mapping.values())
            if missing:
                titles = "、".join(
                    COLUMN_BY_KEY[k].title for k in sorted(missing, key=list(COLUMN_BY_KEY).index)
                )
                raise UnusableFile(f"第{number}行表头缺少必填列：{titles}")
            return number, mapping
    raise UnusableFile("未找到表头（应包含 户编号、区划代码、姓名、身份证号、与户主关系 等列）")


# --- rows -----------------------------------------------------------------------------------


def validate_row(
    row: int,
    values: dict[str, Any],
    *,
    region_known: Callable[[str], bool] = lambda code: True,
) -> tuple[ParsedRow | None, list[RowError]]:
    """One data row: a ParsedRow, or the row's errors (warnings are returned either way)."""
    problems: list[RowError] = []

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
        err("household_no", "户编号不能为空")
    elif len(household_no) > 40:
        err("household_no", "户编号不能超过40个字符")
    division_code = cell_text(values.get("division_code")).replace(" ", "")
    if not division_code:
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
    if not cell_text(values.get("id_number")):
        err("id_number", "身份证号不能为空")
    else:
        try:
            parsed_id = idnumber.parse(values.get("id_number"))
        except idnumber.IdNumberError as exc:
            err("id_number", str(exc))
    relationship = cell_text(values.get("relationship")).replace(" ", "")
    if not relationship:
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


def check_rows(rows: list[ParsedRow]) -> list[RowError]:
    """Rules across rows: an ID number appears once; a household has exactly one 户主 and one
    community and grid."""
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    by_household: dict[str, list[ParsedRow]] = defaultdict(list)
    for r in rows:
        first = seen.setdefault(r.id_number, r.row)
        if first != r.row:
            errors.append(
                RowError(
                    r.row,
                    "身份证号",
                    mask_for_report("id_number", r.id_number),
                    f"身份证号与第{first}行重复",
                )
            )
        by_household[r.household_no].append(r)
    for number, members in by_household.items():
        heads = [m for m in members if m.relationship == Relationship.HEAD]
        if not heads:
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


def read_file(
    path: Path,
    *,
    max_bytes: int,
    region_known: Callable[[str], bool] = lambda code: True,
    progress: Callable[[int], None] | None = None,
) -> CheckedFile:
    """Check, read and validate a whole file (raises UnusableFile)."""
    kind = check_file(path, max_bytes=max_bytes)
    rows = iter_rows(path, kind)
    header_row, mapping = find_header(rows)
    checked = CheckedFile(header_row=header_row)
    household_values: dict[str, Any] = {}
    for number, values in rows:
        record = {key: (values[i] if i < len(values) else None) for i, key in mapping.items()}
        if all(cell_text(v) == "" for v in record.values()):
            continue  # blank row
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
        checked.data_rows += 1
        parsed, problems = validate_row(number, record, region_known=region_known)
        for p in problems:
            (checked.warnings if p.is_warning else checked.errors).append(p)
        if parsed is not None:
            checked.rows.append(parsed)
        if progress and checked.data_rows % 2000 == 0:
            progress(checked.data_rows)
    if checked.data_rows == 0:
        raise UnusableFile("文件中没有数据行")
    checked.errors.extend(check_rows(checked.rows))
    checked.errors.sort(key=lambda e: e.row)
    return checked


# --- template and report --------------------------------------------------------------------


def write_template(target: Any) -> None:
    """The downloadable template: a title row, the headers with comments, an example household."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "住户信息"
    ws.append(["XX社区住户信息台账（第1行标题可保留或删除；带*为必填列）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([("*" if c.required else "") + c.title for c in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=2, column=index)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F6FB2" if column.required else "5B8DB8")
        cell.alignment = Alignment(horizontal="center")
        cell.comment = Comment(column.hint, "连心")
        ws.column_dimensions[cell.column_letter].width = max(12, len(column.title) * 3)
    ws.append([c.hint for c in COLUMNS])
    for cell in ws[3]:
        cell.font = Font(italic=True, color="888888")
    example = [
        [
            "640104001007-901",
            "640104001007",
            "第一网格",
            "1号楼2单元301",
            "张三",
            "640104198001020019",
            "户主",
            "男",
            "1980-01-02",
            "汉族",
            "13900000000",
            "",
            "",
            "低保",
        ],
        [
            None,
            None,
            None,
            None,
            "李四",
            "640104198203040026",
            "配偶",
            "女",
            "1982/3/4",
            "回族",
            "",
            "肢体",
            "二级",
            "",
        ],
    ]
    for row in example:
        ws.append(row)
    ws.merge_cells("A4:A5")
    ws.merge_cells("B4:B5")
    ws.merge_cells("C4:C5")
    ws.merge_cells("D4:D5")
    id_col = [
        i
        for i, c in enumerate(COLUMNS, start=1)
        if c.key in ("id_number", "phone", "division_code")
    ]
    for r in range(4, 2000):
        for c in id_col:
            ws.cell(row=r, column=c).number_format = "@"
    ws.freeze_panes = "A3"
    notes = wb.create_sheet("填写说明")
    notes.append(["列名", "英文名", "说明"])
    for c in COLUMNS:
        notes.append([c.title, c.english, c.hint])
    notes.append([])
    notes.append(
        ["说明", "", "第3行为填写提示，导入前请删除；示例行（户编号以-901结尾）请替换为真实数据。"]
    )
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["C"].width = 60
    wb.save(target)


def write_report(
    target: Any,
    *,
    summary: Iterable[tuple[str, Any]],
    errors: Iterable[RowError],
    warnings: Iterable[RowError],
) -> None:
    """The import report (.xlsx): summary, errors and warnings with row, column, value, reason."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("汇总")
    for label, value in summary:
        ws.append([text_cell(ws, label), text_cell(ws, value)])
    for title, items in (("错误", errors), ("警告", warnings)):
        sheet = wb.create_sheet(title)
        sheet.append(["行号", "列", "值", "原因"])
        for e in items:
            sheet.append([e.row, e.column, text_cell(sheet, e.value), text_cell(sheet, e.reason)])
    wb.save(target)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text_cell(sheet: Any, value: Any) -> Any:
    """A write-only cell that is never a formula (EXP-01): text is stored as a string cell,
    even when it starts with = + - @."""
    from openpyxl.cell import WriteOnlyCell

    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def csv_safe(value: Any) -> Any:
    """A CSV field that no spreadsheet takes as a formula: a leading ' before = + - @ tab CR."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
