"""Test data for benefits on the root ``world`` fixture: funding sources, the demo's policies
(the same definitions as ``demo.py``), households with disabled members in 低保 households,
and the actors of a site (community, township, two county civil-affairs officers, a union
officer)."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

from lianxin.accounts.models import Assignment
from lianxin.benefits import demo, services
from lianxin.benefits.models import FundingSource, Policy
from lianxin.core import idnumber
from lianxin.core.roles import Role
from lianxin.directory.demo import demo_org
from lianxin.directory.models import Organisation, OrgKind
from lianxin.monitoring.models import Alert, Run
from lianxin.registry.models import (
    AssistanceStatus,
    Disability,
    Household,
    Membership,
    Person,
    Relationship,
)

_seq = itertools.count(1)


def id_for(birth: dt.date, n: int) -> str:
    first17 = f"640104{birth:%Y%m%d}{n % 1000:03d}"
    return first17 + idnumber.check_digit(first17)


def person(
    site: Any,
    household: Household,
    name: str,
    *,
    relationship: str = Relationship.HEAD,
    birth: dt.date = dt.date(1970, 5, 1),
) -> Person:
    n = next(_seq)
    number = id_for(birth, n)
    p = Person.objects.create(
        name=name,
        division=site.village,
        grid=household.grid,
        birth_date=birth,
        id_number=number,
        id_hash=idnumber.search_hash(number),
    )
    Membership.objects.create(
        household=household, person=p, relationship=relationship, started_on=dt.date(2020, 1, 1)
    )
    if household.head_id is None:
        household.head = p
        household.save()
    return p


def household(site: Any, *, grid: Any = None) -> Household:
    n = next(_seq)
    return Household.objects.create(
        number=f"{site.village.code}-B{n:04d}",
        division=site.village,
        grid=grid or site.grid,
        address=f"福利测试{n}号",
    )


def disabled_in_dibao(
    site: Any, *, grade: int = 2, name: str = "马残", dibao: bool = True
) -> tuple[Household, Person]:
    hh = household(site)
    p = person(site, hh, name)
    Disability.objects.create(person=p, disability_type="肢体", grade=grade, is_active=True)
    if dibao:
        AssistanceStatus.objects.create(
            household=hh, assistance_type="低保", started_on=dt.date(2024, 1, 1)
        )
    return hh, p


def policies(world: Any) -> dict[str, Policy]:
    """The demo's sources and policies (region-wide and the Yinchuan union's)."""
    cached = getattr(world, "_benefits_policies", None)
    if cached is None:
        cached = demo.load_policies()
        world._benefits_policies = cached
    return cached


def source(name: str) -> FundingSource:
    return FundingSource.objects.get(name=name)


def union_org(site: Any) -> Organisation:
    return demo_org(
        f"{site.county.code}-trade_union",
        f"{site.county.name}总工会",
        site.county,
        kind=OrgKind.FEDERATION,
        dept_type="trade_union",
        handling_unit=False,
    )


@dataclass
class Actors:
    community: Any
    township: Any
    county: Any
    county2: Any
    union: Any
    grid_worker: Any


def actors(world: Any, site: str = "a") -> Actors:
    s = world.a if site == "a" else world.b
    union_user = world.user(Role.COUNTY_STAFF, site)
    Assignment.objects.filter(user=union_user).update(organisation=union_org(s))
    return Actors(
        community=world.user(Role.COMMUNITY_STAFF, site),
        township=world.user(Role.TOWNSHIP_STAFF, site),
        county=world.user(Role.COUNTY_STAFF, site),
        county2=world.user(Role.COUNTY_STAFF, site),
        union=union_user,
        grid_worker=world.user(Role.GRID_WORKER, site),
    )


def filed_living_subsidy(
    world: Any, a: Actors, site: Any, *, reason: str = "困难残疾人", **kwargs: Any
) -> Any:
    """A disabled person in a 低保 household (``kwargs``) and the community's submitted
    application for the living subsidy."""
    living = policies(world)["living"]
    hh, p = disabled_in_dibao(site, **kwargs)
    return services.application_file(
        actor=a.community,
        policy=living,
        household=hh,
        person=p,
        reason=reason,
        submit=True,
    )


def approved_living_subsidy(world: Any, a: Actors, site: Any, **kwargs: Any) -> Any:
    """A disabled person in a 低保 household with the living subsidy approved (maker-checker)."""
    app = filed_living_subsidy(world, a, site, **kwargs)
    app = services.application_review(actor=a.township, obj=app, note="材料齐全")
    app = services.application_approve(actor=a.county, obj=app)
    return app.entitlement


def booked_run(maker: Any, policy: Policy, area: Any, month: dt.date, *, checker: Any) -> Any:
    """A payment run of ``policy`` for ``area`` and ``month``: prepared and booked by ``maker``,
    approved by ``checker`` (maker-checker)."""
    run = services.payment_run_prepare(actor=maker, policy=policy, area=area, month=month)
    services.payment_run_approve(actor=checker, obj=run)
    services.payment_run_book(actor=maker, obj=run)
    return run


def union_file(actor: Any, site: Any, household: Any, worker: Any, **more: Any) -> Any:
    """``services.union_file_open``: a deep-difficulty file of ``worker`` with the union of
    ``site``, for illness unless ``more`` says otherwise."""
    more.setdefault("causes", ["illness"])
    who = {"household": household, "worker": worker}
    return services.union_file_open(
        actor=actor, union=union_org(site), difficulty_class="deep", **who, **more
    )


def alert(person: Any, rule: str, detail: str, *, area: Any, as_of: dt.date, **more: Any) -> Alert:
    """A monitoring alert of ``rule`` on ``person`` from a finished run over ``area``."""
    run = Run.objects.create(area=area, as_of=as_of, status="done")
    where = {"area_code": person.area_code, "grid": person.grid}
    return Alert.objects.create(run=run, person=person, rule=rule, detail=detail, **where, **more)
