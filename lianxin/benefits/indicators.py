"""Benefits' figures on the leaders' dashboard (core.indicators)."""

from __future__ import annotations

from django.db.models import QuerySet, Sum
from django.utils import timezone

from lianxin.core.indicators import Column, Indicator, register

from .models import Entitlement, EntitlementStatus, LedgerEntry

COLUMNS = (
    Column("政策", lambda e: e.policy.name),
    Column("状态", lambda e: e.get_status_display()),
    Column("金额（元/期）", lambda e: f"{e.amount_fen / 100:.2f}"),
)


def active(area: str) -> QuerySet[Entitlement]:
    return (
        Entitlement.objects.filter(area_code__startswith=area, status=EntitlementStatus.ACTIVE)
        .select_related("policy")
        .order_by("pk")
    )


def paid_this_month(area: str) -> float:
    month = timezone.localdate().replace(day=1)
    fen = LedgerEntry.objects.filter(area_code__startswith=area, month=month).aggregate(
        n=Sum("amount_fen")
    )["n"]
    return round((fen or 0) / 100, 2)


def register_all() -> None:
    register(
        Indicator(
            "benefits.entitlements",
            "享受待遇（在享）",
            "benefits",
            rows=active,
            columns=COLUMNS,
            counts_people=True,
            definition="状态为享受中的待遇数",
            order=1,
        )
    )
    register(
        Indicator(
            "benefits.paid_month",
            "本月发放金额",
            "benefits",
            value=paid_this_month,
            unit="元",
            definition="本月台账入账金额合计（含冲正）",
            order=2,
        )
    )
