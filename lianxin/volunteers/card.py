"""The emergency contact card (应急联系卡): A6, Chinese, large type, with the volunteer's phone,
the team's service phone, the nearest pharmacy, grain shop and health station, and a QR code
the family scans to call the grid. Numbers are printed in groups of 3-4-4 for old eyes."""

from __future__ import annotations

import io
import logging
from typing import Any

from django.utils import timezone

from lianxin.care import pdf as care_pdf

from .places import nearest_places


def grouped(phone: str) -> str:
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    if len(digits) == 11:
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    return phone or ""


def card_context(care: Any) -> dict[str, Any]:
    volunteer = care.volunteer
    team = care.team
    call = team.service_phone or (volunteer.phone if volunteer and volunteer.phone_on_card else "")
    digits = "".join(ch for ch in call if ch.isdigit() or ch == "-")
    return {
        "care": care,
        "person_name": care.person.name,
        "community": care.division.short_name,
        "grid": str(care.grid) if care.grid_id else "",
        "building": care.building.name if care.building_id else "",
        "party_household": care.building.party_member_household if care.building_id else "",
        "volunteer_name": volunteer.name if volunteer else "",
        "volunteer_phone": grouped(volunteer.phone)
        if volunteer and volunteer.phone_on_card
        else "",
        "team_name": team.name,
        "team_phone": grouped(team.service_phone),
        "places": [
            {"label": p.label, "name": p.name, "address": p.address, "phone": grouped(p.phone)}
            for p in nearest_places(person=care.person)
        ],
        "qr_target": f"tel:{digits}" if digits else "",
        "printed_at": timezone.localtime(),
    }


def qr_svg(target: str) -> str:
    """An inline SVG QR code (segno); empty without segno or a number to call."""
    if not target:
        return ""
    try:
        import segno
    except ImportError:  # pragma: no cover - optional dependency
        return ""
    buffer = io.BytesIO()
    segno.make(target, error="m").save(
        buffer, kind="svg", scale=4, border=2, xmldecl=False, svgns=True
    )
    return buffer.getvalue().decode()


def card_pdf(context: dict[str, Any]) -> bytes:
    """A6 portrait (105 × 148 mm), large type."""
    from fpdf import FPDF

    logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
    doc = FPDF(format=(105, 148))
    doc.set_auto_page_break(auto=False)
    font = care_pdf.font_path()
    doc.add_font("cjk", "", font)
    doc.add_page()
    doc.set_margins(7, 6, 7)
    doc.set_font("cjk", size=20)
    doc.cell(0, 11, "应急联系卡", align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("cjk", size=13)
    lines = [
        f"{context['person_name']}  {context['community']}{context['building']}",
        f"联系志愿者：{context['volunteer_name'] or '—'}",
        f"电话：{context['volunteer_phone'] or '—'}",
        f"{context['team_name']}",
        f"服务电话：{context['team_phone'] or '—'}",
    ]
    for line in lines:
        doc.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    doc.set_font("cjk", size=11)
    for place in context["places"]:
        doc.multi_cell(
            0,
            6,
            f"{place['label']}：{place['name']} {place['phone']}",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    if context["qr_target"]:
        try:
            import segno

            png = io.BytesIO()
            segno.make(context["qr_target"], error="m").save(png, kind="png", scale=6, border=2)
            png.seek(0)
            doc.image(png, x=70, y=112, w=28)
            doc.set_xy(7, 120)
            doc.set_font("cjk", size=10)
            doc.multi_cell(60, 5, "家属扫码\n拨打网格服务电话")
        except ImportError:  # pragma: no cover
            pass
    doc.set_xy(7, 140)
    doc.set_font("cjk", size=7)
    doc.cell(0, 4, f"打印：{context['printed_at']:%Y-%m-%d}")
    return bytes(doc.output())
