from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def yuan(fen: Any) -> str:
    if fen is None or fen == "":
        return "—"
    fen = int(fen)
    return f"{fen // 100:,}.{fen % 100:02d}元"


@register.filter
def hours(minutes: Any) -> str:
    return f"{int(minutes or 0) / 60:.1f}"
