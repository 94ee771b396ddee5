from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lianxin.core.pagination import list_page, paginate

from . import selectors
from .models import Level


@login_required
def division_index(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    level = request.GET.get("level", "")
    context: dict[str, Any] = {"search": search, "level": level, "levels": Level.choices}
    if search or level:
        context.update(
            paginate(
                request, selectors.division_list(user=request.user, search=search, level=level)
            )
        )
    else:
        context["roots"] = selectors.division_roots_for_user(user=request.user)
    return render(request, "areas/division_index.html", context)


@login_required
def division_detail(request: HttpRequest, code: str) -> HttpResponse:
    division = selectors.division_get_for_user(user=request.user, code=code)
    context = {
        "division": division,
        "path": selectors.division_path(division),
        "grids": selectors.grid_list(user=request.user, area_code=division.code)[:200]
        if division.level == Level.VILLAGE
        else [],
    }
    context.update(
        paginate(
            request, selectors.division_children(user=request.user, division=division), per_page=100
        )
    )
    return render(request, "areas/division_detail.html", context)


@login_required
def grid_index(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    return list_page(
        request,
        "areas/grid_index.html",
        selectors.grid_list(user=request.user, search=search),
        search=search,
    )


@login_required
def grid_detail(request: HttpRequest, pk: int) -> HttpResponse:
    grid = selectors.grid_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "areas/grid_detail.html",
        {
            "grid": grid,
            "path": selectors.division_path(grid.division),
            "buildings": selectors.building_list(user=request.user, grid=grid),
        },
    )
