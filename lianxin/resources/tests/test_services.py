from __future__ import annotations

import datetime as dt
from functools import partial

import pytest

from lianxin.core.errors import AccessDenied, ApplicationError, Conflict, InvalidTransition
from lianxin.core.models import AuditEvent
from lianxin.core.roles import Role
from lianxin.registry.models import AssistanceStatus
from lianxin.resources import selectors, services
from lianxin.resources.models import (
    BoxItem,
    BoxMovement,
    CardMonthUsage,
    CardSequence,
    LocationKind,
    LoveCard,
    OtcMedicine,
    Partner,
    PointsRedemption,
    Redemption,
    StockLot,
)
from lianxin.resources.tests import factories as f

# --- partners ----------------------------------------------------------------------------------


def test_partner_joins_after_approval_by_another_civil_affairs_officer(world):
    al = f.Alliance(world)
    p = f.partner(al, name="塞上粮油", approve=False)
    assert p.status == "applied"
    assert p.organisation.kind == "merchant"
    assert p.organisation.code == f"LM-{world.a.county.code}-0002"
    p = services.partner_approve(actor=al.county, obj=p, note="材料齐全")
    p.refresh_from_db()
    assert (p.status, p.decided_by, p.decision_note) == ("approved", al.county, "材料齐全")
    assert (
        AuditEvent.objects.filter(action="resources.partner.approve", target_id=str(p.pk)).count()
        == 1
    )


def test_the_applicant_cannot_approve_his_own_application(world):
    al = f.Alliance(world)
    p = services.partner_apply(actor=al.county, area=world.a.county, kind="merchant", name="自家店")
    with pytest.raises(AccessDenied):
        services.partner_approve(actor=al.county, obj=p)
    p.refresh_from_db()
    assert p.status == "applied"


def test_staff_of_another_county_cannot_approve(world):
    al = f.Alliance(world)
    p = f.partner(al, name="外县店", approve=False)
    with pytest.raises(AccessDenied):
        services.partner_approve(actor=world.user(Role.COUNTY_STAFF, "b"), obj=p)
    assert Partner.objects.get(pk=p.pk).status == "applied"


def test_an_organisation_applies_once(world):
    al = f.Alliance(world)
    with pytest.raises(Conflict):
        services.partner_apply(
            actor=al.city,
            area=world.a.county,
            kind="merchant",
            organisation=al.partner.organisation,
        )
    assert Partner.objects.filter(organisation=al.partner.organisation).count() == 1


def test_a_village_is_not_an_alliance_area(world):
    al = f.Alliance(world)
    before = Partner.objects.count()
    with pytest.raises(ApplicationError, match="县"):
        services.partner_apply(actor=al.city, area=world.a.village, kind="merchant", name="小店")
    assert Partner.objects.count() == before


# --- offers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"discount_kind": "percent", "percent_off": 0}, "优惠比例"),
        ({"discount_kind": "percent", "percent_off": 100}, "优惠比例"),
        (
            {"discount_kind": "fixed_price", "fixed_price_fen": 3000, "market_price_fen": 3000},
            "低于",
        ),
        ({"limit_per_month": 0}, "至少为1"),
        ({"valid_to": dt.date(2025, 12, 31)}, "截止日期"),
    ],
)
def test_offer_rules(world, values, message):
    al = f.Alliance(world)
    with pytest.raises(ApplicationError, match=message):
        f.offer(al, **values)
    assert not al.partner.offers.exists()


def test_a_partner_not_yet_approved_cannot_offer(world):
    al = f.Alliance(world)
    pending = f.partner(al, name="待审店", approve=False)
    with pytest.raises(InvalidTransition):
        services.offer_create(
            actor=al.county,
            partner=pending,
            title="九折",
            category="medicine",
            discount_kind="percent",
            percent_off=10,
            valid_from=dt.date(2026, 1, 1),
        )


# --- cards ---------------------------------------------------------------------------------------


