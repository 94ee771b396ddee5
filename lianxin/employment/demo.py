"""Demo data of the employment app (DOMAIN.md section 7), through the services:

- 兴庆区阳光工厂: 3 workshops, 32 work types (3.5-hour days, 3,000+ yuan a month with social
  insurance), 10 partner firms, 22 employees aged 18–40 (physical, intellectual, psychiatric)
  living in 安秀社区, with their follow-ups;
- 2026年银川市就业援助月 at demo scale: 60 firms visited → 6 willing → 23 posts → 9 people
  helped → 5 employed, and the counties' returns summing to 1,696 posts and 1,366 employed;
- two intention forms filed on the public page, waiting for verification;
- accounts: the county federation's coach, the city federation, one firm's HR.

Idempotent: nothing is added when the sunshine factory exists."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from lianxin.accounts.demo import demo_grant, demo_user
from lianxin.accounts.models import User
from lianxin.areas.models import Division, Grid
from lianxin.core import idnumber
from lianxin.core.democontext import DemoContext
from lianxin.core.roles import Role
from lianxin.directory.demo import demo_org
from lianxin.directory.models import OrgKind
from lianxin.registry import services as registry_services
from lianxin.registry.models import Person

from . import services
from .models import SKILLS, Employer, EmployerKind, Route

VILLAGE = "640104001007"  # 安秀社区
COUNTY = "640104"  # 兴庆区
CITY = "6401"  # 银川市
FACTORY = "兴庆区阳光工厂"
WORKSHOPS = {
    "手工包装车间": ["礼盒包装", "茶叶分装", "枸杞分拣", "贴标", "折纸盒", "装袋封口", "纸品折叠", "质检复核", "打包", "扫码录入", "配货"],
    "手工艺车间": ["手工编织", "刺绣", "剪纸", "串珠", "手工皂", "陶艺上釉", "香囊缝制", "布艺", "滩羊毛毡", "贺兰石打磨", "书签制作"],
    "电子与烘焙车间": ["电子元件装配", "线束整理", "灯串组装", "充电线检测", "烘焙辅助", "月饼包装", "面点成型", "饼干装盒", "清洁保洁", "设备看护"],
}  # fmt: skip
PARTNERS = [
    "宁夏塞上枸杞有限公司", "银川贺兰山茶业有限公司", "宁夏滩羊毛纺织有限公司", "银川兴庆包装印刷厂",
    "宁夏西夏文创有限公司", "银川凤城电子有限公司", "宁夏黄河烘焙食品有限公司", "银川湖城灯饰有限公司",
    "宁夏六盘山工艺品有限公司", "银川鼓楼物业服务有限公司",
]  # fmt: skip
SURNAMES = "马王李张杨刘丁海白周金田吴何陈赵"
GIVEN = [
    "小军",
    "晓燕",
    "海龙",
    "春花",
    "建国",
    "丽娟",
    "志强",
    "雪梅",
    "文斌",
    "秀英",
    "国庆",
    "玉兰",
]
TYPES = [("肢体", 3), ("肢体", 4), ("智力", 3), ("精神", 3), ("肢体", 2), ("智力", 4)]
SEASON = "2026年银川市就业援助月"
RETURNS = [
    ("640104", Route.FIRM, "肢体", 420, 338),
    ("640105", Route.FIRM, "听力", 310, 251),
    ("640106", Route.SUNSHINE, "肢体", 286, 240),
    ("640106", Route.ASSISTED, "智力", 120, 96),
    ("640121", Route.PUBLIC_WELFARE, "视力", 200, 160),
    ("640122", Route.FIRM, "言语", 190, 150),
    ("640181", Route.PUBLIC_WELFARE, "精神", 170, 131),
]


def _user(username: str, display_name: str, role: str, area: Division, org: Any) -> User:
    return demo_grant(demo_user(username, display_name), role, area, org=org)


def _id(birth: dt.date, seq: int) -> str:
    body = f"{COUNTY}{birth:%Y%m%d}{seq % 1000:03d}"
    return body + idnumber.check_digit(body)


class _People:
    """Disabled residents of 安秀社区 registered in the registry (system actor)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.village = Division.objects.get(code=VILLAGE)
        self.grid = Grid.objects.filter(division=self.village).order_by("name").first()
        self.seq = 700

    def make(self, age: int, dtype: str, grade: int) -> Any:
        today = timezone.localdate()
        name = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)
        for _ in range(20):  # a synthetic resident of the registry demo may hold the number
            self.seq += 1
            birth = dt.date(today.year - age, 1 + self.seq % 12, 1 + self.seq % 27)
            number = _id(birth, self.seq)
            if not Person.objects.filter(id_hash=idnumber.search_hash(number)).exists():
                break
        household = registry_services.household_register(
            actor=None,
            division=self.village,
            grid=self.grid,
            members=[
                registry_services.MemberInput(name=name, id_number=number, relationship="户主")
            ],
            address=f"安秀社区就业示范楼{self.seq}号",
        )
        person = household.head
        assert person is not None  # the one member registered is the head
        registry_services.disability_set(
            actor=None, person=person, disability_type=dtype, grade=grade
        )
        return person


