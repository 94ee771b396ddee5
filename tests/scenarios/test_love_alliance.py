"""The love alliance of DOMAIN.md section 3 (金凤区 "金及救") and the shared medicine boxes of
section 6, end to end through the services and pages.

The seed: 3,108 love cards issued by tier (低保 first, then 低保边缘, 支出型困难, temporary
assistance). At demo scale (1:100) the district's cards are 31; the split used here is the
demo's own (17 低保 of which 2 特困, 7 低保边缘, 4 支出型困难, 3 临时救助); the seed does not
report its split."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from lianxin.core.errors import InvalidTransition
from lianxin.core.roles import Role
from lianxin.registry import services as registry_services
from lianxin.registry.models import AssistanceStatus
from lianxin.resources import selectors, services
from lianxin.resources.models import (
    BoxItem,
    CardTier,
    LocationKind,
    LoveCard,
    OtcMedicine,
    Redemption,
)
from lianxin.resources.tests import factories as f

SEED_CARDS = 3108
SCALE = 100
SPLIT = {"低保": 15, "特困": 2, "低保边缘": 7, "支出型困难": 4, "临时救助": 3}


def test_the_districts_cards_are_issued_by_tier(world, client):
    al = f.Alliance(world)
    for kind, n in SPLIT.items():
        for _ in range(n):
            f.household(world.a, assistance=(kind,))
    f.household(world.a, assistance=())  # no assistance: no card
    lapsed = f.lapsed_household(world.a, dt.date(2023, 1, 1), dt.date(2025, 12, 31))
    client.force_login(al.county)
    response = client.post(
        reverse("resources:card_issue"),
        {"area_code": world.a.county.code, "tiers": ["1", "2", "3", "4"]},
        follow=True,
    )
    assert round(SEED_CARDS / SCALE) == 31
    assert "发卡31张：低保家庭17张，低保边缘家庭7张，支出型困难家庭4张，临时救助家庭3张" in (
        response.content.decode()
    )
    tiers_in_number_order = list(LoveCard.objects.order_by("number").values_list("tier", flat=True))
    assert tiers_in_number_order == sorted(tiers_in_number_order)  # 低保 got the first numbers
    tally = selectors.card_tally(user=al.county)
    assert [(r["label"], r["active"]) for r in tally["rows"]] == [
        (CardTier.MINIMUM_LIVING.label, 17),
        (CardTier.NEAR_MINIMUM.label, 7),
        (CardTier.EXPENDITURE_HARDSHIP.label, 4),
        (CardTier.TEMPORARY.label, 3),
    ]
    assert LoveCard.objects.filter(household=lapsed).count() == 0
    # issuing again gives nobody a second card
    again = services.cards_issue(actor=al.county, area_code=world.a.county.code)
    assert (again.total, again.already_holding) == (0, 31)


def test_a_merchant_joins_publishes_an_offer_and_redeems_a_card_on_the_phone(world, client):
    al = f.Alliance(world)  # staff of 兴庆区 and one approved pharmacy (the fixture's)
    grain = services.partner_apply(
        actor=al.city,
        area=world.a.county,
        kind="merchant",
        name="塞上粮油便民店",
        pledge_text="大米、面粉爱心价",
    )
    assert grain.status == "applied"
    grain = services.partner_approve(actor=al.county, obj=grain, note="同意加入")
    clerk = f.merchant_user(al, grain)
    rice = services.offer_create(
        actor=clerk,
        partner=grain,
        title="大米5公斤爱心价",
        category="grain_oil",
        discount_kind="fixed_price",
        fixed_price_fen=2500,
        market_price_fen=3200,
        limit_per_visit=2,
        limit_per_month=2,
        valid_from=dt.date(2026, 1, 1),
    )
    hh = f.household(world.a, head="杜林")
    card = f.card(al, hh)
    client.force_login(clerk)
    page = client.get(reverse("resources:redeem"), {"number": card.number}).content.decode()
    assert "杜＊" in page
    assert "杜林" not in page
    response = client.post(
        reverse("resources:redeem"),
        {
            "number": card.number,
            "offer": rice.pk,
            "item": "大米5公斤",
            "quantity": 2,
            "market_price_fen": "64.00",
            "price_paid_fen": "50.00",
        },
        follow=True,
    )
    assert "核销成功：大米5公斤，让利14.00元" in response.content.decode()
    ledger = selectors.redemptions_by_partner_month(user=al.county)
    assert [(r["partner__organisation__name"], r["n"], r["discount"]) for r in ledger] == [
        ("塞上粮油便民店", 1, 1400)
    ]
    assert selectors.redemptions_by_household(user=al.county, household=hh) == {
        "count": 1,
        "discount_fen": 1400,
    }
    assert "本月核销（次）" in client.get("/").content.decode()


def test_a_card_is_suspended_when_the_household_leaves_dibao(
    world, client, django_capture_on_commit_callbacks
):
    al = f.Alliance(world)
    f.offer(al)
    hh = f.household(world.a, head="李秀英")
    card = f.card(al, hh)
    status = AssistanceStatus.objects.get(household=hh)
    last_day = services.today().replace(day=1) - dt.timedelta(days=1)  # 低保 ended last month
    with django_capture_on_commit_callbacks(execute=True):
        registry_services.assistance_end(
            actor=al.community, assistance=status, on=last_day, reason="家庭收入超过低保标准"
        )
    card.refresh_from_db()
    assert card.status == "suspended"
    assert card.status_reason == f"救助状态已终止（低保 {last_day:%Y-%m-%d}终止）"
    client.force_login(al.merchant)
    page = client.get(reverse("resources:redeem"), {"number": card.number}).content.decode()
    assert "该卡已暂停，不能使用" in page
    assert 'data-testid="redeem-form"' not in page
    assert Redemption.objects.count() == 0
    # recorded as ending today: the card works today and the daily run suspends it tomorrow
    other = f.household(world.a, head="马玉梅")
    other_card = f.card(al, other)
    with django_capture_on_commit_callbacks(execute=True):
        registry_services.assistance_end(
            actor=al.community,
            assistance=AssistanceStatus.objects.get(household=other),
            on=services.today(),
            reason="迁出本市",
        )
    other_card.refresh_from_db()
    assert other_card.status == "active"
    tomorrow = dt.datetime.combine(services.today() + dt.timedelta(days=1), dt.time(6))
    with time_machine.travel(tomorrow, tick=False):
        out = io.StringIO()
        call_command("resources_daily", stdout=out)
    assert "爱心卡：暂停1张，恢复0张" in out.getvalue()
    other_card.refresh_from_db()
    assert other_card.status == "suspended"


def test_a_medicine_box_from_donation_to_expiry_alert(world, client):
    al = f.Alliance(world)
    custodian = world.user(Role.VOLUNTEER, "a")
    busy_place, quiet_place = (
        f.location(al.county, name, kind, world.a.village, latitude, longitude)
        for name, kind, latitude, longitude in (
            ("安秀社区党群服务站", LocationKind.PARTY_STATION, "38.4681", "106.2889"),
            ("安秀小区7号楼", LocationKind.BUILDING, "38.4690", "106.2895"),
        )
    )
    busy = services.box_create(actor=al.community, location=busy_place, custodian=custodian)
    quiet = services.box_create(actor=al.community, location=quiet_place, custodian=custodian)
    medicine = OtcMedicine.objects.get(name="感冒灵颗粒")
    start = services.today()
    expiry = start + dt.timedelta(days=45)
    # a resident donates cold medicine to the quiet box; the busy box's supply is taken often
    donated = services.box_leave(
        actor=custodian,
        box=quiet,
        medicine=medicine,
        quantity=6,
        expires_on=expiry,
        source="居民捐赠",
    )
    supply = services.box_leave(
        actor=custodian,
        box=busy,
        medicine=medicine,
        quantity=10,
        expires_on=start + dt.timedelta(days=300),
        source="民生大药房捐赠",
    )
    for _ in range(4):
        services.box_take(actor=custodian, item=supply, quantity=1)
    assert selectors.expiring_items(user=custodian).count() == 0
    with time_machine.travel(
        dt.datetime.combine(start + dt.timedelta(days=16), dt.time(9)), tick=False
    ):
        alerts = list(selectors.expiring_items(user=custodian))
        assert [(a.box.code, a.medicine.name, a.expires_on) for a in alerts] == [
            (quiet.code, "感冒灵颗粒", expiry)
        ]
        suggestion = selectors.move_suggestions(user=custodian)[0]
        assert (suggestion["item"], suggestion["to_box"], suggestion["takes_there"]) == (
            donated,
            busy,
            4,
        )
        client.force_login(custodian)
        page = client.get(reverse("resources:box_index")).content.decode()
        assert "调往" in page
        assert busy.code in page
        services.box_move(actor=custodian, item=donated, to_box=busy, quantity=6)
    assert BoxItem.objects.get(pk=donated.pk).quantity == 0
    moved = BoxItem.objects.get(box=busy, expires_on=expiry)
    with time_machine.travel(
        dt.datetime.combine(expiry + dt.timedelta(days=1), dt.time(9)), tick=False
    ):
        with pytest.raises(InvalidTransition, match="该药品已过期，请登记销毁"):
            services.box_take(actor=custodian, item=moved, quantity=1)
        services.box_discard(actor=custodian, item=moved)
    assert BoxItem.objects.get(pk=moved.pk).quantity == 0
