"""Test data for neighbourhood help on the root ``world``; writes after the person go through
the services."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from lianxin.accounts.models import Assignment, User
from lianxin.care.tests import factories as care_f
from lianxin.core.roles import Role
from lianxin.directory.models import Organisation, OrgKind
from lianxin.registry.models import Person, VulnerabilityTag
from lianxin.volunteers import services
from lianxin.volunteers.models import TeamKind

_n = itertools.count(1)
PASSWORD = "Test-Passw0rd!"  # noqa: S105


def elderly_woman(site: Any, *, name: str = "马秀兰", age: int = 78, grid: Any = None) -> Person:
    hh = care_f.household(site, members=[(name, "户主")], grid=grid)
    person = hh.head
    today = dt.date.today()
    person.birth_date = (
        dt.date(today.year - age, 1, 1) if (today.month, today.day) >= (1, 1) else None
    )
    person.save()
    VulnerabilityTag.objects.create(person=person, tag="高龄独居", valid_from=dt.date(2026, 1, 1))
    return person


# the organisations a partner user works for: kind, at the site's city or village, code prefix,
# default name and the user's display name (each with the running number {n})
_PARTNER_ORGS = {
    "partner": (OrgKind.ENTERPRISE, "city", "P", "爱心企业{n}号", "爱心企业联系人{n}"),
    "merchant": (OrgKind.MERCHANT, "village", "M", "爱心药店{n}号", "商家{n}"),
}


def _partner_org(world: Any, site: str, name: str, which: str) -> tuple[User, Organisation]:
    kind, at, code, default_name, display_name = _PARTNER_ORGS[which]
    s = world.a if site == "a" else world.b
    n = next(_n)
    area = getattr(s, at)
    org = Organisation.objects.create(
        code=f"{code}-{s.village.code}-{n}",
        name=name or default_name.format(n=n),
        kind=kind,
        level=area.level,
        area=area,
    )
    user = User.objects.create_user(
        username=f"{which}_{site}_{n}", password=PASSWORD, display_name=display_name.format(n=n)
    )
    Assignment.objects.create(user=user, role=Role.PARTNER, area=s.village, organisation=org)
    return user, org


def partner(world: Any, site: str = "a", *, name: str = "") -> tuple[User, Organisation]:
    return _partner_org(world, site, name, "partner")


def merchant(world: Any, site: str = "a", *, name: str = "") -> tuple[User, Organisation]:
    return _partner_org(world, site, name, "merchant")


def volunteer(
    world: Any, community: Any, site: str = "a", *, team: Any = None, phone: str = "13909512345"
) -> tuple[User, Any]:
    s = world.a if site == "a" else world.b
    user = world.user(Role.VOLUNTEER, site)
    profile = services.volunteer_register(
        actor=community,
        name=f"志愿者{next(_n)}",
        division=s.village,
        user=user,
        skills="测血压",
        phone=phone,
        phone_on_card=True,
    )
    if team is not None:
        services.team_add_member(actor=community, team=team, volunteer=profile)
    return user, profile


def team(
    world: Any, community: Any, site: str = "a", *, kind: str = TeamKind.VOLUNTEER, **kw: Any
) -> Any:
    s = world.a if site == "a" else world.b
    return services.team_create(
        actor=community,
        name=kw.pop("name", f"志愿服务队{next(_n)}"),
        kind=kind,
        division=s.village,
        **kw,
    )


def community_org(site: Any) -> Organisation:
    return care_f.community_org(site)


def wish(actor: Any, person: Person, title: str, estimate_fen: int, **more: Any) -> tuple[Any, str]:
    """``services.wish_create`` of a published clothing wish, unless ``more`` says otherwise."""
    more.setdefault("category", "clothing")
    return services.wish_create(
        actor=actor, title=title, estimate_fen=estimate_fen, person=person, publish=True, **more
    )


def task(
    actor: Any,
    team: Any,
    person: Person,
    *,
    kind: str = "medicine",
    title: str = "送降压药",
    meeting_point: str = "安秀社区服务站",
    **more: Any,
) -> Any:
    """``services.task_create``: ``team`` takes blood-pressure pills to ``person`` from the
    community's service station, unless the arguments say otherwise."""
    fields = {"kind": kind, "title": title, "meeting_point": meeting_point}
    return services.task_create(actor=actor, team=team, person=person, **fields, **more)