def load(ctx: DemoContext) -> None:
    if not Division.objects.filter(code=VILLAGE).exists():
        ctx.say("残疾人就业：未找到安秀社区，跳过")
        return
    if Employer.objects.filter(organisation__name=FACTORY).exists():
        ctx.say("残疾人就业：演示数据已存在")
        return
    rng = random.Random(ctx.seed + 19)
    county = Division.objects.get(code=COUNTY)
    city = Division.objects.get(code=CITY)
    dpf = demo_org(
        f"{COUNTY}-disabled_federation",
        "兴庆区残疾人联合会",
        county,
        kind=OrgKind.FEDERATION,
        dept_type="disabled_federation",
    )
    city_dpf = demo_org(
        f"{CITY}-disabled_federation",
        "银川市残疾人联合会",
        city,
        kind=OrgKind.FEDERATION,
        dept_type="disabled_federation",
    )
    coach = _user("jy_coach", "兴庆区残联就业指导老师", Role.COUNTY_STAFF, county, dpf)
    city_staff = _user("jy_city", "银川市残联就业科", Role.CITY_STAFF, city, city_dpf)
    people = _People(rng)
    today = timezone.localdate()

    # --- the sunshine factory -----------------------------------------------------------------
    factory = services.employer_register(
        actor=coach, name=FACTORY, kind=EmployerKind.SUNSHINE_FACTORY, area=county,
        industry="残疾人集中就业", staff_count=40, disabled_staff_count=0,
        address="兴庆区丽景街阳光路8号",
    )  # fmt: skip
    work_types = []
    for workshop_name, types in WORKSHOPS.items():
        workshop = services.workshop_add(actor=coach, employer=factory, name=workshop_name)
        for title in types:
            skills = [s for s in SKILLS if s[:2] in title or title[:2] in s][:2]
            work_types.append(
                services.post_create(
                    actor=coach,
                    employer=factory,
                    workshop=workshop,
                    data={
                        "title": title,
                        "route": Route.SUNSHINE,
                        "skills": skills,
                        "headcount": 3,
                        "monthly_pay_fen": 300_000 + 10_000 * rng.randint(0, 4),
                        "daily_minutes": 210,
                        "days_per_week": 5,
                        "social_insurance": True,
                        "accessible": True,
                        "accessibility_notes": "无障碍通道、低位工作台",
                        "suitable_types": ["肢体", "智力", "精神", "听力", "言语"],
                        "suitable_grades": [2, 3, 4],
                        "requirements": "经就业指导老师评估，在辅导员带领下上岗",
                    },
                )  # fmt: skip
            )
    for name in PARTNERS:
        services.employer_register(
            actor=coach, name=name, kind=EmployerKind.FIRM, area=county, industry="合作企业",
            staff_count=rng.randint(60, 400), partner_factory=factory,
        )  # fmt: skip
    for i in range(22):
        dtype, grade = TYPES[i % len(TYPES)]
        person = people.make(18 + (i * 7) % 23, dtype, grade)
        seeker = services.seeker_register(
            actor=coach, person=person, source="federation",
            intention={
                "preferred_posts": work_types[i].title, "expected_pay_fen": 300_000,
                "skills": list(work_types[i].skills), "max_daily_minutes": 210,
                "work_places": "兴庆区", "max_commute_km": 8, "needs_accessible": dtype == "肢体",
                "accommodations": "", "share": ["age", "disability", "skills"],
            },
        )  # fmt: skip
        services.assessment_record(
            actor=coach, seeker=seeker, assessed_on=today - dt.timedelta(days=400 - i),
            abilities="能在辅导员带领下完成流水线手工", support_needed="固定岗位、每日3.5小时",
            recommended_route=Route.SUNSHINE, summary="适合阳光工厂集中就业",
        )  # fmt: skip
        started = today - dt.timedelta(days=30 + i * 17)
        post = work_types[i]
        placement = services.placement_create(
            actor=coach, seeker=seeker, route=Route.SUNSHINE, employer=factory, post=post,
            started_on=started, monthly_pay_fen=post.monthly_pay_fen, daily_minutes=210,
            social_insurance=True, work_type=post.title,
        )  # fmt: skip
        for month in (1, 3, 6, 12):
            due = services.followup_due_on(placement, month)
            if due > today - dt.timedelta(days=3) or i % 5 == 0 and month > 1:
                break
            services.followup_record(
                actor=coach, placement=placement, month=month, visited_on=due,
                still_employed=True, monthly_pay_fen=post.monthly_pay_fen,
                support="辅导员每日带班" if month == 1 else "",
            )  # fmt: skip

    # --- the season ---------------------------------------------------------------------------
    season = services.season_create(
        actor=city_staff, name=SEASON, area=city, starts_on=today - dt.timedelta(days=75),
        ends_on=today - dt.timedelta(days=15), notes="春风行动暨就业援助月",
    )  # fmt: skip
    firms = list(Employer.objects.filter(partner_factory=factory).order_by("pk"))
    for n in range(50):
        firms.append(
            services.employer_register(
                actor=coach,
                name=f"银川援助月走访企业{n + 1:02d}号",
                kind=EmployerKind.FIRM,
                area=county,
                staff_count=rng.randint(30, 900),
            )  # fmt: skip
        )
    for i, firm in enumerate(firms[:60]):
        services.outreach_record(
            actor=coach, employer=firm, season=season,
            visited_on=season.starts_on + dt.timedelta(days=i % 40), willing=i < 6,
            notes="有用工意愿，可提供适合残疾人的岗位" if i < 6 else "暂无适合岗位，保持联系",
        )  # fmt: skip
    posts = []
    for firm, headcount, title in zip(
        firms[:6], [5, 4, 4, 4, 3, 3], ["分拣员", "包装工", "客服接线员", "保洁员", "收银员", "数据录入员"],
        strict=True,
    ):  # fmt: skip
        plan = services.plan_declare(
            actor=coach, employer=firm, season=season, planned_headcount=headcount,
            benefits="五险一金，工作餐",
        )  # fmt: skip
        posts.append(
            services.post_create(
                actor=coach,
                employer=firm,
                season=season,
                plan=plan,
                data={
                    "title": title,
                    "route": Route.FIRM,
                    "skills": [],
                    "headcount": headcount,
                    "monthly_pay_fen": 280_000 + 20_000 * (headcount % 3),
                    "daily_minutes": 360,
                    "days_per_week": 5,
                    "social_insurance": True,
                    "accessible": headcount != 3,
                    "suitable_types": ["肢体", "听力", "言语"],
                    "suitable_grades": [3, 4],
                },
            )  # fmt: skip
        )
    for i in range(9):
        person = people.make(22 + i * 2, ["肢体", "听力", "言语"][i % 3], 3 + i % 2)
        seeker = services.seeker_register(
            actor=coach, person=person, source="community" if i % 2 else "federation",
            intention={
                "preferred_posts": posts[i % 6].title, "expected_pay_fen": 260_000,
                "skills": ["电脑操作"] if i % 3 == 1 else ["包装"], "max_daily_minutes": 420,
                "work_places": "兴庆区、金凤区", "max_commute_km": 12, "needs_accessible": False,
                "accommodations": "需要手语沟通" if i % 3 == 1 else "",
                "share": ["name", "age", "skills"] if i % 2 else ["skills"],
            },
        )  # fmt: skip
        match = services.match_propose(actor=coach, seeker=seeker, post=posts[i % 6], season=season)
        if i < 5:
            services.match_answer(actor=coach, obj=match, name="seeker_accept")
            services.match_answer(actor=coach, obj=match, name="employer_confirm")
            services.match_place(
                actor=coach, obj=match, started_on=season.starts_on + dt.timedelta(days=30 + i),
                monthly_pay_fen=posts[i % 6].monthly_pay_fen, daily_minutes=360,
                social_insurance=True,
            )  # fmt: skip
        elif i == 5:
            services.match_decline(actor=coach, obj=match, reason="通勤时间过长", side="seeker")
        elif i == 6:
            services.match_decline(actor=coach, obj=match, reason="岗位需要夜班", side="employer")
    for county_code, route, dtype, developed, employed in RETURNS:
        services.season_return_save(
            actor=city_staff, season=season, county=Division.objects.get(code=county_code),
            route=route, disability_type=dtype, posts_developed=developed,
            newly_employed=employed,
        )  # fmt: skip

    # --- public forms waiting for verification; the firm's HR account ---------------------------
    for i in range(2):
        person = people.make(25 + i, "肢体", 4)
        services.seeker_submit_public(
            actor=None, name=person.name, id_number=person.id_number,
            phone_number=f"1390951{7000 + i:04d}", division_name="安秀社区",
            intention={
                "preferred_posts": "电脑录入", "expected_pay_fen": 250_000, "skills": ["电脑操作"],
                "max_daily_minutes": 300, "max_commute_km": 5, "share": ["age", "skills"],
            },
        )  # fmt: skip
    firm_user = _user(
        "jy_firm", f"{firms[0].name}人事", Role.EMPLOYER, county, firms[0].organisation
    )
    for user, role, label, area in (
        (coach, Role.COUNTY_STAFF, "残联就业指导老师", county),
        (city_staff, Role.CITY_STAFF, "市残联就业科", city),
        (firm_user, Role.EMPLOYER, "用人单位人事", county),
    ):
        ctx.add_account(
            role=role, role_label=label, username=user.username,
            area_code=area.code, area_name=area.name,
        )  # fmt: skip
    ctx.say(
        f"残疾人就业：阳光工厂 {len(work_types)} 个工种、10 家合作企业、22 名员工；"
        f"{SEASON}：走访60家 → 有意愿6家 → 岗位23个 → 帮扶9人 → 就业5人"
    )
