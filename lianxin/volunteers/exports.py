"""Exports: wishes, service records, the four-ones ledger (xlsx, formula-safe through the
registry's writer), and the volunteer service-record certificate (志愿服务记录证明) as xlsx and
PDF. Partners and volunteers never get a person's name in any of them."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet, Sum
from django.utils import timezone

from lianxin.care import pdf as care_pdf
from lianxin.registry.exports import write_xlsx

from .models import HoursEntry, KeyPersonCare, VolunteerProfile, Wish
from .selectors import certificate_entries, is_staff

WISH_HEADERS = [
    "心愿编号",
    "心愿内容",
    "类别",
    "公开描述",
    "估价（元）",
    "状态",
    "认领方",
    "认领时间",
    "送达时间",
    "确认方式",
    "实际价值（元）",
]
RECORD_HEADERS = [
    "志愿者编号",
    "志愿者",
    "服务日期",
    "服务内容",
    "时长（小时）",
    "类型",
    "任务编号",
]
FOURONES_HEADERS = [
    "社区(村)",
    "网格",
    "楼栋",
    "党员中心户",
    "重点人员",
    "小分队",
    "联系志愿者",
    "建档日期",
    "明白纸",
    "应急联系卡",
    "健康包",
    "四个一齐全",
]


def yuan(fen: int | None) -> str:
    if fen is None:
        return ""
    return f"{fen / 100:.2f}"


def _d(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        value = timezone.localtime(value)
    return f"{value:%Y-%m-%d}"


def wish_rows(qs: QuerySet[Wish]) -> Iterator[list[Any]]:
    for w in qs.select_related("claimant_org", "claimant_user").iterator(chunk_size=2000):
        yield [
            w.number,
            w.title,
            w.get_category_display(),
            w.public_line,
            yuan(w.estimate_fen),
            w.get_status_display(),
            w.claimant_name,
            _d(w.claimed_at),
            _d(w.delivered_at),
            w.get_confirmed_by_display() if w.confirmed_by else "",
            yuan(w.value_fen),
        ]


def wishes_xlsx(qs: QuerySet[Wish]) -> Any:
    return write_xlsx(title="微心愿台账", headers=WISH_HEADERS, rows=wish_rows(qs))[0]


def record_rows(qs: QuerySet[HoursEntry]) -> Iterator[list[Any]]:
    for e in qs.iterator(chunk_size=2000):
        yield [
            e.volunteer.code,
            e.volunteer.name,
            _d(e.served_on),
            e.note,
            f"{e.minutes / 60:.2f}",
            e.get_kind_display(),
            e.task.number if e.task is not None else "",
        ]


def records_xlsx(qs: QuerySet[HoursEntry]) -> Any:
    return write_xlsx(title="志愿服务记录", headers=RECORD_HEADERS, rows=record_rows(qs))[0]


def fourones_rows(qs: QuerySet[KeyPersonCare]) -> Iterator[list[Any]]:
    for c in qs.select_related("division").iterator(chunk_size=2000):
        yield [
            c.division.short_name,
            c.grid.name if c.grid is not None else "",
            c.building.name if c.building is not None else "",
            c.building.party_member_household if c.building is not None else "",
            c.person.name,
            c.team.name,
            c.volunteer.name if c.volunteer is not None else "",
            _d(c.roster_on),
            _d(c.leaflet_on),
            _d(c.card_on),
            _d(c.kit_on),
            "是" if c.complete else "否",
        ]


def fourones_xlsx(qs: QuerySet[KeyPersonCare]) -> Any:
    return write_xlsx(title="重点人员四个一台账", headers=FOURONES_HEADERS, rows=fourones_rows(qs))[
        0
    ]


def certificate_context(volunteer: VolunteerProfile, issuer: str) -> dict[str, Any]:
    entries = certificate_entries(volunteer)
    total = entries.aggregate(s=Sum("minutes"))["s"] or 0
    return {
        "volunteer": volunteer,
        "entries": list(entries),
        "hours": total / 60,
        "issuer": issuer,
        "issued_on": timezone.localdate(),
    }


def certificate_xlsx(context: dict[str, Any]) -> Any:
    v = context["volunteer"]

    def rows() -> Iterator[list[Any]]:
        yield ["姓名", v.name, "志愿者编号", v.code, "全国志愿者编号", v.national_number or "—"]
        yield [
            "服务区域",
            v.division.name,
            "累计服务时长（小时）",
            f"{context['hours']:.2f}",
            "出具单位",
            context["issuer"],
        ]
        yield []
        yield ["服务日期", "服务内容", "时长（小时）", "类型", "任务编号", ""]
        for e in context["entries"]:
            yield [
                _d(e.served_on),
                e.note,
                f"{e.minutes / 60:.2f}",
                e.get_kind_display(),
                e.task.number if e.task is not None else "",
                "",
            ]
        yield []
        yield ["出具日期", _d(context["issued_on"]), "", "", "", ""]

    return write_xlsx(
        title="志愿服务记录证明",
        headers=["项目", "内容", "项目", "内容", "项目", "内容"],
        rows=rows(),
    )[0]


def certificate_pdf(context: dict[str, Any]) -> bytes:
    from fpdf import FPDF

    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
    v = context["volunteer"]
    doc = FPDF(format="A4")
    doc.set_auto_page_break(auto=True, margin=14)
    doc.add_font("cjk", "", care_pdf.font_path())
    doc.add_font("cjk", "B", care_pdf.font_path())
    doc.add_page()
    doc.set_margins(18, 16, 18)
    doc.set_font("cjk", size=18)
    doc.cell(0, 12, "志愿服务记录证明", align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("cjk", size=11)
    doc.multi_cell(
        0,
        7,
        f"兹证明 {v.name}（志愿者编号 {v.code}"
        + (f"，全国志愿者编号 {v.national_number}" if v.national_number else "")
        + f"）在{v.division.name}参加志愿服务，累计服务时长 {context['hours']:.2f} 小时，记录如下：",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    doc.ln(2)
    doc.set_font("cjk", size=9)
    with doc.table(col_widths=(24, 86, 20, 20, 24), text_align="LEFT") as table:
        table.row(["服务日期", "服务内容", "时长(小时)", "类型", "任务编号"])
        for e in context["entries"]:
            table.row(
                [
                    _d(e.served_on),
                    e.note,
                    f"{e.minutes / 60:.2f}",
                    e.get_kind_display(),
                    e.task.number if e.task is not None else "",
                ]
            )
    doc.ln(6)
    doc.set_font("cjk", size=11)
    doc.cell(0, 7, f"出具单位：{context['issuer']}", new_x="LMARGIN", new_y="NEXT")
    doc.cell(0, 7, f"出具日期：{context['issued_on']:%Y年%m月%d日}", new_x="LMARGIN", new_y="NEXT")
    return bytes(doc.output())


def fourones_visible_to(user: Any) -> bool:
    return is_staff(user)


__all__ = ["io"]
