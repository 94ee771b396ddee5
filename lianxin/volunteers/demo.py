"""Demo data of neighbourhood help (idempotent, Chinese), reproducing the seed figures of DOMAIN.md
section 6: one community with 32 wishes claimed and 16 firms giving 50,000 yuan to 22 children;
a welfare home listing 46 wishes; 23 wishes of a street fulfilled with three partners; warm
delivery teams per building with the four ones; deliveries by kind (15,517 medicine deliveries,
14,440 purchases on behalf, 9,249 times of company and counselling, from the paper ledgers);
volunteer_a with teams, tasks, hours and points; partner_a for a love-alliance firm."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from lianxin.accounts.models import Assignment, User
from lianxin.areas.models import Building, Division
from lianxin.core.democontext import DemoContext
from lianxin.core.roles import Role
from lianxin.directory.demo import demo_org
from lianxin.directory.models import Organisation, OrgKind
from lianxin.registry.models import Person

from . import services
from .models import (
    DeliveryTally,
    KeyPersonCare,
    ServiceTask,
    Team,
    TeamKind,
    TeamMembership,
    VolunteerProfile,
    Wish,
    WishClaim,
    WishStatus,
)

ANXIU = "640104001007"
JINJIAXIANG = "640106002001"
JINGMINLU = "640402002006"
FIRMS = [
    "宁夏塞上爱心商贸有限公司",
    "银川市兴庆区惠民超市",
    "宁夏六盘山药业连锁",
    "银川新华百货爱心基金",
    "宁夏枸杞产业集团",
    "银川市凤凰物业服务有限公司",
    "宁夏回族自治区邮政分公司",
    "银川市民生粮油公司",
    "宁夏银行兴庆支行",
    "宁夏西夏啤酒有限公司",
    "银川市惠农家政服务中心",
    "宁夏建工集团",
    "中国移动银川分公司",
    "宁夏电力兴庆供电公司",
    "银川市阅海书店",
    "宁夏伊品生物科技",
]
STREET_PARTNERS = ["金凤区慈善总会", "宁夏爱心联盟商会", "银川市青年企业家协会"]
CHILD_WISHES = [
    ("书包和文具一套", "study", 15000),
    ("冬季羽绒服", "clothing", 28000),
    ("台灯", "study", 12000),
    ("课外读物十本", "study", 9000),
    ("运动鞋", "clothing", 16000),
]
HOME_WISHES = [
    ("绘本", "study", 6000),
    ("保温杯", "daily", 4000),
    ("毛绒玩具", "daily", 5000),
    ("棉被", "clothing", 20000),
]
STREET_WISHES = [
    ("助行器", "health", 30000),
    ("电暖器", "appliance", 25000),
    ("米面油一份", "food", 15000),
    ("棉鞋", "clothing", 12000),
]
MERCHANTS = [("安秀爱心药店", "药"), ("兴庆民生粮油店", "粮"), ("安秀社区卫生服务站", "卫生")]


def _org(
    code: str, name: str, area: Division, kind: str = OrgKind.ENTERPRISE, phone: str = ""
) -> Organisation:
    return demo_org(code, name, area, kind=kind, contact_phone=phone, address=area.short_name)


def _staff(village: Division) -> User:
    a = (
        Assignment.objects.filter(role=Role.COMMUNITY_STAFF, area=village, is_active=True)
        .select_related("user")
        .first()
    )
    if a is not None:
        return a.user
    user, _ = User.objects.get_or_create(
        username=f"vol_community_{village.code}",
        defaults={"display_name": f"{village.short_name}社区专干"},
    )
    Assignment.objects.get_or_create(user=user, role=Role.COMMUNITY_STAFF, area=village)
    return user


def _grid_worker(village: Division) -> User | None:
    a = (
        Assignment.objects.filter(role=Role.GRID_WORKER, area=village, is_active=True)
        .select_related("user")
        .first()
    )
    return a.user if a else None


def _wish_rows(
    *,
    village: Division,
    actor: User,
    specs: list[tuple[str, str, int]],
    count: int,
    status: str,
    prefix: str,
    rng: random.Random,
    firms: Sequence[Organisation] = (),
    persons: list[Person] | None = None,
    institution: str = "",
    public_kind: str = "",
    values: list[int] | None = None,
) -> int:
    """Wishes in their final state, written in bulk (the demo's history, not a live workflow)."""
    if Wish.objects.filter(number__startswith=prefix).exists():
        return 0
    now = timezone.now()
    made = 0
    for i in range(count):
        title, category, fen = specs[i % len(specs)]
        person = persons[i % len(persons)] if persons else None
        line = (
            services.public_line_for(person=person, public_kind=public_kind)
            if person
            else f"{institution}，{public_kind}"
        )
        claimed = status in (WishStatus.CLAIMED, WishStatus.DELIVERED, WishStatus.CONFIRMED)
        firm = firms[i % len(firms)] if claimed and firms else None
        published = now - dt.timedelta(days=60 - i % 50, hours=i)
        claimed_at = published + dt.timedelta(days=2)
        claim_due = published + dt.timedelta(days=16)
        value = values[i] if values else fen
        wish = Wish.objects.create(
            number=f"{prefix}{i + 1:03d}",
            title=title,
            category=category,
            public_line=line[:60],
            estimate_fen=fen,
            source="institution" if institution else "visit",
            person=person,
            institution=institution,
            division=village,
            grid=person.grid if person else None,
            status=status,
            published_at=published,
            claimant_org=firm,
            claimant_user=actor if claimed else None,
            claimed_at=claimed_at if claimed else None,
            claim_due=claim_due if claimed else None,
            delivered_at=published + dt.timedelta(days=6)
            if status == WishStatus.CONFIRMED
            else None,
            value_fen=value if status == WishStatus.CONFIRMED else None,
            confirmed_at=published + dt.timedelta(days=7)
            if status == WishStatus.CONFIRMED
            else None,
            confirmed_by="grid_worker" if status == WishStatus.CONFIRMED else "",
            receipt_code_hash=services._receipt_hash(f"{rng.randrange(10**6):06d}"),
            created_by=actor,
        )
        if claimed:
            WishClaim.objects.create(
                wish=wish,
                claimant_org=firm,
                claimant_user=actor,
                claimed_at=claimed_at,
                due_at=claim_due,
                outcome="delivered" if status == WishStatus.CONFIRMED else "active",
                created_by=actor,
            )
        made += 1
    return made


def _children(village: Division, n: int) -> list[Person]:
    today = timezone.localdate()
    kids = list(
        Person.objects.filter(
            division=village, birth_date__gt=today.replace(year=today.year - 16)
        ).order_by("id")[:n]
    )
    others = Person.objects.filter(division=village).exclude(pk__in=[k.pk for k in kids])
    return kids + list(others.order_by("id")[: n - len(kids)])


@transaction.atomic
def load(ctx: DemoContext) -> None:
    rng = random.Random(ctx.seed)
    anxiu = Division.objects.filter(code=ANXIU).first()
    if anxiu is None:
        ctx.say("志愿服务：未找到安秀社区，跳过")
        return
    community = _staff(anxiu)
    firms = [_org(f"LOVE-{i:02d}", name, anxiu.above(3)) for i, name in enumerate(FIRMS)]
    # one community: 32 wishes claimed and fulfilled by 16 firms, 50,000 yuan, 22 children
    kids = _children(anxiu, 22)
    values = [156_200] * 31 + [50_000_00 - 156_200 * 31]
    made = _wish_rows(
        village=anxiu,
        actor=community,
        specs=CHILD_WISHES,
        count=32,
        status=WishStatus.CONFIRMED,
        firms=firms,
        persons=kids,
        prefix="XYDEMO-AX",
        public_kind="困境儿童",
        rng=rng,
        values=values,
    )
    # and a few on the wall today
    made += _wish_rows(
        village=anxiu,
        actor=community,
        specs=[("加厚棉背心一件", "clothing", 8000), ("棉鞋", "clothing", 6000)],
        count=6,
        status=WishStatus.PUBLISHED,
        persons=list(Person.objects.filter(division=anxiu).order_by("-id")[:6]),
        prefix="XYDEMO-WALL",
        rng=rng,
    )
    home_village = Division.objects.filter(code=JINGMINLU).first() or anxiu
    made += _wish_rows(
        village=home_village,
        actor=_staff(home_village),
        specs=HOME_WISHES,
        count=46,
        status=WishStatus.PUBLISHED,
        institution="固原市儿童福利院",
        prefix="XYDEMO-FLY",
        public_kind="福利院儿童",
        rng=rng,
    )
    street_village = Division.objects.filter(code=JINJIAXIANG).first() or anxiu
    partners = [
        _org(f"LOVE-JF-{i}", name, street_village.above(), kind=OrgKind.SOCIAL_ORGANISATION)
        for i, name in enumerate(STREET_PARTNERS)
    ]
    made += _wish_rows(
        village=street_village,
        actor=_staff(street_village),
        specs=STREET_WISHES,
        count=23,
        status=WishStatus.CONFIRMED,
        firms=partners,
        persons=list(Person.objects.filter(division=street_village).order_by("id")[:23]),
        prefix="XYDEMO-JF",
        public_kind="困难群众",
        rng=rng,
    )
    ctx.say(f"微心愿：新增 {made} 个（安秀社区32个已认领、福利院46个、街道23个已完成）")

    # partner_a works for the first firm
    partner = User.objects.filter(username="partner_a").first()
    if partner is not None:
        Assignment.objects.get_or_create(
            user=partner, role=Role.PARTNER, area=anxiu, organisation=firms[0]
        )
    for name, _word in MERCHANTS:
        _org(f"MERCHANT-{name}", name, anxiu, kind=OrgKind.MERCHANT, phone="0951-6012345")

    # teams by specialty and warm-delivery teams per building
    specialty = [
        (
            "宁夏医科大学医学生志愿服务队",
            TeamKind.PROFESSIONAL,
            "为老人测血压、健康咨询",
            ["health_check", "medicine", "escort"],
        ),
        (
            "安秀社区志愿服务队",
            TeamKind.VOLUNTEER,
            "代购代办、送药上门",
            ["medicine", "shopping", "wish_delivery"],
        ),
        ("安秀邻里互助队", TeamKind.MUTUAL_AID, "陪伴聊天、心理疏导", ["company", "counselling"]),
    ]
    teams = []
    for name, kind, spec, kinds in specialty:
        team = Team.objects.filter(name=name, division=anxiu).first() or services.team_create(
            actor=community, name=name, kind=kind, division=anxiu, specialty=spec, task_kinds=kinds
        )
        teams.append(team)
    warm = []
    buildings = list(
        Building.objects.filter(grid__division=anxiu)
        .select_related("grid")
        .order_by("grid__name", "name")
    )
    for building in buildings:
        name = f"{building.grid.name}{building.name}暖心配送小分队"
        team = Team.objects.filter(name=name).first() or services.team_create(
            actor=community,
            name=name,
            kind=TeamKind.WARM_DELIVERY,
            division=anxiu,
            grid=building.grid,
            building=building,
            service_phone="0951-6029110",
            task_kinds=["medicine", "shopping", "company"],
        )
        warm.append(team)
    # a team per grid holds the key persons not yet placed in a building
    for grid in sorted({b.grid for b in buildings}, key=lambda g: g.name):
        name = f"{grid.name}暖心配送小分队"
        team = Team.objects.filter(name=name).first() or services.team_create(
            actor=community,
            name=name,
            kind=TeamKind.WARM_DELIVERY,
            division=anxiu,
            grid=grid,
            service_phone="0951-6029110",
            task_kinds=["medicine", "shopping", "company"],
        )
        warm.append(team)
    # volunteers: volunteer_a and eleven neighbours
    vol_user = User.objects.filter(username="volunteer_a").first()
    profiles = []
    for i in range(12):
        user = vol_user if i == 0 else None
        existing = (
            VolunteerProfile.objects.filter(user=user).first()
            if user
            else VolunteerProfile.objects.filter(name=f"志愿者{i:02d}", division=anxiu).first()
        )
        profiles.append(
            existing
            or services.volunteer_register(
                actor=community,
                name="安秀志愿者" if i == 0 else f"志愿者{i:02d}",
                division=anxiu,
                user=user,
                national_number=f"64010420{i:08d}" if i % 2 == 0 else "",
                skills=["测血压", "驾驶", "心理咨询", "家电维修"][i % 4],
                availability="周末全天" if i % 2 else "工作日晚上",
            )
        )
    for team_index, team in enumerate(teams + warm):
        for k in range(3):
            p = profiles[(team_index + k) % len(profiles)]
            if not TeamMembership.objects.filter(team=team, volunteer=p).exists():
                services.team_add_member(actor=community, team=team, volunteer=p, is_leader=k == 0)
    if teams and not TeamMembership.objects.filter(team=teams[1], volunteer=profiles[0]).exists():
        services.team_add_member(actor=community, team=teams[1], volunteer=profiles[0])
    # the key-person roster of each building's team, from the registry's tags
    added = sum(services.roster_sync(actor=community, team=t) for t in warm)
    gw = _grid_worker(anxiu)
    if gw is not None:
        for care in KeyPersonCare.objects.filter(division=anxiu, leaflet_on__isnull=True)[:40]:
            if care.grid_id in {a.grid_id for a in gw.assignments.all()}:
                services.fourones_record(actor=gw, care=care, item="leaflet", on=care.roster_on)
    ctx.say(f"暖心配送：小分队 {len(warm)} 支，重点人员新增 {added} 人")
    # tasks: open ones for volunteer_a's team, one confirmed with its ledgers
    elders = list(Person.objects.filter(division=anxiu).order_by("id")[:3])
    if elders and not ServiceTask.objects.filter(division=anxiu).exists():
        for person, (task_kind, title) in zip(
            elders,
            [("medicine", "送降压药"), ("shopping", "代购米面油"), ("company", "陪伴聊天一小时")],
            strict=False,
        ):
            services.task_create(
                actor=community,
                kind=task_kind,
                title=title,
                team=teams[1],
                person=person,
                meeting_point="安秀社区党群服务中心",
            )
        if vol_user is not None and gw is not None:
            task = ServiceTask.objects.filter(division=anxiu, kind="medicine").earliest("pk")
            services.task_take(actor=vol_user, obj=task)
            services.task_check_in(actor=vol_user, obj=ServiceTask.objects.get(pk=task.pk))
            ServiceTask.objects.filter(pk=task.pk).update(
                checked_in_at=timezone.now() - dt.timedelta(minutes=75)
            )
            services.task_check_out(
                actor=vol_user,
                obj=ServiceTask.objects.get(pk=task.pk),
                note="药已送到，老人血压正常",
            )
            task = ServiceTask.objects.get(pk=task.pk)
            if task.grid_id in {a.grid_id for a in gw.assignments.all()}:
                services.task_confirm(actor=gw, obj=task)
            else:
                services.task_confirm(actor=community, obj=task)
    # deliveries from the city's paper ledgers, spread over the building teams
    if warm and not DeliveryTally.objects.filter(imported__gt=0).exists():
        month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
        for tally_kind, total in (
            ("medicine", 15_517),
            ("shopping", 14_440),
            ("company", 6_000),
            ("counselling", 3_249),
        ):
            share, rest = divmod(total, len(warm))
            for i, team in enumerate(warm):
                services.tally_import(
                    actor=community,
                    team=team,
                    kind=tally_kind,
                    month=month,
                    count=share + (1 if i < rest else 0),
                )
