from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def yuan(fen: int | None) -> str:
    """Integer fen as yuan, e.g. 414000 → 4,140.00元."""
    if fen is None or fen == "":
        return "—"
    fen = int(fen)
    return f"{fen // 100:,}.{fen % 100:02d}元"


@register.filter
def get_item(mapping: dict, key: str) -> object:
    return mapping.get(key, key or "未分级")
