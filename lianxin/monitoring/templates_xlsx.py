"""The standard roster templates (标准模板) to download, one per roster kind: a title row, the
template's columns in Chinese, a hint row, and a sheet of instructions. A filled template is
read by the same reader as every department's own layout."""

from __future__ import annotations

from typing import Any

from .forms import COLUMN_LABELS
from .pipeline.rosters import ROSTER_COLUMNS, ROSTER_TITLES

HINTS = {
    "id_number": "必填（或填姓名）；18位，请设为文本格式",
    "name": "必填",
    "sex": "选填；可按身份证号推算",
    "birth_date": "选填；如 1980-01-02，可按身份证号推算",
    "division_code": "选填；12位社区(村)区划代码",
    "household_no": "选填；同户成员相同，可填低保证号",
    "assistance_type": "选填；低保、特困或低保边缘，名册只含一种时可不填",
    "disability_type": "必填；肢体 视力 听力 言语 智力 精神 多重",
    "disability_grade": "必填；1-4 或 一级…四级",
    "certificate_no": "选填；残疾人证号（身份证号+类别+等级）",
    "subsidy": "必填；生活补贴 或 护理补贴",
    "monthly_amount": "选填；元",
    "death_date": "必填；如 2026-09-01",
    "out_of_pocket_yuan": "必填；元",
    "year": "选填；如 2026",
}
REQUIRED = {
    "id_number",
    "name",
    "disability_type",
    "disability_grade",
    "subsidy",
    "death_date",
    "out_of_pocket_yuan",
}


def write_roster_template(kind: str, target: Any) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    columns = ROSTER_COLUMNS[kind]
    wb = Workbook()
    ws = wb.active
    ws.title = ROSTER_TITLES[kind][:30]
    ws.append([f"XX县（区）{ROSTER_TITLES[kind]}（标准模板；第1行标题可保留或删除）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(
        [("*" if c in REQUIRED else "") + COLUMN_LABELS.get(c, c).split("（")[0] for c in columns]
    )
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(row=2, column=index)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F6FB2" if column in REQUIRED else "5B8DB8")
        ws.column_dimensions[cell.column_letter].width = 18
    ws.append([HINTS.get(c, "选填") for c in columns])
    for cell in ws[3]:
        cell.font = Font(italic=True, color="888888")
    for r in range(4, 204):
        ws.cell(row=r, column=columns.index("id_number") + 1).number_format = "@"
    ws.freeze_panes = "A3"
    notes = wb.create_sheet("填写说明")
    notes.append(["列名", "说明"])
    for c in columns:
        notes.append([COLUMN_LABELS.get(c, c), HINTS.get(c, "选填")])
    notes.append([])
    notes.append(
        ["说明", "第3行为填写提示，可保留（导入时自动跳过）；表尾的合计、制表人等行也会自动跳过。"]
    )
    notes.column_dimensions["A"].width = 20
    notes.column_dimensions["B"].width = 60
    wb.save(target)
