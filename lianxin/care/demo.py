"""Demo data of the care app: the batches 第一批 and 第二批, the real cases of DOMAIN.md section 2
and Du Lin's case of section 3 on the registry demo's fixed household numbers, and synthetic
cases over the registry's synthetic households so that batch progress looks like the region's
(84 households, 279 persons, 580 measures, 448 implemented). Every case goes through the
services, by staff of its own area. Idempotent: a household that already has a case is left
alone."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from lianxin.accounts.demo import demo_grant, demo_user
from lianxin.accounts.models import User
from lianxin.areas.models import Division, Grid, Level
from lianxin.core.democontext import DemoContext
from lianxin.core.roles import Role
from lianxin.directory.demo import demo_org
from lianxin.directory.models import Organisation, OrgKind
from lianxin.registry.models import Household

from . import services
from .models import RECOGNITION_CRITERIA, Batch, CareCase, Measure, Stage

ALL = dict.fromkeys(RECOGNITION_CRITERIA, True)
LEVEL_ROLE: dict[str, str] = {
    Level.PROVINCE: Role.REGION_STAFF,
    Level.CITY: Role.CITY_STAFF,
    Level.COUNTY: Role.COUNTY_STAFF,
    Level.TOWNSHIP: Role.TOWNSHIP_STAFF,
    Level.VILLAGE: Role.COMMUNITY_STAFF,
}


# --- people and units of a place --------------------------------------------------------------


@dataclass
class Cast:
    village: Division
    users: dict[str, User] = field(default_factory=dict)
    unit_staff: dict[int, User] = field(default_factory=dict)

    @property
    def township(self) -> Division:
        return self.village.above()

    @property
    def county(self) -> Division:
        return self.village.above(2)

    def unit(self, dept_type: str) -> Organisation:
        """The unit of ``dept_type`` nearest to the village: county, city, then region."""
        for area in (self.county, self.county.above(), Division.objects.get(code="64")):
            org = Organisation.objects.filter(code=f"{area.code}-{dept_type}").first()
            if org is not None:
                return org
        return demo_org(
            f"{self.county.code}-{dept_type}",
            f"{self.county.short_name}{dept_type}",
            self.county,
            dept_type=dept_type,
            handling_unit=False,
        )

    def township_office(self) -> Organisation:
        return Organisation.objects.filter(
            code=f"{self.township.code}-township_government"
        ).first() or demo_org(
            f"{self.township.code}-township_government",
            f"{self.township.short_name}人民政府",
            self.township,
            dept_type="township_government",
            handling_unit=False,
        )

    def committee(self) -> Organisation:
        return demo_org(
            f"{self.village.code}-committee",
            f"{self.village.short_name}",
            self.village,
            kind=OrgKind.COMMUNITY,
        )

    def staff_of(self, org: Organisation) -> User:
        """A user working for ``org`` (county/city/region staff with that organisation)."""
        if org.pk not in self.unit_staff:
            area = Division.objects.get(code=org.area_code)
            role = (
                Role.UNIT_STAFF
                if org.kind == OrgKind.ENTERPRISE
                else LEVEL_ROLE.get(area.level, Role.COUNTY_STAFF)
            )
            if org.kind == OrgKind.COMMUNITY:
                return self.users["grid_worker"]
            user = demo_user(f"care_{org.code}", f"{org.name}干部")
            self.unit_staff[org.pk] = demo_grant(user, role, area, org=org)
        return self.unit_staff[org.pk]


_CASTS: dict[str, Cast] = {}
DEMO_SITES = {"640104001007": "a", "640521103208": "b"}


def cast_for(village: Division, grid: Grid | None) -> Cast:
    cast = _CASTS.get(village.code)
    if cast is None:
        cast = Cast(village)
        site = DEMO_SITES.get(village.code)
        township_office = cast.township_office()
        if site:
            existing = {
                "community": User.objects.filter(username=f"community_staff_{site}").first(),
                "township": User.objects.filter(username=f"township_staff_{site}").first(),
                "leader": User.objects.filter(username=f"leader_{site}").first(),
            }
        else:
            existing = {}
        cast.users["community"] = existing.get("community") or demo_grant(
            demo_user(f"care_community_{village.code}", f"{village.short_name}社区专干"),
            Role.COMMUNITY_STAFF,
            village,
        )
        cast.users["township"] = existing.get("township") or demo_grant(
            demo_user(f"care_township_{village.code}", f"{cast.township.short_name}干部"),
            Role.TOWNSHIP_STAFF,
            cast.township,
            org=township_office,
        )
        cast.users["township2"] = demo_grant(
            demo_user(
                f"care_township2_{cast.township.code}", f"{cast.township.short_name}验收干部"
            ),
            Role.TOWNSHIP_STAFF,
            cast.township,
            org=township_office,
        )
        cast.users["leader"] = existing.get("leader") or demo_grant(
            demo_user(f"care_leader_{cast.county.code}", f"{cast.county.short_name}包抓领导"),
            Role.LEADER,
            cast.county,
        )
        _CASTS[village.code] = cast
    if grid is not None:
        worker = User.objects.filter(
            assignments__role=Role.GRID_WORKER, assignments__grid=grid, assignments__is_active=True
        ).first() or demo_grant(
            demo_user(f"care_grid_{grid.pk}", f"{grid}网格员"), Role.GRID_WORKER, village, grid=grid
        )
        cast.users["grid_worker"] = worker
    else:
        cast.users["grid_worker"] = cast.users["community"]
    return cast


# --- the cases --------------------------------------------------------------------------------


# An organisation of a case: a dept_type (that unit nearest the village, Cast.unit) or a function
# of the cast (Cast.committee, Cast.township_office, a named partner).
OrgOf = str | Callable[[Cast], Organisation]


@dataclass
class MeasureSpec:
    action: str
    title: str
    unit: OrgOf
    deadline: dt.date
    budget_fen: int | None = None
    paired: OrgOf | None = None
    implemented: str = ""  # evidence; empty: still open
    delivery: tuple[str, str, str] | None = None


@dataclass
class CaseSpec:
    number: str
    batch: int
    source: str
    description: str
    investigation: dict[str, Any]
    goal: str
    paired: OrgOf
    measures: list[MeasureSpec]
    followup: str = ""
    close: str = ""  # outcome of the evaluation that closes the case
    applicant: str = ""


def _region_office(_: Cast) -> Organisation:
    return demo_org("64-general_office", "自治区人民政府办公厅", Division.objects.get(code="64"))


def _volunteer_federation(_: Cast) -> Organisation:
    return demo_org(
        "64-volunteer_federation",
        "宁夏志愿服务联合会",
        Division.objects.get(code="64"),
        kind=OrgKind.SOCIAL_ORGANISATION,
    )


def _partner(c: Cast) -> Organisation:
    return demo_org(
        f"{c.county.code}-care-partner",
        "宁夏沙坡头新能源有限公司（爱心企业）",
        c.county,
        kind=OrgKind.ENTERPRISE,
    )


# fmt: off
REAL_CASES = [
    CaseSpec(
        "640104001007-001", 1, "grid_visit", "父亲病故、母亲离家，13岁男孩由年过七旬的祖父母抚养，已辍学在家",
        {
            "visited_on": dt.date(2025, 3, 4), "residents": "祖父（73岁）、祖母（71岁）、孙子（13岁）", "resident_count": 3,
            "monthly_income_fen": 180_000, "monthly_expenses_fen": 210_000, "income_notes": "祖父母养老金",
            "housing": "own_safe",
            "health_notes": "祖父母年老体弱，患慢性病",
            "has_school_age_child": True,
            "child_out_of_school": True,
            "schooling_notes": "辍学在家，喜欢武术",
            "elderly_alone": True,
            "care_notes": "仅由70岁以上祖父母照料",
            "heating": "adequate", "needs": "复学、学习用品、课余陪伴",
        },
        "孩子复学、健康成长，祖孙生活有保障", "education",
        [
            MeasureSpec("children", "网格员带孩子参加社区活动", Cast.committee, dt.date(2025, 4, 30), implemented="每周参加社区四点半课堂和周末活动"),
            MeasureSpec("education", "凤凰北街与兴庆区教育局协调进入武术学校就读，每学期减免学费2000元", "education", dt.date(2025, 4, 1), budget_fen=200_000, implemented="武术学校学费减免协议：每学期减免2000元"),
            MeasureSpec("education", "自治区政府办公厅和志愿服务联合会送去学习用品", _region_office, dt.date(2025, 4, 15), paired=_volunteer_federation, implemented="书包、文具、校服已送到家中"),
        ],
        followup="孩子已到武术学校报到，适应良好",
        close="孩子在校表现良好，祖孙生活稳定",
    ),
    CaseSpec(
        "640521103208-001", 1, "grid_visit", "肢体残疾妇女，无稳定收入",
        {
            "visited_on": dt.date(2025, 4, 8), "residents": "本人", "resident_count": 1,
            "monthly_income_fen": 30_000, "housing": "own_safe",
            "health_notes": "肢体残疾二级",
            "has_disabled_member": True,
            "disability_notes": "肢体残疾二级，可从事轻体力劳动",
            "heating": "adequate", "needs": "生活救助、就业",
        },
        "解决临时困难，稳定就业增收", "human_resources",
        [
            MeasureSpec("basic_living", "发放临时救助金4140元", "civil_affairs", dt.date(2025, 5, 15), budget_fen=414_000, implemented="临时救助4140元已发放"),
            MeasureSpec("employment", "安排公益性岗位", "human_resources", dt.date(2025, 6, 1), implemented="已上岗村保洁公益性岗位"),
        ],
        followup="已上岗，收入稳定",
    ),
    CaseSpec(
        "640502108214-001", 1, "data_comparison", "老两口冬季无力购买燃煤，家中无取暖",
        {
            "visited_on": dt.date(2024, 12, 3), "residents": "老两口", "resident_count": 2,
            "monthly_income_fen": 150_000, "housing": "own_safe",
            "health_notes": "年老体弱",
            "elderly_alone": True,
            "care_notes": "子女在外务工",
            "heating": "none", "needs": "冬季取暖",
        },
        "温暖过冬", _partner,
        [
            MeasureSpec("heating", "煤改电取暖设备，由爱心企业免费安装", Cast.township_office, dt.date(2024, 12, 20), budget_fen=0, paired=_partner, implemented="电暖设备已安装调试"),
        ],
        followup="室温达到18度",
    ),
    CaseSpec(
        "640221100001-001", 1, "grid_visit", "视力残疾一级，独自生活，家中设施不便",
        {
            "visited_on": dt.date(2025, 5, 6), "residents": "本人", "resident_count": 1,
            "monthly_income_fen": 90_000, "housing": "own_safe",
            "housing_notes": "厨房、卫生间存在安全隐患",
            "health_notes": "双目失明",
            "has_disabled_member": True,
            "disability_notes": "视力残疾一级",
            "heating": "adequate", "needs": "无障碍改造",
        },
        "居家生活安全便利", "disabled_federation",
        [MeasureSpec("disabled", title, "disabled_federation", dt.date(2025, 7, 1), implemented=f"{title}已完成") for title in ("改造厨房灶台", "安装推拉门", "卫生间安装扶手", "配发语音电饭煲")],
        followup="改造完成，本人能独立做饭",
    ),
    CaseSpec(
        "640402002006-001", 1, "grid_visit", "妻子智力残疾，女儿无人抚养，租住危房",
        {
            "visited_on": dt.date(2025, 4, 15), "residents": "父亲、母亲（智力残疾）、女儿", "resident_count": 3,
            "monthly_income_fen": 120_000, "housing": "dangerous",
            "health_notes": "父亲身体较差",
            "has_disabled_member": True,
            "disability_notes": "母亲智力残疾二级",
            "has_school_age_child": True,
            "schooling_notes": "女儿就读小学",
            "child_without_carer": True,
            "care_notes": "女儿事实无人抚养",
            "heating": "adequate", "needs": "儿童保障、住房",
        },
        "孩子有人抚养、全家住房安全", "civil_affairs",
        [
            MeasureSpec("children", "认定为事实无人抚养儿童，每月发放基本生活费1200元", "civil_affairs", dt.date(2025, 5, 31), budget_fen=120_000, implemented="已认定，按月发放1200元", delivery=("benefits.entitlement", "demo-640402002006-001", "事实无人抚养儿童基本生活费")),
            MeasureSpec("housing", "安排廉租住房", "housing_construction", dt.date(2025, 8, 31), implemented="已入住廉租房"),
        ],
        followup="已搬入廉租房，孩子按时上学",
    ),
    CaseSpec(
        "640106002001-001", 2, "proxy_application", "杜琳母女在危险出租屋居住十年，冬季无取暖",
        {
            "visited_on": dt.date(2025, 11, 10), "residents": "母亲、女儿", "resident_count": 2,
            "monthly_income_fen": 100_000, "housing": "dangerous",
            "housing_notes": "出租屋墙体开裂",
            "health_notes": "身体健康",
            "has_school_age_child": True,
            "schooling_notes": "女儿就读初中",
            "heating": "none", "needs": "安全住房、基本生活、学习条件",
        },
        "住进安全住房，基本生活有保障", "civil_affairs",
        [
            MeasureSpec("housing", "公租房绿色通道申请（一个月内办结）", "housing_construction", dt.date(2025, 12, 10), implemented="公租房已配租入住"),
            MeasureSpec("basic_living", "申请最低生活保障", "civil_affairs", dt.date(2026, 1, 31), implemented="已纳入低保"),
            MeasureSpec("education", "链接爱心人士捐赠学习台灯", Cast.committee, dt.date(2025, 12, 31), implemented="台灯已送到", delivery=("volunteers.microwish", "demo-640106002001-001", "微心愿：学习台灯")),
        ],
        followup="已入住公租房，有暖气",
        applicant="金家巷社区工作者（代办）",
    ),
]
# fmt: on


def _org(of: OrgOf, cast: Cast) -> Organisation:
    return cast.unit(of) if isinstance(of, str) else of(cast)


def _run(spec: CaseSpec, household: Household, batches: dict[int, Batch]) -> CareCase:
    village = Division.objects.get(code=household.area_code)
    cast = cast_for(village, household.grid)
    who = cast.users
    reporter = who["community"] if spec.source == "proxy_application" else who["grid_worker"]
    case = services.case_discover(
        actor=reporter,
        household=household,
        source=spec.source,
        description=spec.description,
        applicant_name=spec.applicant,
    )
    case = services.case_investigate(actor=who["grid_worker"], case=case, data=spec.investigation)
    visited = spec.investigation["visited_on"]
    case = services.case_review_by_community(
        actor=who["community"],
        case=case,
        held_on=visited + dt.timedelta(days=3),
        participants="社区(村)两委成员、网格员、居民代表",
        opinion="情况属实，同意上报认定",
    )
    case = services.case_recognise(
        actor=who["township"], case=case, batch=batches[spec.batch], checklist=ALL
    )
    services.plan_save(
        actor=who["community"],
        case=case,
        goal=spec.goal,
        leader=who["leader"],
        paired_unit=_org(spec.paired, cast),
    )
    measures = []
    for m in spec.measures:
        delivery = m.delivery or ("", "", "")
        measures.append(
            (
                m,
                services.measure_add(
                    actor=who["township"],
                    case=case,
                    action=m.action,
                    title=m.title,
                    responsible_unit=_org(m.unit, cast),
                    paired_unit=_org(m.paired, cast) if m.paired else None,
                    deadline=m.deadline,
                    budget_fen=m.budget_fen,
                    delivery_type=delivery[0],
                    delivery_id=delivery[1],
                    delivery_label=delivery[2],
                ),
            )
        )
    case = services.plan_approve(actor=who["township"], case=case)
    for spec_m, measure in measures:
        if spec_m.implemented:
            services.measure_implement(
                actor=cast.staff_of(measure.responsible_unit),
                measure=measure,
                evidence=spec_m.implemented,
            )
    if spec.followup:
        services.followup_record(
            actor=who["grid_worker"],
            case=case,
            visited_on=min(visited + dt.timedelta(days=30), timezone.localdate()),
            notes=spec.followup,
        )
    if spec.close:
        services.case_evaluate(
            actor=who["township"],
            case=case,
            evaluated_on=min(visited + dt.timedelta(days=120), timezone.localdate()),
            outcome=spec.close,
            decision="close",
        )
        case = services.case_accept(actor=who["township2"], case=case)
    return case


# --- synthetic cases --------------------------------------------------------------------------

SYNTHETIC_PROFILES: list[tuple[str, dict[str, Any], list[tuple[str, str, str]]]] = [
    # (description, investigation overrides, [(action, title, dept_type)])
    (
        "高龄独居老人，行动不便",
        {"elderly_alone": True, "care_notes": "独居，子女在外地"},
        [
            ("elderly", "居家养老上门服务", "civil_affairs"),
            ("medical", "家庭医生签约随访", "health"),
            ("heating", "冬季取暖补贴", "civil_affairs"),
        ],
    ),
    (
        "重病患者，医疗费用负担重",
        {"has_severe_illness": True, "health_notes": "尿毒症透析"},
        [
            ("medical", "医疗救助申请", "medical_insurance"),
            ("basic_living", "临时救助", "civil_affairs"),
            ("psychological", "心理疏导", "health"),
        ],
    ),
    (
        "重度残疾人，照料困难",
        {
            "has_disabled_member": True,
            "disability_notes": "肢体残疾一级",
            "disabled_adult_without_carer": True,
            "care_notes": "家人外出务工",
        },
        [
            ("disabled", "重度残疾人护理补贴", "disabled_federation"),
            ("disabled", "配发辅具", "disabled_federation"),
            ("elderly", "托养服务", "civil_affairs"),
        ],
    ),
    (
        "留守儿童，学习困难",
        {
            "has_school_age_child": True,
            "schooling_notes": "父母外出务工",
            "child_out_of_school": False,
        },
        [
            ("children", "儿童主任结对关爱", "civil_affairs"),
            ("education", "教育资助", "education"),
            ("psychological", "心理辅导", "education"),
        ],
    ),
    (
        "单亲家庭，收入低",
        {"monthly_income_fen": 60_000},
        [
            ("basic_living", "纳入低保边缘家庭", "civil_affairs"),
            ("employment", "就业技能培训", "human_resources"),
            ("legal_aid", "抚养费法律援助", "civil_affairs"),
        ],
    ),
    (
        "住房存在安全隐患",
        {"housing": "dangerous", "housing_notes": "土坯房开裂"},
        [
            ("housing", "危房改造", "housing_construction"),
            ("basic_living", "临时救助", "civil_affairs"),
        ],
    ),
]
EXTRA_MEASURES = [
    ("basic_living", "慰问金", "civil_affairs"),
    ("medical", "健康体检", "health"),
    ("employment", "公益性岗位", "human_resources"),
    ("legal_aid", "法律咨询", "civil_affairs"),
    ("psychological", "志愿者陪伴", "civil_affairs"),
    ("heating", "冬季取暖补贴", "civil_affairs"),
    ("elderly", "助餐服务", "civil_affairs"),
]


def _synthetic(
    household: Household,
    batch: Batch,
    rng: random.Random,
    *,
    measures: int,
    implemented_share: float,
) -> CareCase:
    village = Division.objects.get(code=household.area_code)
    cast = cast_for(village, household.grid)
    who = cast.users
    description, overrides, base = SYNTHETIC_PROFILES[rng.randrange(len(SYNTHETIC_PROFILES))]
    visited = dt.date(2025, rng.randint(3, 10), rng.randint(1, 28))
    data: dict[str, Any] = {
        "visited_on": visited,
        "residents": "见家庭成员",
        "resident_count": max(1, household.memberships.filter(ended_on__isnull=True).count()),
        "monthly_income_fen": rng.choice([60_000, 90_000, 150_000, 220_000, 300_000]),
        "housing": "own_safe",
        "health_notes": "见调查",
        "heating": rng.choice(["adequate", "adequate", "insufficient", "none"]),
        "needs": description,
    }
    data.update(overrides)
    case = services.case_discover(
        actor=who["grid_worker"],
        household=household,
        source=rng.choice(
            ["grid_visit", "grid_visit", "data_comparison", "hotline_referral", "application"]
        ),
        description=description,
    )
    case = services.case_investigate(actor=who["grid_worker"], case=case, data=data)
    case = services.case_review_by_community(
        actor=who["community"],
        case=case,
        held_on=visited + dt.timedelta(days=5),
        participants="社区(村)两委、网格员、居民代表",
        opinion="情况属实",
    )
    case = services.case_recognise(actor=who["township"], case=case, batch=batch, checklist=ALL)
    services.plan_save(
        actor=who["community"],
        case=case,
        goal=f"解决{description}问题",
        leader=who["leader"],
        paired_unit=cast.unit("civil_affairs"),
    )
    plan = list(base)
    while len(plan) < measures:
        plan.append(EXTRA_MEASURES[rng.randrange(len(EXTRA_MEASURES))])
    created = []
    today = timezone.localdate()
    for i, (action, title, dept) in enumerate(plan[:measures]):
        done = rng.random() < implemented_share
        if done:
            deadline = visited + dt.timedelta(days=60 + 30 * i)
        elif rng.random() < 0.1:
            deadline = today - dt.timedelta(days=rng.randint(3, 40))  # overdue, flagged
        else:
            deadline = today + dt.timedelta(days=rng.randint(15, 200))
        measure = services.measure_add(
            actor=who["township"],
            case=case,
            action=action,
            title=title,
            responsible_unit=cast.unit(dept),
            deadline=deadline,
        )
        created.append((measure, done))
    case = services.plan_approve(actor=who["township"], case=case)
    for measure, done in created:
        staff = cast.staff_of(measure.responsible_unit)
        if done:
            services.measure_implement(actor=staff, measure=measure, evidence="已落实（演示数据）")
        elif rng.random() < 0.5:
            services.measure_start(actor=staff, measure=measure)
    if rng.random() < 0.7:
        services.followup_record(
            actor=who["grid_worker"],
            case=case,
            visited_on=min(visited + dt.timedelta(days=45), timezone.localdate()),
            notes="回访：措施推进中",
        )
    return case


def load(ctx: DemoContext) -> None:
    _CASTS.clear()
    region = Division.objects.get(code="64")
    batches = {
        1: Batch.objects.get_or_create(
            area_code="64",
            sequence=1,
            defaults={"name": "第一批", "started_on": dt.date(2024, 11, 1), "is_open": True},
        )[0],
        2: Batch.objects.get_or_create(
            area_code="64",
            sequence=2,
            defaults={"name": "第二批", "started_on": dt.date(2025, 11, 1)},
        )[0],
    }
    made = 0
    for spec in REAL_CASES:
        household = Household.objects.filter(number=spec.number).select_related("grid").first()
        if household is None:
            ctx.say(f"关爱帮扶：未找到住户 {spec.number}（居民演示数据未加载），跳过该案例")
            continue
        if CareCase.objects.filter(household=household).exists():
            continue
        _run(spec, household, batches)
        made += 1
    # Synthetic cases: first batch up to the region's 84 households (~7 measures each, ~77%
    # implemented), second batch 40 households still being delivered.
    rng = random.Random(ctx.seed)
    targets = {1: (84, 7, 448 / 580), 2: (40, 4, 0.35)}
    synthetic = (
        Household.objects.filter(number__contains="-S", grid__isnull=False, is_active=True)
        .exclude(pk__in=CareCase.objects.values("household_id"))
        .order_by("number")
    )
    pool = iter(synthetic.select_related("grid")[:200])
    for sequence, (households, per_case, share) in targets.items():
        batch = batches[sequence]
        missing = households - CareCase.objects.filter(batch=batch).count()
        for _ in range(max(0, missing)):
            household = next(pool, None)
            if household is None:
                break
            _synthetic(
                household,
                batch,
                rng,
                measures=max(1, per_case + rng.randint(-2, 2)),
                implemented_share=share,
            )
            made += 1
    for batch in batches.values():
        services.batch_tally_rebuild(batch=batch)
    ctx.say(
        f"关爱帮扶：新增 {made} 个案件；第一批 {CareCase.objects.filter(batch=batches[1]).count()} 户、"
        f"第二批 {CareCase.objects.filter(batch=batches[2]).count()} 户，措施 {Measure.objects.count()} 项"
    )
    ctx.extras["care"] = {
        "batches": [b.name for b in batches.values()],
        "real_cases": [s.number for s in REAL_CASES],
        "region": region.code,
        "stage_counts": {s: CareCase.objects.filter(stage=s).count() for s in Stage.values},
    }
