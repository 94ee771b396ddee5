"""Demo-like data with KNOWN ID and phone numbers, through the apps' own services when they are
installed, so that crawlers and dump checks can look for exactly these numbers. Apps that have
not landed yet are skipped (their part of the seed is empty)."""

from __future__ import annotations

import datetime as dt
import importlib
import re
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from stdnum.cn import ric

from lianxin.core.errors import ApplicationError

ID_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
MOBILE_RE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")


_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def check_digit(first17: str) -> str:
    """GB 11643-1999 check digit, computed here independently of the code under test."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def make_id(region: str, birth: dt.date, sequence: int) -> str:
    body = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return body + check_digit(body)


def full_ids_in(text: str) -> list[str]:
    """Every valid 18-digit resident ID number in ``text`` (checksum and date checked)."""
    found = []
    for match in ID_RE.findall(text):
        number = match.upper()
        try:
            ric.get_birth_date(number)
        except ValueError:
            continue
        if check_digit(number[:17]) == number[17]:
            found.append(number)
    return found


def full_mobiles_in(text: str) -> list[str]:
    return MOBILE_RE.findall(text)


@dataclass
class SeededPerson:
    name: str
    id_number: str
    phone: str
    site: str
    grid_id: int | None
    area_code: str
    pk: int | None = None


@dataclass
class Seed:
    people: list[SeededPerson] = field(default_factory=list)
    caller_phones: list[str] = field(default_factory=list)
    objects: dict[str, Any] = field(default_factory=dict)

    @property
    def id_numbers(self) -> list[str]:
        return [p.id_number for p in self.people]

    @property
    def phones(self) -> list[str]:
        return [p.phone for p in self.people if p.phone] + self.caller_phones

    def secrets(self) -> list[str]:
        return self.id_numbers + self.phones


def _module(name: str) -> Any | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def registry_ready() -> bool:
    services = _module("lianxin.registry.services")
    return (
        apps.is_installed("lianxin.registry")
        and services is not None
        and hasattr(services, "household_register")
        and hasattr(services, "MemberInput")
    )


def hotline_ready() -> bool:
    services = _module("lianxin.hotline.services")
    return services is not None and hasattr(services, "workorder_intake")


_PHONE_BASE = {"a": 13900000000, "b": 13800000000}
_REGION = {"a": "640104", "b": "640521"}


def seed_people(world: Any, seed: Seed, *, per_grid: int = 2) -> None:
    """Two households per grid of each site (grid and other_grid), ``per_grid`` members each."""
    if not registry_ready():
        return
    services = importlib.import_module("lianxin.registry.services")
    sequence = 900  # 9xx sequences, births 1931-1945: apart from the apps' own factories
    for key in ("a", "b"):
        site = getattr(world, key)
        for grid_index, grid in enumerate((site.grid, site.other_grid)):
            for household_index in range(2):
                members = []
                people = []
                for member_index in range(per_grid):
                    sequence += 1
                    birth = dt.date(1931 + sequence % 15, 1 + sequence % 12, 1 + sequence % 28)
                    number = make_id(_REGION[key], birth, sequence)
                    mobile = str(_PHONE_BASE[key] + sequence * 7919)
                    name = f"测{key}{grid_index}{household_index}{member_index}号"
                    relationship = "户主" if member_index == 0 else "配偶"
                    members.append(
                        services.MemberInput(
                            name=name, id_number=number, relationship=relationship, phone=mobile
                        )
                    )
                    people.append(
                        SeededPerson(name, number, mobile, key, grid.pk, site.village.code)
                    )
                household = services.household_register(
                    actor=None,
                    division=site.village,
                    grid=grid,
                    members=members,
                    address=f"测试路{sequence}号",
                )
                seed.objects.setdefault(f"households_{key}", []).append(household)
                Person = apps.get_model("registry", "Person")
                for person in people:
                    person.pk = (
                        Person.objects.filter(name=person.name, area_code=site.village.code)
                        .values_list("pk", flat=True)
                        .first()
                    )
                seed.people.extend(people)


def seed_work_orders(world: Any, seed: Seed) -> None:
    """One work order per site from a caller with a known phone number."""
    if not hotline_ready():
        return
    services = importlib.import_module("lianxin.hotline.services")
    for index, key in enumerate(("a", "b")):
        site = getattr(world, key)
        agent = world.user("hotline_agent", key)
        caller = str(13700000000 + 4243 * (index + 1))
        try:
            order, _ = services.workorder_intake(
                actor=agent,
                text=f"{site.village.short_name}小区门口路灯不亮，晚上出行不便，请尽快维修。",
                caller_name="测来电人",
                caller_phone=caller,
                area_code=site.village.code,
                idempotency_key=f"security-seed-{key}",
            )
        except ApplicationError:
            continue
        seed.caller_phones.append(caller)
        seed.objects.setdefault(f"workorders_{key}", []).append(order)


def seed_all(world: Any) -> Seed:
    seed = Seed()
    seed_people(world, seed)
    seed_work_orders(world, seed)
    return seed


def record_figure(name: str, value: Any) -> None:
    """Figures for docs/SECURITY.md and the CI log (var/security-figures.json)."""
    import json
    import os
    from pathlib import Path

    from django.conf import settings

    path = Path(settings.VAR_DIR) / "security-figures.json"
    try:
        figures = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        figures = {}
    db = "postgresql" if "postgres" in os.environ.get("DATABASE_URL", "") else "sqlite"
    figures[f"{db}:{name}"] = value
    path.write_text(
        json.dumps(figures, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8"
    )
