"""The love alliance's figures on the leaders' dashboard (core.indicators)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from lianxin.core.indicators import Column, Indicator, register

from .models import CardStatus, LoveCard, Redemption


def cards(area: str) -> QuerySet[LoveCard]:
    return LoveCard.objects.filter(area_code__startswith=area, status=CardStatus.ACTIVE).order_by(
        "pk"
    )


def redemptions(area: str) -> QuerySet[Redemption]:
    month = timezone.localdate().replace(day=1)
    return Redemption.objects.filter(area_code__startswith=area, month=month).order_by("pk")


def register_all() -> None:
    register(
        Indicator(
            "resources.cards",
            "有效爱心卡",
            "resources",
            rows=cards,
            columns=(
                Column("卡号", lambda c: c.number),
                Column("状态", lambda c: c.get_status_display()),
            ),
            counts_people=True,
            definition="状态为有效的爱心卡（按户）",
            order=1,
        )
    )
    register(
        Indicator(
            "resources.redemptions",
            "本月核销次数",
            "resources",
            rows=redemptions,
            columns=(
                Column("优惠金额（元）", lambda r: f"{r.discount_fen / 100:.2f}"),
                Column("核销时间", lambda r: f"{timezone.localtime(r.redeemed_at):%Y-%m-%d %H:%M}"),
            ),
            definition="本月在爱心商家核销的次数",
            order=2,
        )
    )
