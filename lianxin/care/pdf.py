"""The household plan (一户一策) as a one-page PDF, with fpdf2 (pure Python) and a CJK font from
the system (Debian: ``apt-get install fonts-wqy-zenhei`` or ``fonts-noto-cjk``). Both are
optional: without them the page offers the browser's print (HTML print CSS) instead."""

from __future__ import annotations

import logging
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from django.utils import timezone

FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
]


@lru_cache(maxsize=1)
def font_path() -> str | None:
    return next((p for p in FONT_CANDIDATES if Path(p).exists()), None)


def available() -> bool:
    return find_spec("fpdf") is not None and font_path() is not None


def _yuan(fen: int | None) -> str:
    if fen is None:
        return ""
    return f"{fen // 100:,}.{fen % 100:02d}元"


def plan_pdf(context: dict[str, Any]) -> bytes:
    """A4, one page: household, members, situation, the plan's goal, leader and paired unit,
    and the measures as a table (action, content, responsible unit, deadline, status)."""
    from fpdf import FPDF

    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)  # "BDF NOT subset" noise
    case = context["case"]
    plan = context["plan"]
    doc = FPDF(format="A4")
    doc.set_auto_page_break(auto=True, margin=12)
    doc.add_font("cjk", "", font_path())
    doc.add_font("cjk", "B", font_path())
    doc.add_page()
    doc.set_margins(14, 12, 14)
    doc.set_font("cjk", size=16)
    doc.cell(0, 10, "特殊困难群众关爱帮扶“一户一策”方案", align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("cjk", size=9)
    doc.cell(
        0,
        6,
        f"案件编号 {case.number}    户编号 {case.household.number}    分级 {case.get_grade_display() or '未分级'}"
        f"    批次 {case.batch.name if case.batch else '—'}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    members = "、".join(f"{m['name']}（{m['relationship']}）" for m in context["members"])
    rows = [
        ("家庭成员", members or "—"),
        ("主要需求", getattr(context["investigation"], "needs", "") or "—"),
        ("帮扶目标", plan.goal if plan else "—"),
        ("包抓领导", str(case.leader) if case.leader else "—"),
        ("结对单位", str(case.paired_unit) if case.paired_unit else "—"),
    ]
    doc.set_font("cjk", size=10)
    for label, value in rows:
        doc.set_x(14)
        doc.cell(24, 7, label, border=1)
        doc.multi_cell(0, 7, value, border=1, new_x="LMARGIN", new_y="NEXT")
    doc.ln(2)
    doc.set_font("cjk", size=11)
    doc.cell(0, 8, "帮扶措施", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("cjk", size=9)
    with doc.table(col_widths=(22, 70, 38, 22, 16, 14), text_align="LEFT") as table:
        table.row(["关爱行动", "措施内容", "责任单位", "完成时限", "预算", "状态"])
        for m in context["measures"]:
            table.row(
                [
                    m.get_action_display(),
                    m.title,
                    m.responsible_unit.name,
                    f"{m.deadline:%Y-%m-%d}",
                    _yuan(m.budget_fen),
                    m.get_status_display(),
                ]
            )
    doc.ln(4)
    doc.cell(0, 6, footer_text(context), new_x="LMARGIN", new_y="NEXT")
    doc.ln(6)
    for left, right in SIGNATURES:
        doc.cell(90, 10, f"{left}（签字）：____________", new_x="RIGHT", new_y="TOP")
        doc.cell(0, 10, f"{right}（签字）：____________", new_x="LMARGIN", new_y="NEXT")
    doc.cell(0, 10, "日期：______年____月____日", new_x="LMARGIN", new_y="NEXT")
    return bytes(doc.output())


def footer_text(context: dict[str, Any]) -> str:
    """Approval and print dates in Beijing time: an approval at 00:30 is that day's, not the
    day before (UTC)."""
    plan = context["plan"]
    approved = (
        f"审定：{plan.approved_by}  {timezone.localtime(plan.approved_at):%Y-%m-%d}"
        if plan and plan.approved_at
        else "方案尚未审定"
    )
    printed = timezone.localtime(context["printed_at"])
    return f"{approved}    打印时间：{printed:%Y-%m-%d %H:%M}"


#: Who signs the plan (一户一策): the household and the people answerable for it.
SIGNATURES = (
    ("户主（或监护人）", "网格员"),
    ("包抓领导", "结对单位负责人"),
    ("社区(村)负责人", "乡镇(街道)审定人"),
)
