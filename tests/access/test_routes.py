"""SEC-01/SEC-02 harness: every route, as an anonymous visitor and as every role of another
area, answers refusal and changes nothing; a route added without a RouteSpec fails here."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from lianxin.core.models import AuditEvent
from lianxin.core.roles import ADMIN_ROLES, Role
from tests.access.registry import EXEMPT_PREFIXES, all_routes

SITE_A_ROLES = [r for r in Role if r not in ADMIN_ROLES and r != Role.REGION_STAFF]


def _walk(patterns: list[Any], namespace: str = "") -> list[str]:
    names = []
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            names.extend(_walk(p.url_patterns, ns))
        elif isinstance(p, URLPattern) and p.name:
            names.append(f"{namespace}{p.name}")
    return names


def project_route_names() -> list[str]:
    names = sorted(set(_walk(get_resolver().url_patterns)))
    return [n for n in names if not any(n.startswith(prefix) for prefix in EXEMPT_PREFIXES)]


ROUTES = all_routes()


def test_every_route_is_covered():
    missing = [n for n in project_route_names() if n not in ROUTES]
    assert missing == [], (
        f"routes without an access RouteSpec in tests/access/routes_*.py: {missing}"
    )


def test_no_stale_route_specs():
    stale = sorted(set(ROUTES) - set(project_route_names()))
    assert stale == []


def _url(name: str, world: Any) -> str:
    spec = ROUTES[name]
    return reverse(name, kwargs=spec.kwargs(world) if spec.kwargs else None)


def _call(client: Any, method: str, url: str, spec: Any, world: Any) -> Any:
    if method == "get":
        return client.get(url)
    data = spec.post_data(world) if spec.post_data else {}
    return client.post(url, data=data)


@pytest.mark.parametrize("name", sorted(n for n, s in ROUTES.items() if not s.public))
def test_anonymous_is_refused(name, world, client):
    spec = ROUTES[name]
    url = _url(name, world)
    before = AuditEvent.objects.count()
    for method in spec.methods:
        response = _call(client, method, url, spec, world)
        if url.startswith("/api/") or url.startswith("/open311/"):
            assert response.status_code in (401, 403), (name, method, response.status_code)
        else:
            assert response.status_code == 302, (name, method, response.status_code)
            assert "/accounts/login/" in response["Location"], (name, method)
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("name", sorted(n for n, s in ROUTES.items() if s.object_route))
def test_object_of_another_area_is_not_found(name, world, client):
    spec = ROUTES[name]
    url = _url(name, world)
    roles = spec.roles or SITE_A_ROLES
    for role in roles:
        user = world.user(role, "a")
        client.force_login(user)
        before = AuditEvent.objects.count()
        for method in spec.methods:
            response = _call(client, method, url, spec, world)
            assert response.status_code in (403, 404), (name, role, method, response.status_code)
        assert AuditEvent.objects.count() == before, (name, role)
        client.logout()


@pytest.mark.parametrize("name", sorted(n for n, s in ROUTES.items() if s.leak_marker))
def test_lists_do_not_show_another_area(name, world, client):
    spec = ROUTES[name]
    url = _url(name, world)
    marker = spec.leak_marker(world)
    for role in spec.roles or SITE_A_ROLES:
        user = world.user(role, "a")
        client.force_login(user)
        for params in ({}, {"q": marker, "search": marker}):
            response = client.get(url, params)
            assert response.status_code == 200, (name, role, response.status_code)
            body = response.content.decode().replace(f'value="{marker}"', "")  # the search box echo
            assert marker not in body, (name, role, params)
        client.logout()


def test_the_harness_sees_own_area(world, client):
    """Control: the same routes do answer site B's own users, so the refusals above are real."""
    for name, spec in ROUTES.items():
        if not spec.object_route or spec.methods != ("get",):
            continue
        role = (spec.roles or (Role.COMMUNITY_STAFF,))[0]
        client.force_login(world.user(role, "b"))
        response = client.get(_url(name, world))
        assert response.status_code == 200, (name, role, response.status_code)
        client.logout()


def test_admin_requires_staff(world, client):
    client.force_login(world.user(Role.COMMUNITY_STAFF, "a"))
    response = client.get("/admin/")
    assert response.status_code == 302
