"""The season's workbook (就业援助月统计): the funnel, the counties' totals by county, route
and disability type, and the placements of the season within the user's area. Text cells are
never formulas (EXP-01, the registry's helpers); no ID or phone number is written."""

from __future__ import annotations

import tempfile
from typing import Any

from django.http import FileResponse

from lianxin.registry.importing import text_cell

from . import selectors
from .models import Season


def _sheet(wb: Any, title: str, headers: list[str], rows: list[list[Any]]) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    ws = wb.create_sheet(title[:31])
    cells = []
    for header in headers:
        cell = WriteOnlyCell(ws, value=header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="B7282E")
        cells.append(cell)
    ws.append(cells)
    for row in rows:
        ws.append([text_cell(ws, v) for v in row])


def season_rows(*, user: Any, season: Season) -> dict[str, tuple[list[str], list[list[Any]]]]:
    figures = selectors.funnel(user=user, season=season)
    totals = selectors.season_totals(user=user, season=season)
    placements = selectors.placement_list(user=user).filter(season=season)
    return {
        "工作漏斗": (
            ["环节", "数量"],
            [[label, figures[key]] for key, label in selectors.FUNNEL_LABELS],
        ),
        "按县区": (["县(区)", "开发岗位", "新增就业"], [list(r) for r in totals["by_county"]]),
        "按安置途径": (["安置途径", "开发岗位", "新增就业"], [list(r) for r in totals["by_route"]]),
        "按残疾类别": (["残疾类别", "开发岗位", "新增就业"], [list(r) for r in totals["by_type"]]),
        "安置名单": (
            [
                "姓名",
                "社区(村)",
                "残疾类别",
                "安置途径",
                "安置单位",
                "工种",
                "上岗日期",
                "月薪（元）",
                "每日工时",
                "社会保险",
                "状态",
            ],
            [
                [
                    p.seeker.name,
                    p.seeker.division.name if p.seeker.division_id else "",
                    p.seeker.get_disability_type_display() if p.seeker.disability_type else "",
                    p.get_route_display(),
                    p.employer.name,
                    p.work_type,
                    p.started_on.isoformat(),
                    round(p.monthly_pay_fen / 100, 2),
                    p.daily_minutes / 60,
                    "是" if p.social_insurance else "否",
                    p.get_status_display(),
                ]
                for p in placements.select_related("seeker__division")[:20000]
            ],
        ),
    }


def season_xlsx(*, user: Any, season: Season) -> FileResponse:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for title, (headers, rows) in season_rows(user=user, season=season).items():
        _sheet(wb, title, headers, rows)
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (returned open)
    wb.save(out)
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=f"就业援助月_{season.starts_on:%Y%m%d}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
