from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from . import navigation as nav
from .roles import Role
from .scoping import scope_of


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_entries": [], "user_roles": []}
    scope = scope_of(user)
    items = []
    for entry in nav.entries_for(scope.roles):
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        items.append(
            {
                "label": entry.label,
                "url": url,
                "active": request.path.startswith(url) and url != "/",
            }
        )
    labels = {r.value: r.label for r in Role}
    return {"nav_entries": items, "user_roles": sorted({labels.get(r, r) for r in scope.roles})}
