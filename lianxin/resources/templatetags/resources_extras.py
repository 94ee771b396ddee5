from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def yuan(fen: Any) -> str:
    """Integer fen as yuan with two decimals (¥ not shown)."""
    try:
        return f"{int(fen or 0) / 100:,.2f}"
    except (TypeError, ValueError):
        return ""
