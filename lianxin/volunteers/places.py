"""The places around a person for the emergency contact card: the nearest pharmacy, grain shop
and health station. The resources app's ``nearest_points`` answers when it is installed;
until then the love-alliance merchants of the directory nearest in the division tree (the
village, then the township, then the county) by the kind their name says."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.apps import apps

CATEGORIES = {
    "pharmacy": ("药店", ("药",)),
    "grain": ("粮油店", ("粮", "米", "油", "超市")),
    "health": ("卫生服务站", ("卫生", "诊所", "医院", "社区卫生")),
}


@dataclass(frozen=True)
class Place:
    category: str
    label: str
    name: str
    address: str = ""
    phone: str = ""


def nearest_places(*, person: Any, limit: int = 1) -> list[Place]:
    """One place per category (pharmacy, grain shop, health station) near ``person``."""
    if apps.is_installed("lianxin.resources") and person.latitude is not None:
        selectors = import_module("lianxin.resources.selectors")
        finder = getattr(selectors, "nearest_points", None)
        if finder is not None:
            return _from_resources(finder, person, limit)
    return _from_directory(person)


# our category → the resources app's location kind
RESOURCES_KIND = {"pharmacy": "pharmacy", "grain": "grain_shop", "health": "health_station"}


def _from_resources(finder: Any, person: Any, limit: int) -> list[Place]:
    found = finder(
        latitude=float(person.latitude),
        longitude=float(person.longitude),
        categories=list(RESOURCES_KIND.values()),
        limit=limit,
    )
    out: list[Place] = []
    for category, (label, _) in CATEGORIES.items():
        points = found.get(RESOURCES_KIND[category], []) if isinstance(found, dict) else []
        if not points:
            out.append(Place(category, label, "—"))
        for point in points[:limit]:
            out.append(
                Place(
                    category,
                    label,
                    str(point.get("name", "")),
                    str(point.get("address", "")),
                    str(point.get("phone", "")),
                )
            )
    return out


def _from_directory(person: Any) -> list[Place]:
    from lianxin.directory.models import Organisation, OrgKind

    code = person.area_code
    chain = [code, code[:9], code[:6]]
    candidates = list(
        Organisation.objects.filter(
            is_active=True,
            kind__in=[
                OrgKind.MERCHANT,
                OrgKind.ENTERPRISE,
                OrgKind.SOCIAL_ORGANISATION,
                OrgKind.HANDLING_UNIT,
            ],
            area_code__in=chain,
        ).only("name", "address", "contact_phone", "area_code")
    )
    out: list[Place] = []
    for category, (label, words) in CATEGORIES.items():
        matches = [o for o in candidates if any(w in o.name for w in words)]
        matches.sort(key=lambda o: (-len(o.area_code), o.name))
        if matches:
            o = matches[0]
            out.append(Place(category, label, o.name, o.address, o.contact_phone))
        else:
            out.append(Place(category, label, "—"))
    return out
