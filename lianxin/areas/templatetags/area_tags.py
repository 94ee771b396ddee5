"""``{{ code|area_name }}``: a division shown by its name, never its raw code (issue #12)."""

from __future__ import annotations

from django import template

from lianxin.areas.models import Division

register = template.Library()


@register.filter
def area_name(code: str | None) -> str:
    """The division's full name for a code (e.g. 640104001 → 凤凰北街街道); a code with no
    division (a partial code) falls back to its nearest known ancestor; "—" when empty."""
    code = (code or "").strip()
    if not code:
        return "—"
    candidates = [code[:n] for n in (12, 9, 6, 4, 2) if n <= len(code)]
    names = dict(Division.objects.filter(code__in=candidates).values_list("code", "name"))
    for candidate in candidates:
        if candidate in names:
            return names[candidate]
    return "未知区划"
