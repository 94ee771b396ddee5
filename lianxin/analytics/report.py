"""The dashboard as a styled xlsx workbook (issue #20): one sheet per section with Chinese
headings and each figure's definition, the monthly report a leader forwards."""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HEAD = PatternFill("solid", fgColor="DDEBF7")


def safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def workbook(data: dict[str, Any]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    area = data["area"]
    stamp = timezone.localtime(data["computed_at"]).strftime("%Y-%m-%d %H:%M")
    for section in data["sections"]:
        ws = wb.create_sheet(section["title"][:31])
        ws.append([f"{area.name} {section['title']}（统计时间 {stamp}，北京时间）"])
        ws["A1"].font = Font(bold=True, size=14)
        ws.append(["指标", "数值", "单位", "口径"])
        for cell in ws[2]:
            cell.font = Font(bold=True)
            cell.fill = HEAD
        for fig in section["figures"]:
            unit = fig.indicator.unit or ("" if fig.indicator.has_list else "")
            number = (
                fig.display
                if fig.suppressed
                else (fig.count if fig.indicator.has_list else fig.value)
            )
            ws.append([safe(fig.indicator.label), number, unit, safe(fig.indicator.definition)])
        ws.column_dimensions["A"].width = 24
        ws.column_dimensions["B"].width = 14
        ws.column_dimensions["D"].width = 60
        for row in ws.iter_rows(min_row=3):
            row[3].alignment = Alignment(wrap_text=True)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
