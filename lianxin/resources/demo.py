"""Demo data of the love alliance, idempotent, in Chinese (DOMAIN.md sections 3 and 6).

The seed's district (金凤区) reported 14 enterprises giving goods worth 120,000 yuan, 3,108 love
cards and 2,183 shared medicine boxes (the city's). The demo puts the alliance in 兴庆区, where
the demo accounts of site A work (an alliance of 中宁县 for site B), loads the 14 enterprises'
goods at the seed's full value, issues cards to every household of the demo with an assistance
status (the demo has ~9% of its synthetic households on assistance, so the card count is the
seed's 3,108 scaled to the demo's households — printed by tier), and 12 medicine boxes."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction

from lianxin.accounts import services as accounts_services
from lianxin.accounts.models import User
from lianxin.areas.models import Division, Level
from lianxin.core.democontext import DemoContext
from lianxin.core.roles import Role

from . import services
from .models import (
    CommunityCentre,
    Location,
    LocationKind,
    LoveCard,
    MedicineBox,
    Offer,
    OtcMedicine,
    Partner,
    PartnerKind,
    PartnerStatus,
    Redemption,
    StockLot,
)

COUNTY_A, COUNTY_B = "640104", "640521"
VILLAGE_A, VILLAGE_B = "640104001007", "640521103208"
CENTRE_A = (38.468100, 106.288900)  # 安秀社区 (approximate)
CENTRE_B = (37.491500, 105.685300)  # 刘庄村 (approximate)

ENTERPRISES = [
    ("宁夏塞上粮油集团有限公司", "大米、食用油", 1_500_000),
    ("银川新华百货商业集团股份有限公司", "冬衣、棉被", 1_200_000),
    ("宁夏伊品生物科技股份有限公司", "米面油礼包", 900_000),
    ("宁夏小任果业发展有限公司", "苹果、枸杞", 600_000),
    ("银川滨河如意服装有限公司", "羊绒衫、棉服", 1_100_000),
    ("宁夏红宝枸杞产业有限公司", "枸杞礼盒", 500_000),
    ("宁夏夏进乳业集团股份有限公司", "牛奶", 800_000),
    ("银川市民生医药连锁有限公司", "常用药品、医用口罩", 700_000),
    ("宁夏泰丰农业科技有限公司", "蔬菜礼包", 400_000),
    ("宁夏众一家政服务有限公司", "家政服务券", 600_000),
    ("银川市兴庆区福寿康复中心", "康复辅具（轮椅、助行器）", 1_300_000),
    ("宁夏建工集团有限责任公司", "取暖煤、电暖器", 1_000_000),
    ("宁夏书香文化传媒有限公司", "学习用品、台灯", 500_000),
    ("中国移动通信集团宁夏有限公司银川分公司", "老年手机、话费", 900_000),
]
assert sum(v for _, _, v in ENTERPRISES) == 12_000_000  # 120,000 yuan in fen

# (merchant, category, offer title, kind, percent, fixed fen, market fen, per visit, per month,
#  shop kind, offset metres north, east)
MERCHANTS = [
    (
        "民生大药房安秀店",
        "medicine",
        "常用药品九折",
        "percent",
        10,
        0,
        0,
        3,
        4,
        "pharmacy",
        300,
        200,
    ),
    (
        "塞上粮油便民店",
        "grain_oil",
        "大米5公斤爱心价",
        "fixed_price",
        0,
        2500,
        3200,
        2,
        2,
        "grain_shop",
        -400,
        350,
    ),
    (
        "丰收蔬菜直营店",
        "vegetables",
        "时令蔬菜八五折",
        "percent",
        15,
        0,
        0,
        5,
        8,
        "shop",
        600,
        -500,
    ),
    ("滨河服装爱心店", "clothing", "冬衣七折", "percent", 30, 0, 0, 2, 1, "shop", 900, 700),
    ("书香课堂", "education", "周末免费辅导", "free", 0, 0, 0, 1, 4, "shop", -800, -600),
    (
        "众一家政安秀服务点",
        "housekeeping",
        "上门保洁半价",
        "percent",
        50,
        0,
        0,
        1,
        2,
        "shop",
        200,
        -1000,
    ),
    (
        "凤凰北街社区卫生服务站",
        "medical_care",
        "免费量血压、测血糖",
        "free",
        0,
        0,
        0,
        1,
        8,
        "health_station",
        -300,
        -200,
    ),
    (
        "福寿康复中心",
        "rehabilitation",
        "康复理疗八折",
        "percent",
        20,
        0,
        0,
        1,
        4,
        "shop",
        2500,
        2000,
    ),
]

OTC_DEMO = [
    "布洛芬缓释胶囊",
    "板蓝根颗粒",
    "复方甘草片",
    "对乙酰氨基酚片",
    "蒙脱石散",
    "创可贴",
    "藿香正气水",
    "感冒灵颗粒",
    "健胃消食片",
    "碘伏消毒液",
]  # noqa: E501


def _offset(origin: tuple[float, float], north_m: float, east_m: float) -> tuple[Decimal, Decimal]:
    import math

    lat = origin[0] + north_m / 111_320
    lon = origin[1] + east_m / (111_320 * math.cos(math.radians(origin[0])))
    return Decimal(f"{lat:.6f}"), Decimal(f"{lon:.6f}")


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


def _partner(
    staff: tuple[Any, Any],
    name: str,
    kind: str,
    area: Division,
    text: str,
    *,
    points: bool = False,
    approve: bool = True,
) -> Partner:
    """The partner ``name`` (its pledge ``text``), applied for by ``staff``'s first user and
    approved by the second unless ``approve`` is false; an existing one is left as it is."""
    applicant, approver = staff
    existing = Partner.objects.filter(organisation__name=name).first()
    if existing is not None:
        return existing
    partner = services.partner_apply(
        actor=applicant, area=area, kind=kind, name=name, pledge_text=text, accepts_points=points
    )
    if approve:
        partner = services.partner_approve(actor=approver, obj=partner, note="材料齐全，同意加入")
    return partner


def _centres(county: str, origin: tuple[float, float], rng: random.Random) -> None:
    """Centre points for every community of the county (around the county seat), the demo
    community's at its own place."""
    for division in Division.objects.filter(code__startswith=county, level=Level.VILLAGE):
        if division.code in (VILLAGE_A, VILLAGE_B):
            lat, lon = _offset(origin, 0, 0)
        else:
            lat, lon = _offset(origin, rng.uniform(-9000, 9000), rng.uniform(-9000, 9000))
        CommunityCentre.objects.get_or_create(
            division=division, defaults={"latitude": lat, "longitude": lon}
        )


