"""Routes of the spine: accounts, areas, directory, home, API shell."""

from __future__ import annotations

from tests.access.registry import RouteSpec, on_b


def _b_grid(w):
    return {"pk": w.b.grid.pk}


def _b_village(w):
    return {"code": w.b.village.code}


def _b_org(w):
    return {"pk": w.b.orgs["township_government"].pk}


ROUTES: dict[str, RouteSpec] = {
    "home": RouteSpec(),
    "accounts:login": RouteSpec(public=True),
    "accounts:logout": RouteSpec(public=True, methods=("post",)),
    "accounts:my_areas": RouteSpec(leak_marker=lambda w: w.b.village.short_name),
    "areas:division_index": RouteSpec(leak_marker=lambda w: w.b.village.short_name),
    "areas:division_detail": on_b(_b_village),
    "areas:grid_index": RouteSpec(leak_marker=lambda w: w.b.village.short_name),
    "areas:grid_detail": on_b(_b_grid),
    "directory:organisation_index": RouteSpec(
        leak_marker=lambda w: w.b.orgs["township_government"].name
    ),
    "directory:organisation_detail": on_b(_b_org),
    "api:auth_token": RouteSpec(public=True, methods=("post",)),
    "api:me": RouteSpec(),
    "api:division_list": RouteSpec(leak_marker=lambda w: w.b.village.code),
    "api:division_detail": on_b(_b_village),
    "api:grid_list": RouteSpec(leak_marker=lambda w: w.b.village.code),
    "api:grid_detail": on_b(_b_grid),
    "api:organisation_list": RouteSpec(leak_marker=lambda w: w.b.orgs["township_government"].code),
    "api:organisation_detail": on_b(_b_org),
    "schema": RouteSpec(notes="the OpenAPI schema: structure only, no data; requires login"),
    "api_docs": RouteSpec(notes="Swagger UI served locally; requires login"),
}
