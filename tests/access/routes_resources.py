"""Routes of the love alliance (pages and API). Site B's objects are built once per test through
the resources services: an approved merchant of 中宁县 with an offer and a shop, a household on
低保 with a love card and one redemption, a store with a lot of donated goods, a medicine box
with medicine in it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from tests.access.registry import RouteSpec, on_b, once_per_world, pk_of

B_PARTNER = "乙地爱心药房"
B_OFFER = "乙地常用药九折"
B_GOODS = "乙地棉被"
B_BOX = "YXB0001"


@once_per_world
def resources_b(w: Any) -> dict[str, Any]:
    from lianxin.core.roles import Role
    from lianxin.resources import services
    from lianxin.resources.models import LocationKind, OtcMedicine
    from lianxin.resources.tests import factories as f

    al = f.Alliance(w, "b", name=B_PARTNER)
    offer = f.offer(al, title=B_OFFER)
    hh = f.household(w.b, head="乙地持卡人")
    card = f.card(al, hh)
    f.redeem(al.merchant, card.number, offer, item="乙地布洛芬")
    store, station = (
        f.location(al.county, name, kind, w.b.village, Decimal("37.49"), Decimal("105.68"))
        for name, kind in (
            ("乙地爱心物资库", LocationKind.STORE),
            ("乙地党群服务站", LocationKind.PARTY_STATION),
        )
    )
    lot = services.stock_receive(
        actor=al.county, store=store, partner=al.partner, item=B_GOODS, quantity=5, value_fen=5000
    )
    box = services.box_create(
        actor=al.county, location=station, custodian=w.user(Role.COMMUNITY_STAFF, "b"), code=B_BOX
    )
    item = services.box_leave(
        actor=al.county,
        box=box,
        medicine=OtcMedicine.objects.get(name="布洛芬缓释胶囊"),
        quantity=3,
        expires_on=services.today() + dt.timedelta(days=10),
        source="乙地居民",
    )
    return {
        "alliance": al,
        "partner": al.partner,
        "offer": offer,
        "household": hh,
        "card": card,
        "lot": lot,
        "box": box,
        "item": item,
    }


_pk = pk_of(resources_b)


def _card_number(w):
    return {"number": resources_b(w)["card"].number}


def _household(w):
    return {"pk": resources_b(w)["household"].pk}


def _api_household(w):
    return {"household_pk": resources_b(w)["household"].pk}


def _card_number_marker(w):
    return resources_b(w)["card"].number


def _attempt(w):
    b = resources_b(w)
    return {
        "note": "越权",
        "reason": "越权",
        "offer": b["offer"].pk,
        "item": b["item"].pk,
        "quantity": 1,
        "market_price_fen": "10",
        "price_paid_fen": "9",
        "number": b["card"].number,
        "title": "越权优惠",
        "category": "medicine",
        "discount_kind": "percent",
        "percent_off": 10,
        "limit_per_visit": 1,
        "limit_per_month": 1,
        "valid_from": "2026-01-01",
        "household_number": b["household"].number,
        "to_box": b["box"].pk,
        "medicine": 1,
        "expires_on": "2027-12-31",
        "source": "越权",
    }


# Pages for staff of an area (others get 404): the leak check runs with these roles.
STAFF = (
    "community_staff",
    "township_staff",
    "county_staff",
    "city_staff",
    "leader",
    "grid_worker",
)
APPLICANTS = ("township_staff", "county_staff", "city_staff")

ROUTES: dict[str, RouteSpec] = {
    "resources:index": RouteSpec(leak_marker=lambda w: B_PARTNER),
    "resources:partner_apply": RouteSpec(leak_marker=lambda w: B_PARTNER, roles=APPLICANTS),
    "resources:partner_detail": on_b(_pk("partner")),
    "resources:partner_action": on_b(_pk("partner", action="suspend"), _attempt),
    "resources:offer_create": on_b(_pk("partner"), _attempt),
    "resources:offer_withdraw": on_b(_pk("offer"), _attempt),
    "resources:my_partner": RouteSpec(leak_marker=lambda w: B_OFFER),
    "resources:points_merchants": RouteSpec(leak_marker=lambda w: B_PARTNER),
    "resources:redeem": RouteSpec(
        methods=("get", "post"),
        post_data=lambda w: {"number": "6405212600000018", "offer": 1, "item": "越权"},
        notes="only a merchant's own staff (404 for others, tested in resources/tests)",
    ),
    "resources:redemption_index": RouteSpec(leak_marker=lambda w: "乙地布洛芬"),
    "resources:card_index": RouteSpec(leak_marker=_card_number_marker, roles=STAFF),
    "resources:card_issue": RouteSpec(
        methods=("post",),
        post_data=lambda w: {"area_code": w.b.county.code, "tiers": [1, 2, 3, 4]},
        notes="the area is not among a site-A user's areas: refused, no card issued",
    ),
    "resources:card_detail": on_b(_pk("card")),
    "resources:card_print": on_b(_pk("card")),
    "resources:card_action": on_b(_pk("card", action="suspend"), _attempt),
    "resources:life_circle": on_b(_household),
    "resources:coverage": RouteSpec(leak_marker=lambda w: w.b.village.short_name, roles=STAFF),
    "resources:location_index": RouteSpec(leak_marker=lambda w: "乙地党群服务站"),
    "resources:stock_index": RouteSpec(leak_marker=lambda w: B_GOODS, roles=STAFF),
    "resources:pledge_create": RouteSpec(
        methods=("post",),
        post_data=lambda w: {
            "partner": 10**9,
            "item": "越权",
            "quantity": 1,
            "unit": "件",
            "value_fen": "1",
        },
    ),
    "resources:stock_receive": RouteSpec(
        methods=("post",),
        post_data=lambda w: {
            "store": 10**9,
            "partner": 10**9,
            "item": "越权",
            "quantity": 1,
            "unit": "件",
            "value_fen": "1",
        },
    ),
    "resources:stock_detail": on_b(_pk("lot")),
    "resources:stock_dispatch": on_b(_pk("lot"), _attempt),
    "resources:box_index": RouteSpec(leak_marker=lambda w: B_BOX),
    "resources:box_detail": on_b(_pk("box")),
    "resources:box_action": on_b(_pk("box", action="take"), _attempt),
    "resources:export": RouteSpec(
        kwargs=lambda w: {"kind": "cards"},
        notes="xlsx, scoped like the card list (tested in resources/tests); crawled for PII",
    ),
    "api:resources_partner_list": RouteSpec(leak_marker=lambda w: B_PARTNER),
    "api:resources_partner_detail": on_b(_pk("partner")),
    "api:resources_offer_list": RouteSpec(leak_marker=lambda w: B_OFFER),
    "api:resources_card_list": RouteSpec(leak_marker=_card_number_marker),
    "api:resources_card_detail": on_b(_pk("card")),
    "api:resources_card_check": RouteSpec(
        kwargs=_card_number,
        notes="merchants only (404 for everyone else); a merchant of another area gets "
        "valid=false and nothing of the card (resources/tests/test_api.py)",
    ),
    "api:resources_card_redeem": on_b(_card_number, _attempt),
    "api:resources_redemption_list": RouteSpec(leak_marker=lambda w: "乙地布洛芬"),
    "api:resources_life_circle": on_b(_api_household),
    "api:resources_nearest": RouteSpec(
        notes="public business points (shops, stations) near a coordinate; needs sign-in"
    ),
    "api:resources_stock_list": RouteSpec(leak_marker=lambda w: B_GOODS),
    "api:resources_expiring": RouteSpec(leak_marker=lambda w: B_BOX),
}