@transaction.atomic
def load(ctx: DemoContext) -> None:
    city_staff, county_staff = _user("city_staff_a"), _user("county_staff_a")
    city_b, county_b = _user("city_staff_b"), _user("county_staff_b")
    if None in (city_staff, county_staff, city_b, county_b):
        ctx.say("爱心联盟：缺少演示账户，跳过")
        return
    rng = random.Random(ctx.seed)
    county_a = Division.objects.get(code=COUNTY_A)
    county_bd = Division.objects.get(code=COUNTY_B)
    village_a = Division.objects.get(code=VILLAGE_A)
    village_b = Division.objects.get(code=VILLAGE_B)
    _centres(COUNTY_A, CENTRE_A, rng)
    _centres(COUNTY_B, CENTRE_B, rng)
    staff_a = (city_staff, county_staff)  # who applies for a partner of 兴庆区, who approves

    # -- the 14 enterprises and their goods (120,000 yuan) --------------------------------
    store, _ = Location.objects.get_or_create(
        name="兴庆区民政局爱心物资库",
        defaults={
            "kind": LocationKind.STORE,
            "division": village_a,
            "address": "兴庆区凤凰北街爱心驿站",
            "latitude": _offset(CENTRE_A, 100, 100)[0],
            "longitude": _offset(CENTRE_A, 100, 100)[1],
        },
    )
    today = services.today()
    for index, (name, goods, value_fen) in enumerate(ENTERPRISES):
        partner = _partner(staff_a, name, PartnerKind.ENTERPRISE, county_a, f"捐赠{goods}")
        if not StockLot.objects.filter(partner=partner).exists():
            quantity = 20 + index * 5
            services.stock_receive(
                actor=county_staff,
                store=store,
                partner=partner,
                item=goods,
                quantity=quantity,
                value_fen=value_fen,
                expires_on=today + dt.timedelta(days=40 + 30 * index) if index % 3 == 0 else None,
                received_on=today - dt.timedelta(days=30),
            )

    # -- merchants with offers and shops near 安秀社区 ------------------------------------
    pharmacy = None
    for row in MERCHANTS:
        name, category, title, kind, pct, fixed, market, visit, month, shop_kind, north, east = row
        takes_points = category in ("medicine", "grain_oil", "vegetables")
        partner = _partner(
            staff_a, name, PartnerKind.MERCHANT, county_a, title, points=takes_points
        )
        if not Location.objects.filter(partner=partner).exists():
            lat, lon = _offset(CENTRE_A, north, east)
            services.location_add(
                actor=county_staff,
                partner=partner,
                name=name,
                kind=shop_kind,
                division=village_a,
                latitude=lat,
                longitude=lon,
                address=f"兴庆区{name}",
                phone="0951-6000000",
            )
        if not Offer.objects.filter(partner=partner).exists():
            services.offer_create(
                actor=county_staff,
                partner=partner,
                title=title,
                category=category,
                discount_kind=kind,
                percent_off=pct,
                fixed_price_fen=fixed,
                market_price_fen=market,
                limit_per_visit=visit,
                limit_per_month=month,
                valid_from=today - dt.timedelta(days=60),
                valid_to=today + dt.timedelta(days=300),
            )
        pharmacy = pharmacy or partner
    _partner(
        staff_a,
        "兴庆区惠民超市",
        PartnerKind.MERCHANT,
        county_a,
        "申请加入：米面油九五折",
        approve=False,
    )
    merchant_b = _partner(
        (city_b, county_b), "中宁县宁安堂药店", PartnerKind.MERCHANT, county_bd, "常用药品九折"
    )
    if not Offer.objects.filter(partner=merchant_b).exists():
        services.offer_create(
            actor=county_b,
            partner=merchant_b,
            title="常用药品九折",
            category="medicine",
            discount_kind="percent",
            percent_off=10,
            valid_from=today - dt.timedelta(days=30),
        )
        lat, lon = _offset(CENTRE_B, 200, 150)
        services.location_add(
            actor=county_b,
            partner=merchant_b,
            name="宁安堂药店刘庄店",
            kind="pharmacy",
            division=village_b,
            latitude=lat,
            longitude=lon,
            address="中宁县刘庄村",
        )
    for username, member in (("partner_a", pharmacy), ("partner_b", merchant_b)):
        user = _user(username)
        if user is not None and member is not None:
            accounts_services.assignment_grant(
                actor=None,
                user=user,
                role=Role.PARTNER,
                area=village_a if username.endswith("a") else village_b,
                organisation=member.organisation,
            )

    # -- health stations and party service stations (for boxes and the contact card) --------
    points = [
        ("安秀社区党群服务站", LocationKind.PARTY_STATION, 0, 50),
        ("凤凰北街党群服务中心", LocationKind.PARTY_STATION, 700, 300),
        ("丽景湾物业服务点", LocationKind.PROPERTY_POINT, -500, 800),
        ("安秀小区3号楼", LocationKind.BUILDING, 150, -150),
        ("安秀小区7号楼", LocationKind.BUILDING, -150, 250),
        ("民乐苑物业服务点", LocationKind.PROPERTY_POINT, 1200, -900),
    ]
    places = []
    for name, kind, north, east in points:
        lat, lon = _offset(CENTRE_A, north, east)
        place, _ = Location.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "division": village_a,
                "latitude": lat,
                "longitude": lon,
                "address": f"兴庆区{name}",
            },
        )
        places.append(place)

    # -- love cards by tier -----------------------------------------------------------------
    region_staff = _user("region_staff")
    if region_staff is not None:
        result = services.cards_issue(actor=region_staff, area_code="64")
        total = LoveCard.objects.count()
        by_tier = "，".join(f"{k}类{v}张" for k, v in result.issued.items() if v)
        ctx.say(
            f"爱心卡：本次发卡{result.total}张（{by_tier or '无新增'}），共{total}张；"
            f"种子数据为一个区3,108张，演示按演示住户中的救助家庭发卡"
        )
        ctx.extras["resources_cards"] = total
    card = (
        LoveCard.objects.filter(area_code__startswith=COUNTY_A, status="active")
        .order_by("tier", "number")
        .first()
    )
    pharmacist = _user("partner_a")
    offer = Offer.objects.filter(partner=pharmacy).first() if pharmacy else None
    if card and pharmacist and offer and not Redemption.objects.exists():
        services.card_redeem(
            actor=pharmacist,
            number=card.number,
            offer=offer,
            item="布洛芬缓释胶囊",
            market_price_fen=2580,
            price_paid_fen=2322,
        )
        ctx.extras["resources_demo_card"] = card.number

    # -- shared medicine boxes (the city's 2,183 boxes at demo scale: 12) -------------------
    for name in OTC_DEMO:
        OtcMedicine.objects.get_or_create(name=name)
    custodian = _user("community_staff_a")
    volunteer = _user("volunteer_a")
    if custodian is not None:
        for index in range(12):
            place = places[index % len(places)]
            code = f"YX640104001007{index + 1:03d}"
            if MedicineBox.objects.filter(code=code).exists():
                continue
            box = services.box_create(
                actor=custodian,
                location=place,
                code=code,
                custodian=volunteer if (volunteer and index % 3 == 0) else custodian,
            )
            for k in range(3):
                medicine = OtcMedicine.objects.get(name=OTC_DEMO[(index + k) % len(OTC_DEMO)])
                item = services.box_leave(
                    actor=custodian,
                    box=box,
                    medicine=medicine,
                    quantity=4 + k,
                    expires_on=today + dt.timedelta(days=20 + 90 * k + index * 7),
                    source="居民捐赠" if k else "民生大药房捐赠",
                )
                if index % 4 == 1:
                    services.box_take(actor=custodian, item=item, quantity=2)
    ctx.say(
        f"爱心联盟：{Partner.objects.filter(status=PartnerStatus.APPROVED).count()}家成员，"
        f"{Offer.objects.count()}项优惠，物资{StockLot.objects.count()}批，"
        f"共享药箱{MedicineBox.objects.count()}个"
    )
