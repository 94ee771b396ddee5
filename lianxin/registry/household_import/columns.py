"""The household file's columns, rows and cells (shared/contracts/imports.md): what each column
means and how a cell is read; pure functions, no database."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from lianxin.core import idnumber, phone
from lianxin.core.redaction import mask_personal_numbers
from lianxin.core.spreadsheet import cell_text as _sheet_cell_text

from ..models import DisabilityType, Relationship, Tag

REPORT_ERROR_LIMIT = 5000
PLACE_KEYS = ("township", "village", "place")
EXTRA_KEYS = ("head_id_number", "head_name", "dibao_no", *PLACE_KEYS)


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
REQUIRED_KEYS = frozenset({"name", "id_number", "relationship"})  # the rest can be derived
HOUSEHOLD_KEYS = tuple(c.key for c in COLUMNS if c.household)

RELATIONSHIPS = frozenset(Relationship.values)
TAGS = frozenset(Tag.values)
DISABILITY_TYPES = frozenset(DisabilityType.values)
_RELATIONSHIP_HINT = (
    "与户主关系应为："
    + " ".join(Relationship.values)
    + "，或 本人、妻、夫、长子、次女、孙子、儿媳、岳母、兄、妹 等"
)
_TAG_HINT = "、".join(Tag.values)
_TAG_SPLIT = re.compile(r"[、,，;；/\s]+")
_GRADES = {"1": 1, "2": 2, "3": 3, "4": 4, "一": 1, "二": 2, "三": 3, "四": 4}
_SEX = {"男": "M", "女": "F", "M": "M", "F": "F", "MALE": "M", "FEMALE": "F"}
_MONTH_ONLY = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$|^(\d{4})(\d{2})$")
_YEAR_ONLY = re.compile(r"^(\d{4})\s*年?$")
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
    notes: list[str] = field(default_factory=list)
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
    return _sheet_cell_text(value)


def is_masked(value: Any) -> bool:
    """A cell as the ledger export masks it (asterisks, or （不可见）): the import reads it as
    "unchanged", never as a new value (#12)."""
    text = cell_text(value)
    return "*" in text or "不可见" in text


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
    """Reports never carry a full ID number or phone (PII-01, ADR 0009): the ID column as staff
    screens show it (the last three characters), a phone as 139****2345, any other cell with
    the numbers in it masked the same way."""
    if key in ("id_number", "head_id_number") and len(text) >= 6:
        return idnumber.mask(text.strip(), idnumber.MaskTier.CASE_WORKER)
    if key == "phone" and len(text) >= 7:
        return phone.mask(text.strip())
    return mask_personal_numbers(text[:60])
