from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lianxin.areas.models import Level
from lianxin.core.pagination import list_filters, list_page

from . import selectors
from .models import DeptType, OrgKind


@login_required
def organisation_index(request: HttpRequest) -> HttpResponse:
    filters = list_filters(request, "search", "dept_type", "level", "kind", "area_code")
    template = (
        "directory/partials/organisation_rows.html"
        if getattr(request, "htmx", False)
        else "directory/organisation_index.html"
    )
    return list_page(
        request,
        template,
        selectors.organisation_list(user=request.user, **filters),
        filters=filters,
        dept_types=DeptType.choices,
        levels=Level.choices[:4],
        kinds=OrgKind.choices,
    )


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.organisation_get_for_user(user=request.user, pk=pk)
    return render(request, "directory/organisation_detail.html", {"org": organisation})