def test_cards_go_by_tier_and_each_household_gets_one(world):
    al = f.Alliance(world)
    dibao = f.household(world.a, assistance=("低保",))
    both = f.household(world.a, assistance=("支出型困难", "低保边缘"))
    temporary = f.household(world.a, assistance=("临时救助",))
    f.household(world.a, assistance=())
    f.lapsed_household(world.a, dt.date(2024, 1, 1), dt.date(2025, 6, 30))
    result = services.cards_issue(actor=al.county, area_code=world.a.county.code)
    assert result.issued == {1: 1, 2: 1, 3: 0, 4: 1}
    tiers = dict(LoveCard.objects.values_list("household_id", "tier"))
    assert tiers == {dibao.pk: 1, both.pk: 2, temporary.pk: 4}
    numbers = list(LoveCard.objects.order_by("number").values_list("number", flat=True))
    year = f"{services.today():%y}"
    assert numbers[0] == f"{world.a.county.code}{year}0000001" + services.luhn_digit(
        f"{world.a.county.code}{year}0000001"
    )
    assert all(services.card_number_is_valid(n) for n in numbers)
    # the first tier gets the first numbers
    assert LoveCard.objects.get(household=dibao).number == numbers[0]
    again = services.cards_issue(actor=al.county, area_code=world.a.county.code)
    assert (again.total, again.already_holding) == (0, 3)
    assert CardSequence.objects.get().last == 3
    assert AuditEvent.objects.filter(action="resources.card.issue").count() == 3


def test_community_staff_cannot_issue_for_the_county(world):
    with pytest.raises(AccessDenied):
        services.cards_issue(
            actor=world.user(Role.COMMUNITY_STAFF, "a"), area_code=world.a.county.code
        )
    assert LoveCard.objects.count() == 0


def test_a_lost_card_is_reissued_and_stops_working(world):
    al = f.Alliance(world)
    hh = f.household(world.a)
    card = f.card(al, hh)
    new = services.card_reissue(actor=al.community, obj=card, reason="遗失")
    card.refresh_from_db()
    assert (card.status, new.status, new.replaces_id, new.tier) == ("lost", "active", card.pk, 1)
    assert new.number != card.number
    offer = f.offer(al)
    with pytest.raises(InvalidTransition, match="挂失"):
        f.redeem(al.merchant, card.number, offer)


def test_a_card_is_suspended_when_the_household_leaves_assistance_and_restored_when_back(world):
    al = f.Alliance(world)
    hh = f.household(world.a)
    card = f.card(al, hh)
    status = AssistanceStatus.objects.get(household=hh)
    status.ended_on = services.today() - dt.timedelta(days=1)
    status.save()
    assert services.cards_sync_status(area_code=world.a.county.code) == {
        "suspended": 1,
        "restored": 0,
    }
    card.refresh_from_db()
    expected_day = f"{status.ended_on:%Y-%m-%d}"
    assert card.status == "suspended"
    assert card.status_reason == f"救助状态已终止（低保 {expected_day}终止）"
    assert services.cards_sync_status(area_code=world.a.county.code) == {
        "suspended": 0,
        "restored": 0,
    }
    AssistanceStatus.objects.create(
        household=hh, assistance_type="低保边缘", started_on=services.today()
    )
    assert services.cards_sync_status(household_ids=[hh.pk]) == {"suspended": 0, "restored": 1}
    card.refresh_from_db()
    assert card.status == "active"


def test_a_card_suspended_by_staff_is_not_restored_automatically(world):
    al = f.Alliance(world)
    hh = f.household(world.a)
    card = services.card_suspend(actor=al.community, obj=f.card(al, hh), reason="家庭情况核查中")
    assert services.cards_sync_status(household_ids=[hh.pk]) == {"suspended": 0, "restored": 0}
    card.refresh_from_db()
    assert (card.status, card.status_reason) == ("suspended", "家庭情况核查中")


# --- redemption ----------------------------------------------------------------------------------


