from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from lianxin.resources.models import Redemption
from lianxin.resources.tests import factories as f


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def alliance(world):
    al = f.Alliance(world)
    al.offer = f.offer(al, limit_per_month=1)
    al.hh = f.household(world.a, head="王秀兰")
    al.card = f.card(al, al.hh)
    return al


def _redeem(api, al, **overrides):
    body = {
        "offer": al.offer.pk,
        "item": "布洛芬",
        "market_price_fen": 2000,
        "price_paid_fen": 1800,
    }
    body.update(overrides)
    return api.post(f"/api/v1/resources/cards/{al.card.number}/redeem/", body, format="json")


def test_redeem_answers_201_then_409_at_the_monthly_limit(api, alliance):
    api.force_authenticate(alliance.merchant)
    first = _redeem(api, alliance)
    assert first.status_code == 201
    data = first.json()
    assert (data["discount_fen"], data["card"]["masked_name"]) == (200, "王＊＊")
    assert data["card"]["offers"][0]["left_this_month"] == 0
    second = _redeem(api, alliance)
    assert second.status_code == 409
    assert second.json()["detail"] == "该卡本月已使用1次本优惠，已达上限"
    assert Redemption.objects.count() == 1


def test_redeem_refuses_unknown_fields(api, alliance):
    api.force_authenticate(alliance.merchant)
    response = _redeem(api, alliance, household=alliance.hh.pk)
    assert response.status_code == 400
    assert Redemption.objects.count() == 0


def test_the_check_shows_nothing_but_validity_masked_name_and_offers(api, alliance):
    api.force_authenticate(alliance.merchant)
    response = api.get(f"/api/v1/resources/cards/{alliance.card.number}/check/")
    data = response.json()
    assert set(data) == {"number", "valid", "message", "masked_name", "tier", "offers"}
    text = json.dumps(data, ensure_ascii=False)
    assert "王秀兰" not in text
    assert alliance.hh.number not in text
    assert data["valid"] is True


def test_a_merchant_of_another_area_learns_nothing_of_a_card(api, world, alliance):
    other = f.Alliance(world, "b", name="宁安堂")
    api.force_authenticate(other.merchant)
    data = api.get(f"/api/v1/resources/cards/{alliance.card.number}/check/").json()
    assert data == {
        "number": alliance.card.number,
        "valid": False,
        "message": "未找到该爱心卡，或该卡不属于本联盟区域",
        "masked_name": "",
        "tier": "",
        "offers": [],
    }


def test_staff_cannot_redeem(api, alliance):
    api.force_authenticate(alliance.county)
    assert _redeem(api, alliance).status_code == 404
    assert Redemption.objects.count() == 0


def test_life_circle_and_nearest_points(api, alliance):
    api.force_authenticate(alliance.community)
    data = api.get(f"/api/v1/resources/households/{alliance.hh.pk}/life-circle/").json()
    assert [(o["title"], o["distance_m"]) for o in data["offers"]] == [("常用药品九折", 334)]
    near = api.get(
        "/api/v1/resources/nearest/",
        {"lat": "38.4681", "lon": "106.2889", "kinds": "pharmacy,grain_shop"},
    ).json()
    assert [p["name"] for p in near["pharmacy"]] == [alliance.shop.name]
    assert near["grain_shop"] == []


def test_partner_list_scoped(api, world, alliance):
    f.Alliance(world, "b", name="宁安堂")
    api.force_authenticate(alliance.community)
    names = [p["name"] for p in api.get("/api/v1/resources/partners/").json()["results"]]
    assert names == [alliance.partner.organisation.name]
