"""Routing engine for 12345 hotline requests: gazetteer + classifier → proposed unit.

Pure Python (no Django imports). Public API::

    from lianxin.hotline.routing import route, Router, RouteProposal, UnitResolver
    from lianxin.hotline.routing import train, save, load, locate

Wiring (the platform side)::

    router = Router(model=default_model(BASE_DIR / "var" / "router.joblib"))
    proposal = router.route(text, location=hotline_city_code, resolver=directory_resolver)
    proposal.as_dict()          # the contract JSON (shared/contracts/hotline.md)

``default_model(path)`` loads the saved model, or trains one from data/requests.csv in a
few seconds when the file does not exist (do it once at start-up, not per request).
Retrain on closed orders: ``save(train_for_deployment(pairs), path)``.
"""

from lianxin.hotline.routing.classifier import (
    DEPT_NAMES,
    Model,
    default_model,
    load,
    save,
    train,
    train_for_deployment,
)
from lianxin.hotline.routing.gazetteer import AreaMatch, Gazetteer, default_gazetteer, locate
from lianxin.hotline.routing.router import (
    CONTRACT_KEYS,
    EXTRA_KEYS,
    LOW_CONFIDENCE,
    CsvUnitResolver,
    InMemoryUnitResolver,
    RouteProposal,
    Router,
    UnitResolver,
    demo_units,
    route,
)

__all__ = [
    "CONTRACT_KEYS",
    "EXTRA_KEYS",
    "DEPT_NAMES",
    "LOW_CONFIDENCE",
    "AreaMatch",
    "CsvUnitResolver",
    "Gazetteer",
    "InMemoryUnitResolver",
    "Model",
    "RouteProposal",
    "Router",
    "UnitResolver",
    "default_gazetteer",
    "default_model",
    "demo_units",
    "load",
    "locate",
    "route",
    "save",
    "train",
    "train_for_deployment",
]
