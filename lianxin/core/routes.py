"""URL rows, one line each, for the apps' ``urls.py`` (pages) and ``api.py`` (the REST API)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.urls import URLPattern, path

V = TypeVar("V", bound=Any)


def page(route: str, view: Callable[..., Any], name: str = "") -> URLPattern:
    """A page named after its view function (``views.ledger_export`` is ``ledger_export``)."""
    return path(route, view, name=name or view.__name__)


class ApiRoutes:
    """An app's API routes, each declared on its view class::

        routes = ApiRoutes("care")  # care/cases/…, named care_case_…

        @routes("cases/<int:pk>/", "case_detail")
        class CaseDetailApi(APIView): ...

        urlpatterns = routes.urlpatterns

    ``name_prefix`` when the names do not start with the prefix (``""``: the names as given)."""

    def __init__(self, prefix: str = "", *, name_prefix: str | None = None) -> None:
        self.head = f"{prefix}/" if prefix else ""
        self.names = f"{prefix}_" if name_prefix is None and prefix else (name_prefix or "")
        self.urlpatterns: list[URLPattern] = []

    def __call__(self, route: str, name: str) -> Callable[[V], V]:
        def register(view: V) -> V:
            pattern = path(self.head + route, view.as_view(), name=self.names + name)
            self.urlpatterns.append(pattern)
            return view

        return register
