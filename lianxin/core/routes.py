"""URL rows, one line each, for the apps' ``urls.py`` (pages) and ``api.py`` (the REST API)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import URLPattern, path


def page(route: str, view: Callable[..., Any], name: str = "") -> URLPattern:
    """A page named after its view function (``views.ledger_export`` is ``ledger_export``)."""
    return path(route, view, name=name or view.__name__)


def api_routes(
    prefix: str, *rows: tuple[str, Any, str], name_prefix: str | None = None
) -> list[URLPattern]:
    """An app's API routes: each row is (route, API view class, name) below ``prefix``
    (``"care"``: ``care/cases/`` named ``care_case_list``); ``name_prefix`` when the names do
    not start with the prefix (``""``: the names as given)."""
    names = f"{prefix}_" if name_prefix is None and prefix else (name_prefix or "")
    head = f"{prefix}/" if prefix else ""
    return [path(head + route, view.as_view(), name=names + name) for route, view, name in rows]
