"""The access harness's route registry. Every URL pattern of the project must be described here
(or in a ``routes_<app>.py`` module beside this file, each defining ``ROUTES``), otherwise
``test_every_route_is_covered`` fails. A RouteSpec says how to point the route at an object of
site B, and what a user of site A must get for it."""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any, TypeVar


@dataclass(frozen=True)
class RouteSpec:
    # kwargs for reverse(), built from the test world (objects of site B); None: no kwargs
    kwargs: Callable[[Any], dict[str, Any]] | None = None
    # public routes answer anonymous visitors (login page, Open311 discovery…)
    public: bool = False
    # list routes: the marker text of a site-B object that must not appear for site-A users
    leak_marker: Callable[[Any], str] | None = None
    # methods to try; writes are tried with ``post_data`` and must change nothing
    methods: tuple[str, ...] = ("get",)
    post_data: Callable[[Any], dict[str, Any]] | None = None
    # is the route reached with an object of B (then a user of A gets 404/403)?
    object_route: bool = False
    # roles of site A to try (None: every non-admin role)
    roles: tuple[str, ...] | None = None
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def on_b(
    kwargs: Callable[[Any], dict[str, Any]],
    data: dict[str, Any] | Callable[[Any], dict[str, Any]] | None = None,
    *,
    methods: tuple[str, ...] | None = None,
    **more: Any,
) -> RouteSpec:
    """An object route pointed at an object of site B by ``kwargs``. With ``data`` (a dict, or a
    function of the world) it is written to by POST; ``methods`` says otherwise where needed."""
    if methods is None:
        methods = ("get",) if data is None else ("post",)
    post_data = data if data is None or callable(data) else (lambda w: copy.deepcopy(data))
    return RouteSpec(kwargs=kwargs, object_route=True, methods=methods, post_data=post_data, **more)


T = TypeVar("T")


def once_per_world(make: Callable[[Any], T]) -> Callable[[Any], T]:
    """``make(world)`` (the objects of site B) made once per test world, then given again."""
    attr = f"_once_{make.__module__}.{make.__name__}"

    @functools.wraps(make)
    def made(w: Any) -> T:
        objects: T | None = getattr(w, attr, None)
        if objects is None:
            objects = make(w)
            setattr(w, attr, objects)
        return objects

    return made


def pk_of(objects: Callable[[Any], Any]) -> Callable[..., Callable[[Any], dict[str, Any]]]:
    """``pk = pk_of(care_b)`` for a module whose ``care_b(world)`` makes the objects of site B (a
    dict or a namespace): ``pk("case", action="followup")`` is the kwargs of that object."""

    def pk(key: str, **more: Any) -> Callable[[Any], dict[str, Any]]:
        def kwargs(w: Any) -> dict[str, Any]:
            made = objects(w)
            obj = made[key] if isinstance(made, dict) else getattr(made, key)
            return {"pk": obj.pk, **more}

        return kwargs

    return pk


# Routes outside the harness, each with its reason.
EXEMPT_PREFIXES = {
    "admin:": "Django admin: only is_staff system administrators; covered by test_admin_requires_staff",
}


def all_routes() -> dict[str, RouteSpec]:
    routes: dict[str, RouteSpec] = {}
    for path in sorted(Path(__file__).parent.glob("routes_*.py")):
        module = import_module(f"tests.access.{path.stem}")
        for name, spec in module.ROUTES.items():
            if name in routes:
                raise AssertionError(f"route {name} described twice")
            routes[name] = spec
    return routes
