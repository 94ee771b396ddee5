from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def paginate(request: HttpRequest, queryset: Any, per_page: int = 50) -> dict[str, Any]:
    """A page of ``queryset`` and the query string to build the other pages' links."""
    paginator = Paginator(queryset, per_page)
    page: Page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    encoded = params.urlencode()
    return {
        "page_obj": page,
        "object_list": page.object_list,
        "querystring_without_page": f"{encoded}&" if encoded else "",
    }


def list_filters(request: HttpRequest, *names: str) -> dict[str, Any]:
    """The filters ``names`` of a list page's query string, stripped (``""`` when absent): what
    the page passes to its selector and shows again in its filter form. (Typed ``Any`` so that a
    page may pass them on as :func:`list_page`'s ``**context``.)"""
    return {name: request.GET.get(name, "").strip() for name in names}


def list_page(
    request: HttpRequest, template: str, rows: Any, *, per_page: int = 50, **context: Any
) -> HttpResponse:
    """A list page: ``template`` with ``context`` and one page of ``rows`` (:func:`paginate`)."""
    return render(request, template, {**context, **paginate(request, rows, per_page)})
