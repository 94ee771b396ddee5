"""The blank template and the error report (xlsx) given back after a check; formula-safe
cells for every export."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lianxin.core.redaction import mask_personal_numbers

from .columns import COLUMNS, RowError

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
        for col in id_col:
            ws.cell(row=r, column=col).number_format = "@"
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
    """The import report (.xlsx): summary, errors and warnings with row, column, value, reason.
    ID and phone numbers anywhere in it are masked as the screens mask them (ADR 0009)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("汇总")
    for label, value in summary:
        ws.append([text_cell(ws, label), text_cell(ws, mask_personal_numbers(str(value)))])
    for title, items in (("错误", errors), ("警告", warnings)):
        sheet = wb.create_sheet(title)
        sheet.append(["行号", "列", "值", "原因"])
        for e in items:
            sheet.append(
                [
                    e.row,
                    e.column,
                    text_cell(sheet, mask_personal_numbers(e.value)),
                    text_cell(sheet, mask_personal_numbers(e.reason)),
                ]
            )
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
