"""Excel ledgers of the love alliance, written with the registry's styled, formula-safe
workbook writer (registry.exports.write_xlsx: text cells are never formulas). No ID or phone
number appears in any of them; the card ledger names the household by its number only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lianxin.registry.exports import write_xlsx

from . import selectors
from .models import CardTier, LoveCard

__all__ = ["write_xlsx"]

CARD_HEADERS = ["卡号", "住户编号", "社区(村)", "发卡类别", "状态", "状态原因", "发卡日期"]
REDEMPTION_HEADERS = [
    "月份",
    "爱心商家",
    "核销次数",
    "受益户数",
    "市场价合计(元)",
    "实付合计(元)",
    "让利合计(元)",
]  # noqa: E501
STOCK_HEADERS = [
    "仓库",
    "物资",
    "捐赠单位",
    "入库数量",
    "库存数量",
    "单位",
    "总价值(元)",
    "有效期至",
    "入库日期",
]  # noqa: E501
EXPIRY_HEADERS = ["药箱编号", "放置地点", "药品", "数量", "有效期至", "来源"]


def _yuan(fen: Any) -> str:
    return f"{(fen or 0) / 100:.2f}"


def card_rows(*, user: Any) -> Iterator[list[Any]]:
    qs = (
        LoveCard.objects.for_user(user)
        .select_related("household", "household__division")
        .order_by("tier", "area_code", "number")
    )
    for card in qs.iterator(chunk_size=2000):
        yield [
            card.number,
            card.household.number,
            card.household.division.short_name,
            CardTier(card.tier).label,
            card.get_status_display(),
            card.status_reason,
            card.issued_at.date().isoformat(),
        ]


def redemption_rows(*, user: Any) -> Iterator[list[Any]]:
    for row in selectors.redemptions_by_partner_month(user=user):
        yield [
            row["month"].strftime("%Y-%m"),
            row["partner__organisation__name"],
            row["n"],
            row["households"],
            _yuan(row["market"]),
            _yuan(row["paid"]),
            _yuan(row["discount"]),
        ]


def stock_rows(*, user: Any) -> Iterator[list[Any]]:
    for lot in selectors.stock_list(user=user, in_stock=False).iterator(chunk_size=2000):
        yield [
            lot.store.name,
            lot.item,
            lot.partner.organisation.name,
            lot.quantity_received,
            lot.quantity_left,
            lot.unit,
            _yuan(lot.value_fen),
            lot.expires_on.isoformat() if lot.expires_on else "",
            lot.received_on.isoformat(),
        ]


def expiry_rows(*, user: Any) -> Iterator[list[Any]]:
    for item in selectors.expiring_items(user=user).iterator(chunk_size=2000):
        yield [
            item.box.code,
            item.box.location.name,
            item.medicine.name,
            item.quantity,
            item.expires_on.isoformat(),
            item.source,
        ]
