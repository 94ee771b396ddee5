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


@register.filter
def area_name(code: str) -> str:
    """A division's full name for a code (never the raw code on screen)."""
    from ..routing.gazetteer import default_gazetteer

    gaz = default_gazetteer()
    return gaz.full_name(code) if code in gaz.divisions else "—"


@register.filter
def transition_names(transitions: Any) -> set[str]:
    """``{% with can=actions|transition_names %}``: the names of the available transitions."""
    return {t.name for t in transitions or ()}


@register.simple_tag(takes_context=True)
def action_error(context: Any, action: str, field: str) -> str:
    """The error of ``field`` after a failed ``action`` on the order page, next to the field
    (``<p class="field-error">``), or nothing."""
    from django.utils.html import format_html_join

    if context.get("failed_action") != action:
        return ""
    errors = (context.get("form_errors") or {}).get(field) or []
    return format_html_join(
        "",
        '<p class="field-error" role="alert" data-testid="field-error-{}-{}">{}</p>',
        ((action, field, e) for e in errors),
    )


@register.simple_tag(takes_context=True)
def field_error(context: Any, field: str) -> str:
    """The error of one field of the intake or public form, next to the field, or nothing."""
    from django.utils.html import format_html

    message = (context.get("field_errors") or {}).get(field)
    if not message:
        return ""
    return format_html(
        '<p class="field-error" role="alert" id="err-{}" data-testid="field-error-{}">{}</p>',
        field,
        field,
        message,
    )
