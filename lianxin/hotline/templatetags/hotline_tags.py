from __future__ import annotations

from typing import Any

from django import template

from ..routing import DEPT_NAMES

register = template.Library()

STATUS_BADGE = {
    "received": "blue",
    "dispatched": "blue",
    "accepted": "yellow",
    "handling": "yellow",
    "returned": "red",
    "reopened": "red",
    "replied": "green",
    "callback": "green",
    "closed": "green",
    "merged": "",
}


@register.filter
def dept_name(value: str) -> str:
    return DEPT_NAMES.get(value, value)


@register.filter
def status_badge(value: str) -> str:
    return STATUS_BADGE.get(value, "")


@register.filter
def pct(value: Any) -> str:
    return "—" if value is None else f"{value}%"


@register.filter
def get_item(mapping: dict, key: str) -> Any:
    return mapping.get(key) if mapping else None


@register.filter
def status_label(value: str) -> str:
    from ..models import Status

    return Status(value).label if value in Status.values else value


@register.filter
def get_attr(obj: Any, name: str) -> Any:
    return getattr(obj, name, None)
