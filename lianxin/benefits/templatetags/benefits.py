"""``{{ fen|yuan }}``: integer fen shown as yuan (12345 → 123.45)."""

from __future__ import annotations

from typing import Any

from django import template

from lianxin.benefits.standards import yuan as _yuan

register = template.Library()


@register.filter
def yuan(value: Any) -> str:
    return _yuan(value) if value is not None else "—"
