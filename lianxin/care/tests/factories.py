"""Test data for the care app, built on the root ``world`` fixture; every write after the
household goes through the care services, as the scenarios require."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from lianxin.care import services
from lianxin.care.models import RECOGNITION_CRITERIA, Batch, CareCase, DiscoverySource
from lianxin.core.roles import Role
from lianxin.directory.models import Organisation, OrgKind
from lianxin.registry.models import Household, Membership, Person, Relationship

_seq = itertools.count(1)

ALL_CRITERIA = dict.fromkeys(RECOGNITION_CRITERIA, True)
# The stages ``case_at`` reaches, in order.
STAGES = ("discovered", "investigated", "reviewed", "recognised", "planned", "tracking")


def household(
    site: Any,
    *,
    members: list[tuple[str, str]] | None = None,
    number: str | None = None,
    grid: Any = None,
) -> Household:
    """A household of ``site`` (on its first grid unless told) with members (name, relationship)."""
    n = next(_seq)
    hh = Household.objects.create(
        number=number or f"{site.village.code}-T{n:04d}",
        division=site.village,
        grid=grid or site.grid,
        address=f"测试地址{n}号",
    )
    for i, (name, relationship) in enumerate(members or [("测试户主", Relationship.HEAD)]):
        person = Person.objects.create(name=name, division=site.village, grid=hh.grid)
        Membership.objects.create(
            household=hh, person=person, relationship=relationship, started_on=dt.date(2020, 1, 1)
        )
        if i == 0:
            hh.head = person
    hh.save()
    return hh


def org(
    site: Any,
    name: str,
    *,
    kind: str = OrgKind.GOVERNMENT,
    level_of: str = "county",
    dept_type: str = "",
) -> Organisation:
    area = {
        "county": site.county,
        "township": site.township,
        "village": site.village,
        "city": site.city,
    }[level_of]
    n = next(_seq)
    return Organisation.objects.create(
        code=f"T-{area.code}-{n}",
        name=name,
        kind=kind,
        dept_type=dept_type,
        level=area.level,
        area=area,
    )


def community_org(site: Any) -> Organisation:
    return org(site, f"{site.village.short_name}居委会", kind=OrgKind.COMMUNITY, level_of="village")


def batch(site: Any = None, *, sequence: int | None = None, name: str = "") -> Batch:
    n = sequence or next(_seq)
    return Batch.objects.create(name=name or f"第{n}批", sequence=n, area_code="64")


def investigation_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "visited_on": dt.date(2026, 11, 20),
        "residents": "户主及配偶",
        "resident_count": 2,
        "monthly_income_fen": 300_000,
        "monthly_expenses_fen": 200_000,
        "housing": "own_safe",
        "health_notes": "身体一般",
        "heating": "adequate",
        "needs": "定期探访",
    }
    data.update(overrides)
    return data


class Actors:
    """The usual cast of one site."""

    def __init__(self, world: Any, site: str = "a") -> None:
        self.world = world
        self.key = site
        self.site = world.a if site == "a" else world.b
        self.grid_worker = world.user(Role.GRID_WORKER, site)
        self.community = world.user(Role.COMMUNITY_STAFF, site)
        self.township = world.user(Role.TOWNSHIP_STAFF, site)
        self.township2 = world.user(Role.TOWNSHIP_STAFF, site)
        self.county = world.user(Role.COUNTY_STAFF, site)
        self.leader = world.user(Role.LEADER, site)


def plan(actor: Any, case: CareCase, a: Any, goal: str = "保障基本生活") -> Any:
    """``services.plan_save`` of ``goal`` with the site's leader and its civil affairs bureau."""
    return services.plan_save(
        actor=actor, case=case, goal=goal, leader=a.leader, paired_unit=a.site.orgs["civil_affairs"]
    )


def measure(
    actor: Any,
    case: CareCase,
    action: str,
    title: str,
    unit: Organisation,
    deadline: dt.date = dt.date(2027, 1, 1),
    **more: Any,
) -> Any:
    """``services.measure_add``: the measure ``title`` of ``action`` for ``unit`` by ``deadline``."""
    fields = {"action": action, "title": title, "responsible_unit": unit, "deadline": deadline}
    return services.measure_add(actor=actor, case=case, **fields, **more)


def case_at(
    world: Any,
    stage: str,
    *,
    site: str = "a",
    actors: Actors | None = None,
    hh: Household | None = None,
    **inv: Any,
) -> tuple[CareCase, Actors]:
    """A case of ``site`` pushed through the services up to ``stage``."""
    a = actors or Actors(world, site)
    hh = hh or household(a.site)
    case = services.case_discover(
        actor=a.grid_worker,
        household=hh,
        source=DiscoverySource.GRID_VISIT,
        description="入户摸排发现",
    )
    if stage == "discovered":
        return case, a
    case = services.case_investigate(actor=a.grid_worker, case=case, data=investigation_data(**inv))
    if stage == "investigated":
        return case, a
    case = services.case_review_by_community(
        actor=a.community,
        case=case,
        held_on=dt.date(2026, 11, 21),
        participants="社区两委、居民代表",
        opinion="情况属实，建议认定",
    )
    if stage == "reviewed":
        return case, a
    case = services.case_recognise(
        actor=a.township, case=case, batch=batch(), checklist=ALL_CRITERIA
    )
    if stage == "recognised":
        return case, a
    plan(a.community, case, a)
    civil_affairs = a.site.orgs["civil_affairs"]
    measure(a.township, case, "basic_living", "申请临时救助", civil_affairs, dt.date(2026, 12, 31))
    case = services.plan_approve(actor=a.township, case=case)
    if stage == "planned":
        return case, a
    services.followup_record(
        actor=a.grid_worker, case=case, visited_on=dt.date(2026, 11, 21), notes="回访正常"
    )
    case.refresh_from_db()
    return case, a


def overdue_measure(case: CareCase, a: Any, title: str = "煤改电") -> Any:
    """A heating measure of a planned case for the county's civil affairs, due 2026-01-01 (before
    every test's today): it counts as overdue."""
    return measure(
        a.township, case, "heating", title, a.site.orgs["civil_affairs"], dt.date(2026, 1, 1)
    )
