"""API-01: schemathesis over the OpenAPI schema that /api/schema/ serves, called in-process on the
WSGI application (no server): every operation, with generated parameters and bodies,

- authenticated with a token of a demo-like user (community staff of site B, with residents seeded)
  never answers 5xx;
- anonymous never gets an answer (2xx/3xx; 401/403 expected), unless its RouteSpec says it
  is public.

CI runs a few examples per operation; the full run:
``LIANXIN_FUZZ_EXAMPLES=200 .venv/bin/pytest tests/security/test_api_fuzz.py`` (docs/SECURITY.md)."""

from __future__ import annotations

import functools
import json
import os
import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, settings

from lianxin.core.roles import Role
from tests.access.registry import all_routes
from tests.security.seed import record_figure, seed_all

EXAMPLES = int(os.environ.get("LIANXIN_FUZZ_EXAMPLES", "4"))
ROUTES = all_routes()


def _schema_dict() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    raw = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(json.dumps(raw, default=str))


def _route_name(path_template: str) -> str | None:
    try:
        match = resolve(re.sub(r"\{[^}]+\}", "1", path_template))
    except Resolver404:
        return None
    return match.view_name


def _is_public(path_template: str) -> bool:
    name = _route_name(path_template)
    return bool(name and name in ROUTES and ROUTES[name].public)


@pytest.fixture
def wsgi_app():
    """The project's WSGI app inside the test's transaction: like Django's test client, keep the
    request signals from closing the connection."""
    from django.core.wsgi import get_wsgi_application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def token(world):
    from rest_framework.authtoken.models import Token

    seed_all(world)
    user = world.user(Role.COMMUNITY_STAFF, "b")
    return Token.objects.create(user=user).key


def test_schema_lists_every_api_route():
    schema = _schema_dict()
    api_routes = {n for n in ROUTES if n.startswith("api:")} - {"api:auth_token"}
    documented = {_route_name(path) for path in schema["paths"]}
    assert sorted(api_routes - documented) == []


@functools.lru_cache(maxsize=1)
def _operations() -> dict[tuple[str, str], object]:
    schema = schemathesis.openapi.from_dict(_schema_dict())
    found = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        found[(operation.method.upper(), operation.path)] = operation
    return found


COUNTS = {"operations": 0, "cases": 0}


def _params(*, method: str | None = None):
    out = []
    for key in sorted(_operations()):
        if method and key[0] != method:
            continue
        label = f"{key[0]} {key[1]}"
        out.append(pytest.param(key, id=label))
    return out


@pytest.mark.parametrize("key", _params())
def test_fuzz_operation_authenticated_and_anonymous(key, wsgi_app, token):
    operation = _operations()[key]
    public = _is_public(operation.path)
    server_errors: list[str] = []
    open_doors: list[str] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case):
        COUNTS["cases"] += 1
        label = f"{operation.method.upper()} {case.formatted_path}"
        response = case.call(app=wsgi_app, headers={"Authorization": f"Token {token}"})
        if response.status_code >= 500:
            server_errors.append(f"{label} {case.query or ''} → {response.status_code}")
        anonymous = case.call(app=wsgi_app)
        if anonymous.status_code >= 500:
            server_errors.append(f"anonymous {label} → {anonymous.status_code}")
        # 404 from the URL resolver (a path parameter that no route takes) is no answer.
        if not public and anonymous.status_code < 400:
            open_doors.append(f"{label} → {anonymous.status_code}")

    run()
    COUNTS["operations"] += 1
    record_figure("api_fuzz_operations", len(_operations()))
    record_figure("api_fuzz_cases_so_far", COUNTS["cases"])
    assert sorted(set(server_errors)) == []
    assert sorted(set(open_doors)) == []


def _string_query_parameters(operation) -> list[str]:
    return [
        p["name"]
        for p in operation.definition.raw.get("parameters", [])
        if p.get("in") == "query" and p.get("schema", {}).get("type", "string") == "string"
    ]


def test_nul_bytes_never_answer_500(world, client):
    """Deterministic: every string query parameter of every GET list operation, set to a value
    with a NUL byte, answers 2xx or 4xx, never 5xx."""
    seed_all(world)
    client.force_login(world.user(Role.COMMUNITY_STAFF, "b"))
    failures = []
    tried = 0
    for (method, path), operation in sorted(_operations().items()):
        if method != "GET" or "{" in path:
            continue
        for name in _string_query_parameters(operation):
            tried += 1
            if client.get(path, {name: "a\x00b"}).status_code >= 500:
                failures.append(f"{path}?{name}=")
    record_figure("api_nul_parameters_tried", tried)
    assert failures == [], f"5xx for NUL in {failures}"
