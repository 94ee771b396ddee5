"""SEC-03: writes with extra or foreign fields (area, status, owner) are ignored or refused.

- statically: no input serializer of any API write route declares a writable field that the
  server must decide itself (area_code, created_by, status, keyed hashes …), and none is a
  ModelSerializer over all fields;
- dynamically: every write route of the access registry (pages and API), called by users of the
  object's own site with its RouteSpec's ``post_data`` plus injected ``area_code`` (another
  city's), ``created_by``/``updated_by``/``owner`` (another user) and ``status``, either refuses
  or writes without taking any injected value."""

from __future__ import annotations

import inspect
import json
from typing import Any

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework import serializers
from rest_framework.views import APIView

from lianxin.core.roles import Role
from tests.access.registry import all_routes
from tests.security.bodies import url_for
from tests.security.seed import record_figure

SERVER_DECIDES = {
    "area_code",
    "created_by",
    "updated_by",
    "created_at",
    "updated_at",
    "owner",
    "actor",
    "id_hash",
    "phone_hash",
    "caller_phone_hash",
    "key_hash",
    "hash",
    "prev_hash",
    "status",
    "stage",
    "is_staff",
    "is_superuser",
}
# (serializer qualname, field) → why the client may send it.
ALLOWED_INPUT: dict[tuple[str, str], str] = {
    ("RouteInput", "area_code"): (
        "a routing question (where is the request?): it writes nothing; the proposal is computed"
    ),
    ("IntakeInput", "area_code"): (
        "where the citizen's request is (12345 is region-wide); validated against the divisions "
        "by hotline.services._locate, and it is the request's place, not the agent's scope"
    ),
}

ROUTES = all_routes()
WRITE_ROUTES = sorted(
    n for n, s in ROUTES.items() if set(s.methods) & {"post", "put", "patch"} and not s.public
)
WRITERS = [Role.COMMUNITY_STAFF, Role.GRID_WORKER, Role.HOTLINE_AGENT, Role.UNIT_STAFF]
# (route, field) that a form legitimately takes from the user, with the reason.
LEGIT_INPUT: dict[tuple[str, str], str] = {
    ("hotline:intake", "area_code"): (
        "the agent locates the citizen's request anywhere in Ningxia (12345 is region-wide); "
        "validated against the divisions by hotline.services._locate"
    ),
}


def _views() -> list[tuple[str, type]]:
    found = []

    def walk(patterns: list[Any], ns: str = "") -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, f"{ns}{p.namespace}:" if p.namespace else ns)
            elif isinstance(p, URLPattern):
                cls = getattr(p.callback, "view_class", None) or getattr(p.callback, "cls", None)
                if cls is not None and issubclass(cls, APIView):
                    found.append((f"{ns}{p.name}", cls))

    walk(get_resolver().url_patterns)
    return found


def _input_serializers(view: type) -> list[type]:
    """Serializer classes nested in a view with write methods (Input, RegisterInput …)."""
    if not any(hasattr(view, m) for m in ("post", "put", "patch")):
        return []
    out = []
    stack = [view]
    while stack:
        owner = stack.pop()
        for _, member in inspect.getmembers(owner, inspect.isclass):
            if issubclass(member, serializers.BaseSerializer) and member.__qualname__.startswith(
                owner.__qualname__ + "."
            ):
                if "Output" not in member.__name__:
                    out.append(member)
                stack.append(member)
    return out


def _module_inputs() -> list[tuple[str, type]]:
    """Input serializers defined at module level of every app's api.py (IntakeInput …)."""
    import importlib
    from pathlib import Path

    found = []
    for path in sorted(Path(__file__).resolve().parents[2].glob("lianxin/*/api.py")):
        module = importlib.import_module(f"lianxin.{path.parent.name}.api")
        for _, member in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(member, serializers.BaseSerializer)
                and member.__module__ == module.__name__
                and "Input" in member.__name__
            ):
                found.append((module.__name__, member))
    return found


def test_input_serializers_do_not_take_server_decided_fields():
    problems = []
    checked = 0
    pairs = [(name, s) for name, view in _views() for s in _input_serializers(view)]
    seen = {s for _, s in pairs}
    pairs += [(module, s) for module, s in _module_inputs() if s not in seen]
    for name, serializer_class in pairs:
        if True:
            checked += 1
            meta = getattr(serializer_class, "Meta", None)
            if meta is not None and (
                getattr(meta, "fields", None) == "__all__" or hasattr(meta, "exclude")
            ):
                problems.append(f"{name}: {serializer_class.__qualname__} takes all model fields")
            try:
                fields = serializer_class().fields
            except (TypeError, AssertionError):
                continue
            for field_name, field in fields.items():
                key = (serializer_class.__qualname__, field_name)
                if (
                    field_name in SERVER_DECIDES
                    and not field.read_only
                    and key not in ALLOWED_INPUT
                ):
                    problems.append(
                        f"{name}: {serializer_class.__qualname__}.{field_name} is writable"
                    )
    record_figure("mass_assignment_input_serializers", checked)
    assert problems == [], "\n".join(problems)


# Kept aggregates recounted from the source rows (the dashboard's 刷新 recounts the whole
# region): they change whoever asks, never from the request's input.
DERIVED_TABLES = {"analytics.IndicatorCount"}


def _injection_state(world, sentinel) -> dict[str, tuple[int, int]]:
    state = {}
    for model in apps.get_models():
        if model._meta.label in DERIVED_TABLES:
            continue
        names = {f.name for f in model._meta.concrete_fields}
        foreign = (
            model._base_manager.filter(area_code__startswith=world.a.county.code).count()
            if "area_code" in names and model._meta.label != "core.AuditEvent"
            else 0
        )
        owned = 0
        for owner in ("created_by", "updated_by", "owner"):
            if owner in names:
                owned += model._base_manager.filter(**{f"{owner}_id": sentinel.pk}).count()
        state[model._meta.label] = (foreign, owned)
    return state


@pytest.mark.parametrize("name", WRITE_ROUTES or ["<none>"])
def test_injected_fields_are_ignored_or_refused(name, world, client):
    if name == "<none>":
        return
    spec = ROUTES[name]
    url = url_for(name, spec, world)
    sentinel = world.user(Role.CITY_STAFF, "a")
    injected = {
        "area_code": world.a.village.code,
        "division_code_override": world.a.village.code,
        "created_by": sentinel.pk,
        "updated_by": sentinel.pk,
        "owner": sentinel.pk,
        "status": "closed",
    }
    injected = {k: v for k, v in injected.items() if (name, k) not in LEGIT_INPUT}
    base = spec.post_data(world) if spec.post_data else {}
    before = _injection_state(world, sentinel)
    answers = []
    for role in WRITERS:
        client.force_login(world.user(role, "b"))
        for method in set(spec.methods) & {"post", "put", "patch"}:
            payload = {**base, **injected}
            if url.startswith("/api/"):
                response = getattr(client, method)(
                    url, data=json.dumps(payload), content_type="application/json"
                )
            else:
                response = client.post(url, data=payload)
            answers.append((role, method, response.status_code))
            assert response.status_code < 500, (name, role, method, response.status_code)
        client.logout()
    after = _injection_state(world, sentinel)
    taken = sorted(k for k in after if after[k] != before[k])
    assert taken == [], f"{name} took injected values into {taken} ({answers})"
