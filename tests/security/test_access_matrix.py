"""SEC-01 beyond the spine harness (tests/access/test_routes.py): for every route of the access
registry, and so for every route an app adds,

- an anonymous visitor, a user of another area (site A, every role), a user of the same area
  but another organisation (unit staff of a unit that has nothing to do with the object), a grid
  worker of another grid, and roles that must never see residents' records (partners,
  volunteers, the three administrators) are refused with 401/403/404 (or sent to the login page);
- nothing changed: the row count and latest ``updated_at`` of every model, audit rows included.

A RouteSpec may name roles that legitimately see an object of a resident app in
``extra={"allowed_roles": (...)}``; such exceptions are listed by ``test_exceptions_are_few``."""

from __future__ import annotations

from typing import Any

import pytest

from lianxin.core.roles import ADMIN_ROLES, NO_PII_ROLES, Role
from lianxin.directory.demo import demo_org
from tests.access.registry import all_routes
from tests.security.bodies import url_for, view_module
from tests.security.seed import record_figure
from tests.security.snapshot import changed, snapshot

ROUTES = all_routes()
RESIDENT_APPS = (
    "lianxin.registry",
    "lianxin.care",
    "lianxin.hotline",
    "lianxin.monitoring",
    "lianxin.employment",
)
SITE_A_ROLES = [r for r in Role if r not in ADMIN_ROLES and r != Role.REGION_STAFF]
# Same-site users who have no business with a resident's record.
OUTSIDER_LABELS = (
    "unit_staff_other_unit",
    "grid_worker_other_grid",
    *sorted(str(r) for r in NO_PII_ROLES),
    *sorted(str(r) for r in ADMIN_ROLES),
)


def _call(client: Any, method: str, url: str, spec: Any, world: Any) -> Any:
    if method == "get":
        return client.get(url)
    data = spec.post_data(world) if spec.post_data else {}
    if method == "post":
        return client.post(url, data=data)
    return getattr(client, method)(url, data=data, content_type="application/json")


def _refused(url: str, response: Any) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    return (
        response.status_code == 302
        and "/accounts/login/" in response.get("Location", "")
        and not url.startswith("/api/")
    )


def _outsider(world: Any, label: str) -> Any:
    if label == "unit_staff_other_unit":
        county = world.b.county
        org = demo_org(
            f"{county.code}-security-other-unit",
            f"{county.name}无关承办单位",
            county,
            dept_type="education",
        )
        user = world.user(Role.UNIT_STAFF, "b")
        user.assignments.update(organisation=org)
        return user
    if label == "grid_worker_other_grid":
        return world.user(Role.GRID_WORKER, "b", grid=world.b.other_grid)
    return world.user(label, "b")


def _resident_route(name: str, world: Any) -> bool:
    return view_module(url_for(name, ROUTES[name], world)).startswith(RESIDENT_APPS)


def _resident_route_outsiders(name: str, world: Any, why: str) -> tuple[Any, str, list[str]]:
    """The spec of route ``name``, its URL for site B's object and the outsiders it refuses
    (every label but its allowed roles); the test is skipped, ``why``, off resident records."""
    spec = ROUTES[name]
    url = url_for(name, spec, world)
    if not view_module(url).startswith(RESIDENT_APPS):
        pytest.skip(why)
    allowed = set(spec.extra.get("allowed_roles", ()))
    return spec, url, [label for label in OUTSIDER_LABELS if label not in allowed]


@pytest.mark.parametrize("name", sorted(n for n, s in ROUTES.items() if not s.public))
def test_anonymous_is_refused_and_nothing_changes(name, world, client):
    spec = ROUTES[name]
    url = url_for(name, spec, world)
    before = snapshot()
    for method in spec.methods:
        response = _call(client, method, url, spec, world)
        assert _refused(url, response), (name, method, response.status_code)
    assert changed(before, snapshot()) == [], name


def _refused_unchanged(client: Any, user: Any, who: tuple, url: str, spec: Any, world: Any) -> None:
    """``user`` is refused every method of the route, and the database stays as it was."""
    client.force_login(user)
    before = snapshot()
    for method in spec.methods:
        response = _call(client, method, url, spec, world)
        assert _refused(url, response), (*who, method, response.status_code)
    assert changed(before, snapshot()) == [], who
    client.logout()


@pytest.mark.parametrize("name", sorted(n for n, s in ROUTES.items() if s.object_route))
def test_other_area_every_role_changes_nothing(name, world, client):
    spec = ROUTES[name]
    url = url_for(name, spec, world)
    for role in spec.roles or SITE_A_ROLES:
        _refused_unchanged(client, world.user(role, "a"), (name, role), url, spec, world)


@pytest.mark.parametrize("name", sorted(n for n, s in ROUTES.items() if s.object_route))
def test_other_organisation_grid_and_role_are_refused(name, world, client):
    spec, url, outsiders = _resident_route_outsiders(
        name, world, "not a resident record (divisions, grids, organisations are not personal)"
    )
    tried = 0
    for label in outsiders:
        _refused_unchanged(client, _outsider(world, label), (name, label), url, spec, world)
        tried += 1
    assert tried > 0


@pytest.mark.parametrize("name", sorted(n for n, s in ROUTES.items() if s.leak_marker))
def test_lists_show_outsiders_nothing_of_residents(name, world, client):
    spec, url, outsiders = _resident_route_outsiders(name, world, "not a list of resident records")
    marker = spec.leak_marker(world)
    for label in outsiders:
        client.force_login(_outsider(world, label))
        response = client.get(url, {"q": marker, "search": marker})
        body = response.content.decode(errors="replace").replace(f'value="{marker}"', "")
        assert marker not in body, (name, label)
        client.logout()


def test_every_route_is_tried(world):
    """The figures, and a guard that the matrix is not silently empty."""
    object_routes = [n for n, s in ROUTES.items() if s.object_route]
    resident = [n for n in object_routes if _resident_route(n, world)]
    record_figure("access_routes", len(ROUTES))
    record_figure("access_object_routes", len(object_routes))
    record_figure("access_resident_object_routes", len(resident))
    assert len(object_routes) >= 4


def test_exceptions_are_few():
    """Every allowed_roles exception names only outsider roles and says why in ``notes``."""
    for name, spec in ROUTES.items():
        allowed = spec.extra.get("allowed_roles", ())
        assert set(allowed) <= set(OUTSIDER_LABELS), name
        if allowed:
            assert spec.notes, f"{name}: allowed_roles without a reason in notes"