def test_a_merchant_redeems_and_the_ledger_keeps_the_discount(world):
    al = f.Alliance(world)
    card = f.card(al, f.household(world.a))
    offer = f.offer(al)
    r = f.redeem(
        al.merchant,
        card.number_display,
        offer,
        item="布洛芬缓释胶囊",
        quantity=2,
        market_price_fen=5160,
        price_paid_fen=4644,
    )
    assert (r.discount_fen, r.partner, r.household_id, r.area_code) == (
        516,
        al.partner,
        card.household_id,
        world.a.village.code,
    )
    assert CardMonthUsage.objects.get().count == 1
    figures = selectors.partner_figures(al.partner)
    assert (figures["month_redemptions"], figures["month_discount_fen"]) == (1, 516)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"quantity": 4}, "每次限3件"),
        ({"price_paid_fen": 950}, "应付不超过9.00元"),
        ({"price_paid_fen": 1100}, "实付金额"),
        ({"number": "6401042600000012"}, "卡号有误"),
        ({"item": ""}, "商品"),
    ],
)
def test_redemption_refusals_change_nothing(world, kwargs, message):
    al = f.Alliance(world)
    card = f.card(al, f.household(world.a))
    offer = f.offer(al)
    values = {
        "number": card.number,
        "item": "药",
        "quantity": 1,
        "market_price_fen": 1000,
        "price_paid_fen": 900,
    }
    values.update(kwargs)
    with pytest.raises(ApplicationError, match=message):
        services.card_redeem(actor=al.merchant, offer=offer, **values)
    assert Redemption.objects.count() == 0
    assert not CardMonthUsage.objects.filter(count__gt=0).exists()


def test_the_monthly_limit_holds(world):
    al = f.Alliance(world)
    card = f.card(al, f.household(world.a))
    offer = f.offer(al, limit_per_month=2)
    for _ in range(2):
        f.redeem(al.merchant, card.number, offer)
    with pytest.raises(Conflict, match="已达上限"):
        f.redeem(al.merchant, card.number, offer)
    assert Redemption.objects.count() == 2
    assert CardMonthUsage.objects.get().count == 2


def test_only_the_merchants_own_staff_redeem_and_only_cards_of_its_area(world):
    al = f.Alliance(world)
    bl = f.Alliance(world, "b", name="宁安堂")
    offer = f.offer(al)
    card_b = f.card(bl, f.household(world.b))
    with pytest.raises(AccessDenied):
        f.redeem(bl.merchant, card_b.number, offer)
    with pytest.raises(ApplicationError, match="不属于本联盟区域"):
        f.redeem(al.merchant, card_b.number, offer)
    assert Redemption.objects.count() == 0


def test_fixed_price_and_free_offers(world):
    al = f.Alliance(world)
    card = f.card(al, f.household(world.a))
    rice = f.offer(
        al,
        title="大米",
        category="grain_oil",
        discount_kind="fixed_price",
        percent_off=0,
        fixed_price_fen=2500,
        market_price_fen=3200,
    )
    free = f.offer(al, title="量血压", category="medical_care", discount_kind="free", percent_off=0)
    r = f.redeem(
        al.merchant,
        card.number,
        rice,
        item="大米5kg",
        quantity=2,
        market_price_fen=6400,
        price_paid_fen=5000,
    )
    assert r.discount_fen == 1400
    with pytest.raises(ApplicationError, match="免费"):
        f.redeem(al.merchant, card.number, free, item="量血压", price_paid_fen=100)
    r = f.redeem(al.merchant, card.number, free, item="量血压", price_paid_fen=0)
    assert r.discount_fen == 1000


def test_points_redemption_is_recorded_once_per_ledger_entry(world):
    al = f.Alliance(world)
    record = partial(
        services.points_redemption_record,
        actor=al.merchant,
        partner=al.partner,
        volunteer_ref="V001",
    )
    first = record(ledger_ref="PL-1", item="感冒灵颗粒", points=50, value_fen=1500)
    again = record(ledger_ref="PL-1", item="感冒灵颗粒", points=50, value_fen=1500)
    assert first.pk == again.pk
    assert PointsRedemption.objects.count() == 1
    al.partner.accepts_points = False
    al.partner.save()
    with pytest.raises(InvalidTransition):
        record(ledger_ref="PL-2", item="药", points=10, value_fen=100)
    assert PointsRedemption.objects.count() == 1


# --- goods ---------------------------------------------------------------------------------------


def _store(al):
    return f.location(
        al.county, "爱心物资库", LocationKind.STORE, al.site.village, "38.47", "106.29"
    )


