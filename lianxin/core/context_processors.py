from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from . import navigation as nav
from .roles import Role
from .scoping import scope_of


@lru_cache(maxsize=256)
def _entries(roles: frozenset[str], prefix: str, registered: int) -> tuple[tuple[str, str], ...]:
    """(label, url) of the navigation of a set of roles: the same for every request of the
    process (the entries are registered at start-up; ``prefix`` and ``registered`` key the
    cache on the script prefix and the number of entries), so reversed once, not on every page."""
    items = []
    for entry in nav.entries_for(roles):
        try:
            items.append((str(entry.label), reverse(entry.url_name)))
        except NoReverseMatch:
            continue
    return tuple(items)


@lru_cache(maxsize=256)
def _role_labels(roles: frozenset[str]) -> tuple[str, ...]:
    labels = {r.value: str(r.label) for r in Role}
    return tuple(sorted({labels.get(r, r) for r in roles}))


def _link(label: str, url: str, active: bool) -> SafeString:
    """One entry as base.html wrote it with a template loop (the same bytes, for a fraction of
    the time: the loop was most of the base layout's rendering on every page); label and URL
    escaped by format_html."""
    if active:
        return format_html('<a href="{}" class="active">{}</a>', url, label)
    return format_html('<a href="{}" >{}</a>', url, label)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_entries": [], "nav_html": "", "user_roles": []}
    roles = scope_of(user).roles
    links = [
        (label, url, request.path.startswith(url) and url != "/")
        for label, url in _entries(roles, get_script_prefix(), len(nav._ENTRIES))
    ]
    return {
        "nav_entries": [{"label": t, "url": u, "active": a} for t, u, a in links],
        "nav_html": format_html_join("", "{}", ((_link(t, u, a),) for t, u, a in links)),
        "user_roles": list(_role_labels(roles)),
    }
