"""Exports of the “回音” digest: .xlsx and CSV, every cell that could be read as a formula
written as text (EXP-01)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from .selectors import DigestItem

HEADERS = ["工单号", "诉求", "受理热线", "承办单位", "核实情况", "办理结果", "办结时间"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """Text that a spreadsheet will never evaluate: a leading =, +, -, @, tab or CR is escaped
    with an apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _rows(items: Iterable[DigestItem]) -> list[list[str]]:
    return [
        [
            safe_cell(i.tracking_code),
            safe_cell(i.request),
            safe_cell(i.hotline),
            safe_cell(i.unit),
            safe_cell(i.verified),
            safe_cell(i.done),
            f"{timezone.localtime(i.closed_at):%Y-%m-%d}" if i.closed_at else "",
        ]
        for i in items
    ]


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def digest_csv(items: Iterable[DigestItem], filename: str) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel opens UTF-8 CSV correctly with a BOM
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows(_rows(items))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    return _attachment(response, filename)


def digest_xlsx(items: Iterable[DigestItem], filename: str) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    sheet.title = "回音"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in _rows(items):
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s"  # always a string, never a formula
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, width in zip("ABCDEFG", (16, 36, 24, 24, 40, 40, 12), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    return _attachment(response, filename)