def test_goods_from_pledge_to_dispatch(world):
    al = f.Alliance(world)
    store = _store(al)
    pledge = services.pledge_create(
        actor=al.merchant, partner=al.partner, item="棉被", quantity=10, value_fen=150_000
    )
    lot = services.stock_receive(
        actor=al.community,
        store=store,
        partner=al.partner,
        item="棉被",
        quantity=10,
        value_fen=150_000,
        pledge=pledge,
    )
    pledge.refresh_from_db()
    assert pledge.status == "received"
    hh = f.household(world.a)
    d = services.stock_dispatch(actor=al.community, item=lot, quantity=3, household=hh)
    assert (d.value_fen, lot.quantity_left) == (45_000, 7)
    services.stock_dispatch(actor=al.community, item=lot, quantity=2, wish_ref="WX-1")
    with pytest.raises(Conflict, match="库存不足"):
        services.stock_dispatch(actor=al.community, item=lot, quantity=6, wish_ref="WX-2")
    assert StockLot.objects.get(pk=lot.pk).quantity_left == 5
    with pytest.raises(ApplicationError, match="一个去向"):
        services.stock_dispatch(actor=al.community, item=lot, quantity=1)
    raised = selectors.value_raised_by_partner(user=al.county)
    assert [(r["partner__organisation__name"], r["value"]) for r in raised] == [
        (al.partner.organisation.name, 150_000)
    ]


def test_goods_go_only_to_a_household_the_actor_may_see(world):
    al = f.Alliance(world)
    lot = services.stock_receive(
        actor=al.community,
        store=_store(al),
        partner=al.partner,
        item="米",
        quantity=5,
        value_fen=10_000,
    )
    with pytest.raises(AccessDenied):
        services.stock_dispatch(
            actor=al.community, item=lot, quantity=1, household=f.household(world.b)
        )
    assert StockLot.objects.get(pk=lot.pk).quantity_left == 5


# --- medicine boxes ------------------------------------------------------------------------------


def _box(al, custodian):
    station = f.location(
        al.county, "党群服务站", LocationKind.PARTY_STATION, al.site.village, "38.47", "106.29"
    )
    return services.box_create(actor=al.community, location=station, custodian=custodian)


def test_only_otc_medicine_not_expired_goes_into_a_box(world):
    al = f.Alliance(world)
    box = _box(al, al.community)
    rx = OtcMedicine.objects.create(name="阿莫西林胶囊", is_active=False)
    with pytest.raises(ApplicationError, match="不在非处方药目录内"):
        services.box_leave(
            actor=al.community,
            box=box,
            medicine=rx,
            quantity=1,
            expires_on=services.today() + dt.timedelta(days=100),
            source="居民",
        )
    otc = OtcMedicine.objects.get(name="布洛芬缓释胶囊")
    with pytest.raises(ApplicationError, match="已过期"):
        services.box_leave(
            actor=al.community,
            box=box,
            medicine=otc,
            quantity=1,
            expires_on=services.today(),
            source="居民",
        )
    assert BoxItem.objects.count() == 0


def test_a_volunteer_custodian_records_taking_and_others_cannot(world):
    al = f.Alliance(world)
    volunteer = world.user(Role.VOLUNTEER, "a")
    box = _box(al, volunteer)
    item = services.box_leave(
        actor=volunteer,
        box=box,
        medicine=OtcMedicine.objects.get(name="板蓝根颗粒"),
        quantity=5,
        expires_on=services.today() + dt.timedelta(days=90),
        source="居民捐赠",
    )
    services.box_take(actor=volunteer, item=item, quantity=2)
    with pytest.raises(AccessDenied):
        services.box_take(actor=world.user(Role.VOLUNTEER, "a"), item=item, quantity=1)
    with pytest.raises(Conflict):
        services.box_take(actor=volunteer, item=item, quantity=4)
    assert BoxItem.objects.get(pk=item.pk).quantity == 3
    assert list(BoxMovement.objects.order_by("id").values_list("kind", "quantity")) == [
        ("leave", 5),
        ("take", 2),
    ]
    assert list(selectors.box_list(user=volunteer)) == [box]
