"""Routing engine for 12345 hotline requests: gazetteer + classifier → proposed unit.

Pure Python (no Django imports). Public API::

    from lianxin.hotline.routing import route, Router, RouteProposal, UnitResolver
    from lianxin.hotline.routing import train, save, load, locate
"""

from lianxin.hotline.routing.classifier import DEPT_NAMES, Model, default_model, load, save, train
from lianxin.hotline.routing.gazetteer import AreaMatch, Gazetteer, default_gazetteer, locate
from lianxin.hotline.routing.router import (
    CONTRACT_KEYS,
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
]
