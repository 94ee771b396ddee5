"""“我的工作” panels of the love alliance (registered in apps.py)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from lianxin.core.workpanels import Panel

from . import selectors
from .models import MedicineBox, PartnerStatus


def _yuan(fen: int) -> str:
    return f"{fen / 100:,.2f}元"


def partner_panel(user: Any) -> list[Panel]:
    panels = []
    for partner in selectors.partners_of_user(user):
        figures = selectors.partner_figures(partner)
        links = [
            ("爱心卡核销", reverse("resources:redeem")),
            ("本单位", reverse("resources:my_partner")),
        ]
        panels.append(
            Panel(
                f"爱心联盟 · {partner.organisation.name}",
                figures=[
                    ("状态", partner.get_status_display()),
                    ("项优惠在用", figures["offers"]),
                    ("本月核销（次）", figures["month_redemptions"]),
                    ("本月让利", _yuan(figures["month_discount_fen"])),
                    ("本月积分兑换（次）", figures["month_points_redemptions"]),
                ],
                links=links if partner.status == PartnerStatus.APPROVED else links[1:],
                order=5,
            )
        )
    return panels


def staff_panel(user: Any) -> list[Panel]:
    figures = selectors.staff_figures(user=user)
    return [
        Panel(
            "爱心联盟",
            figures=[
                ("家单位待审核", figures["applied"]),
                ("家联盟成员", figures["partners"]),
                ("张爱心卡有效", figures["cards"]),
                ("张已暂停", figures["suspended"]),
                ("本月让利", _yuan(figures["month_discount_fen"])),
                ("批药品临期", figures["expiring"]),
            ],
            links=[
                ("联盟成员", reverse("resources:index")),
                ("爱心卡", reverse("resources:card_index")),
                ("生活圈覆盖", reverse("resources:coverage")),
            ],
            order=40,
        )
    ]


def custodian_panel(user: Any) -> list[Panel]:
    boxes = MedicineBox.objects.filter(custodian=user, is_active=True).count()
    if not boxes:
        return []
    return [
        Panel(
            "共享药箱 · 我管理的药箱",
            figures=[
                ("个药箱", boxes),
                ("批药品30天内过期", selectors.expiring_items(user=user).count()),
            ],
            links=[("我的药箱", reverse("resources:box_index"))],
            order=30,
        )
    ]


def volunteer_panel(user: Any) -> list[Panel]:
    return [
        Panel(
            "爱心联盟 · 积分兑换",
            figures=[("家商家接受积分", selectors.points_merchants().count())],
            links=[("积分商家", reverse("resources:points_merchants"))],
            order=60,
        )
    ]
