"""Test data of the love alliance on the root ``world``: households with an assistance status,
approved partners with a merchant user, offers, cards — every write after the household goes
through the resources services."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from lianxin.accounts.models import Assignment, User
from lianxin.core.roles import Role
from lianxin.registry.models import AssistanceStatus, Household, Membership, Person, Relationship
from lianxin.resources import services
from lianxin.resources.models import CommunityCentre, LocationKind, Offer, Partner

_seq = itertools.count(1)
CENTRE_A = (Decimal("38.468100"), Decimal("106.288900"))
CENTRE_B = (Decimal("37.491500"), Decimal("105.685300"))


def household(
    site: Any,
    *,
    assistance: tuple[str, ...] = ("低保",),
    head: str = "张建国",
    grid: Any = None,
    started: dt.date = dt.date(2025, 1, 1),
) -> Household:
    n = next(_seq)
    hh = Household.objects.create(
        number=f"{site.village.code}-R{n:05d}",
        division=site.village,
        grid=grid or site.grid,
        address=f"爱心路{n}号",
    )
    person = Person.objects.create(name=head, division=site.village, grid=hh.grid)
    Membership.objects.create(
        household=hh, person=person, relationship=Relationship.HEAD, started_on=started
    )
    hh.head = person
    hh.save()
    for kind in assistance:
        AssistanceStatus.objects.create(household=hh, assistance_type=kind, started_on=started)
    return hh


def lapsed_household(site: Any, started: dt.date, ended: dt.date) -> Household:
    """A household whose 低保 ran from ``started`` to ``ended`` and nothing since."""
    hh = household(site, assistance=())
    AssistanceStatus.objects.create(
        household=hh, assistance_type="低保", started_on=started, ended_on=ended
    )
    return hh


class Alliance:
    """Staff of one site and an approved merchant with its own staff user and one shop."""

    def __init__(self, world: Any, site: str = "a", *, name: str = "民生大药房") -> None:
        self.world = world
        self.site = world.a if site == "a" else world.b
        self.key = site
        self.city = world.user(Role.CITY_STAFF, site)
        self.county = world.user(Role.COUNTY_STAFF, site)
        self.community = world.user(Role.COMMUNITY_STAFF, site)
        self.township = world.user(Role.TOWNSHIP_STAFF, site)
        centre = CENTRE_A if site == "a" else CENTRE_B
        CommunityCentre.objects.get_or_create(
            division=self.site.village, defaults={"latitude": centre[0], "longitude": centre[1]}
        )
        self.partner = partner(self, name=f"{name}{next(_seq)}")
        self.merchant = merchant_user(self, self.partner)
        self.shop = services.location_add(
            actor=self.county,
            partner=self.partner,
            name=f"{self.partner.organisation.name}门店",
            kind=LocationKind.PHARMACY,
            division=self.site.village,
            latitude=centre[0] + Decimal("0.003"),
            longitude=centre[1],
            address="爱心路1号",
        )


def partner(
    alliance: Alliance, *, name: str, approve: bool = True, kind: str = "merchant"
) -> Partner:
    p = services.partner_apply(
        actor=alliance.city,
        area=alliance.site.county,
        kind=kind,
        name=name,
        pledge_text="常用药品九折",
        accepts_points=True,
    )
    if approve:
        p = services.partner_approve(actor=alliance.county, obj=p, note="同意")
    return p


def merchant_user(alliance: Alliance, p: Partner) -> User:
    user = User.objects.create_user(
        username=f"merchant_{alliance.key}_{next(_seq)}", password="Test-Passw0rd!"
    )
    Assignment.objects.create(
        user=user, role=Role.PARTNER, area=alliance.site.village, organisation=p.organisation
    )
    return user


def offer(alliance: Alliance, **overrides: Any) -> Offer:
    values: dict[str, Any] = {
        "title": "常用药品九折",
        "category": "medicine",
        "discount_kind": "percent",
        "percent_off": 10,
        "limit_per_visit": 3,
        "limit_per_month": 2,
        "valid_from": dt.date(2026, 1, 1),
    }
    values.update(overrides)
    return services.offer_create(actor=alliance.county, partner=alliance.partner, **values)


def card(alliance: Alliance, hh: Household) -> Any:
    result = services.cards_issue(
        actor=alliance.county, area_code=alliance.site.county.code, household_ids=[hh.pk]
    )
    return result.cards[0]


def redeem(actor: User, number: str, offer: Offer, **overrides: Any) -> Any:
    """``services.card_redeem`` of one medicine at 10 yuan, 9 paid, unless ``overrides`` differ."""
    values: dict[str, Any] = {"item": "药", "market_price_fen": 1000, "price_paid_fen": 900}
    values.update(overrides)
    return services.card_redeem(actor=actor, number=number, offer=offer, **values)


def location(
    actor: User, name: str, kind: str, division: Any, latitude: Any, longitude: Any
) -> Any:
    """``services.location_add``: a place of ``kind`` in ``division`` at the given point."""
    point = {"latitude": latitude, "longitude": longitude}
    return services.location_add(actor=actor, name=name, kind=kind, division=division, **point)
