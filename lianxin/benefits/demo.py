"""Demo: funding sources and policies with their standards (idempotent), a second civil-affairs
officer (maker-checker) and a union officer for 兴庆区/银川, applications in every state,
the living subsidy paid for a month, the co-funded 50,000-yuan medical grant, and union files.

Standards (integer fen). The region's published standards for the two disability subsidies
could not be looked up here; the amounts below are an assumption consistent with DOMAIN.md's
county figures (2,896 persons on the living subsidy for 3.65 million yuan a year ≈ 105 yuan a
month; 3,459 on the nursing subsidy for 4.91 million ≈ 118 yuan a month):

- 困难残疾人生活补贴: grade 1–2 120 yuan, grade 3–4 90 yuan a month (低保 households);
- 重度残疾人护理补贴: grade 1 150 yuan, grade 2 100 yuan a month;
- 城乡最低生活保障: the gap to 790 yuan per head a month (Yinchuan's urban standard, assumed),
  paid per household within 1–3,000 yuan a month;
- 特困人员救助供养: 1,027 yuan a month (1.3 × the 低保 standard);
- 临时救助: once, 1–10,000 yuan;
- the Yinchuan union's schedule as given in DOMAIN.md section 5 (living 13,000–18,000 a year;
  education 6,900; medical up to 18,000; warm card 200 a month; heating 1,270 a year; utilities
  and property 1,084.4–1,488.2 a year; 500 per child in compulsory education; 2,600–5,000 per
  child by stage — high school 2,600, vocational college 4,000, university 5,000 assumed;
  free enrolment in the medical mutual-aid scheme)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from lianxin.core.democontext import DemoContext

from .models import FundingSource, Policy, SourceKind

Y = 100  # fen per yuan

SOURCES = [
    ("中央和自治区财政困难群众救助补助资金", SourceKind.FINANCE, "64"),
    ("市县财政配套资金", SourceKind.FINANCE, "64"),
    ("银川市总工会帮扶资金", SourceKind.UNION, "6401"),
    ("兴庆区总工会帮扶资金", SourceKind.UNION, "640104"),
    ("职工医疗互助保险承保机构", SourceKind.INSURER, "6401"),
]
CENTRAL, LOCAL, CITY_UNION, DISTRICT_UNION, INSURER = (s[0] for s in SOURCES)

DISABILITY_ALERTS = {"living": "living_subsidy", "nursing": "nursing_subsidy"}


def _p(code: str, name: str, kind: str, **fields: Any) -> dict[str, Any]:
    """A policy's data; ``kind`` is "subject standard_kind frequency"."""
    subject, standard_kind, frequency = kind.split()
    return {
        "code": code,
        "name": name,
        "valid_from": dt.date(2024, 1, 1),
        "subject": subject,
        "standard_kind": standard_kind,
        "frequency": frequency,
        **fields,
    }


def _civil(code: str, name: str, kind: str, **fields: Any) -> dict[str, Any]:
    return _p(code, name, kind, department_type="civil_affairs", area_code="64", **fields)


def _union(
    key: str, name: str, kind: str, *amounts_fen: int, **fields: Any
) -> tuple[str, dict[str, Any], list[tuple[str, int]]]:
    """A policy of the city union, paid wholly from its fund (none for in-kind help): one amount
    is a fixed standard, two a range."""
    code = "union-" + key.removeprefix("union_").replace("_", "-")
    if len(amounts_fen) == 1:
        fields["amount_fen"] = amounts_fen[0]
    elif amounts_fen:
        fields["min_fen"], fields["max_fen"] = amounts_fen
    fields.setdefault("rule_text", "建档困难职工家庭")
    data = _p(code, name, kind, department_type="trade_union", area_code="6401", **fields)
    return key, data, [] if fields.get("in_kind_note") else [(CITY_UNION, 1000)]


def _grades(*amounts_yuan: int) -> list[dict[str, Any]]:
    labels = "一二三四"
    return [
        {"key": str(i + 1), "label": f"{labels[i]}级", "amount_fen": yuan * Y}
        for i, yuan in enumerate(amounts_yuan)
    ]


def _assistance(*kinds: str) -> dict[str, Any]:
    return {"kind": "assistance", "any_of": list(kinds)}


def _disability(
    key: str, name: str, amounts_yuan: tuple[int, ...], *conditions: dict[str, Any]
) -> tuple[str, dict[str, Any], list[tuple[str, int]]]:
    """One of the two disability subsidies, by grade (the rule: those grades, and conditions)."""
    grades = list(range(1, len(amounts_yuan) + 1))
    data = _civil(
        f"disability-{key}",
        name,
        "person schedule monthly",
        schedule_basis="disability_grade",
        schedule=_grades(*amounts_yuan),
        rule={"all": [{"kind": "disability", "grades": grades}, *conditions]},
        rule_text=DISABILITY_RULES[key],
        alert_rules_entitled=[f"{key}_subsidy_missing"],
        alert_rules_stop=[f"{key}_subsidy_should_stop", DECEASED],
        basis="残疾人两项补贴制度（国发〔2015〕52号）及自治区实施办法",
    )
    return key, data, [(CENTRAL, 700), (LOCAL, 300)]


DISABILITY_RULES = {
    "living": "低保家庭中的残疾人（持第二代残疾人证）",
    "nursing": "残疾等级为一级、二级的重度残疾人",
}
DECEASED = "assistance_recipient_deceased"
STATE_80 = [(CENTRAL, 800), (LOCAL, 200)]

POLICIES: list[tuple[str, dict[str, Any], list[tuple[str, int]]]] = [
    _disability("living", "困难残疾人生活补贴", (120, 120, 90, 90), _assistance("低保")),
    _disability("nursing", "重度残疾人护理补贴", (150, 100)),
    (
        "dibao",
        _civil(
            "dibao",
            "城乡最低生活保障",
            "household range monthly",
            min_fen=1 * Y,
            max_fen=3000 * Y,
            rule={"all": [_assistance("低保"), {"kind": "income_per_head", "max_fen": 790 * Y}]},
            rule_text="家庭月人均收入低于当地低保标准（银川市城市790元/人·月）",
            alert_rules_stop=[DECEASED],
        ),
        STATE_80,
    ),
    (
        "tekun",
        _civil(
            "tekun",
            "特困人员救助供养",
            "person fixed monthly",
            amount_fen=1027 * Y,
            rule={"all": [_assistance("特困")]},
            rule_text="经认定的特困人员",
            alert_rules_stop=[DECEASED],
        ),
        STATE_80,
    ),
    (
        "temporary",
        _civil(
            "temporary",
            "临时救助",
            "household range once",
            min_fen=1 * Y,
            max_fen=10000 * Y,
            rule_text="因突发事件、意外事故、重大疾病等导致基本生活暂时出现严重困难的家庭",
        ),
        [(LOCAL, 1000)],
    ),
    # The union's schedule (Yinchuan city union, the whole share from its fund).
    _union("union_living", "困难职工生活救助", "household range yearly", 13000 * Y, 18000 * Y),
    _union("union_education", "困难职工助学救助", "household fixed once", 6900 * Y),
    _union(
        "union_medical",
        "困难职工医疗救助",
        "person range once",
        1 * Y,
        50000 * Y,
        rule_text="建档困难职工本人或家属患病；一般不超过18,000元，大病可多方共担",
    ),
    _union("warm_card", "温暖卡", "household fixed monthly", 200 * Y),
    _union("heating", "取暖补贴", "household fixed yearly", 1270 * Y),
    _union("utilities", "水电物业费补贴", "household range yearly", 108440, 148820),
    _union(
        "compulsory",
        "义务教育阶段子女助学",
        "person fixed yearly",
        500 * Y,
        rule={"all": [{"kind": "age", "min": 6, "max": 15}]},
        rule_text="建档困难职工家庭中义务教育阶段子女，每人每年",
    ),
    _union(
        "stage",
        "高中及大学阶段子女助学",
        "person schedule yearly",
        schedule_basis="education_stage",
        schedule=[
            {"key": "high_school", "label": "高中", "amount_fen": 2600 * Y},
            {"key": "vocational", "label": "大学专科", "amount_fen": 4000 * Y},
            {"key": "university", "label": "大学本科", "amount_fen": 5000 * Y},
        ],
        rule_text="建档困难职工家庭中高中、大学在读子女，每人每年按学段",
    ),
    _union(
        "mutual_aid",
        "职工医疗互助保障",
        "person in_kind yearly",
        in_kind_note="免费参加职工医疗互助保障",
        rule_text="建档困难职工本人",
    ),
]


@transaction.atomic
def load_policies() -> dict[str, Policy]:
    """Funding sources and policies by code; existing rows are left as they are."""
    from . import services

    sources = {}
    for name, kind, area in SOURCES:
        sources[name], _ = FundingSource.objects.get_or_create(
            name=name, defaults={"kind": kind, "area_code": area}
        )
    result: dict[str, Policy] = {}
    for key, data, shares in POLICIES:
        existing = Policy.objects.filter(code=data["code"]).first()
        result[key] = existing or services.policy_create(
            actor=None, data=data, fundings=[(sources[name], permille) for name, permille in shares]
        )
    return result


def load(ctx: DemoContext) -> None:
    policies = load_policies()
    ctx.say(
        f"救助待遇：政策 {Policy.objects.count()} 项，资金来源 {FundingSource.objects.count()} 个"
    )
    from .models import Application

    if Application.objects.exists():
        ctx.say("救助待遇：演示业务数据已存在")
        return
    _demo_flows(ctx, policies)


def _account(
    ctx: DemoContext, username: str, display: str, role: str, area_code: str, org_code: str
) -> Any:
    from lianxin.accounts.models import Assignment, User
    from lianxin.areas.models import Division
    from lianxin.core.democontext import DEMO_PASSWORD
    from lianxin.core.roles import Role
    from lianxin.directory.models import Organisation

    user, created = User.objects.get_or_create(
        username=username, defaults={"display_name": display}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    area = Division.objects.get(code=area_code)
    Assignment.objects.get_or_create(
        user=user,
        role=role,
        area=area,
        grid=None,
        organisation=Organisation.objects.filter(code=org_code).first(),
    )
    ctx.add_account(
        role=role,
        role_label=Role(role).label,
        username=username,
        area_code=area_code,
        area_name=area.short_name,
    )
    return user


def _demo_flows(ctx: DemoContext, policies: dict[str, Policy]) -> None:
    from lianxin.accounts.models import User
    from lianxin.core.roles import Role
    from lianxin.registry.models import AssistanceStatus, Disability, Household, Membership

    from . import services

    community = User.objects.filter(username="community_staff_a").first()
    township = User.objects.filter(username="township_staff_a").first()
    county = User.objects.filter(username="county_staff_a").first()
    if not (community and township and county):
        ctx.say("救助待遇：缺少演示账户，跳过业务数据")
        return
    checker = _account(
        ctx,
        "county_staff_a2",
        "兴庆区民政局复核",
        Role.COUNTY_STAFF,
        "640104",
        "640104-civil_affairs",
    )
    union = _account(
        ctx, "union_staff_a", "银川市总工会帮扶中心", Role.CITY_STAFF, "6401", "6401-trade_union"
    )
    village = "640104001007"
    # Disabled residents of 低保 households in 安秀社区: living subsidy approved for two, one in
    # review, one waiting for the community (a draft); one refusal with its reason.
    disabled = list(
        Disability.objects.filter(
            is_active=True, person__area_code=village, person__status="alive"
        ).select_related("person")[:40]
    )
    dibao = set(
        AssistanceStatus.objects.filter(
            ended_on__isnull=True, assistance_type="低保", household__area_code=village
        ).values_list("household_id", flat=True)
    )
    made = 0
    for d in disabled:
        m = (
            Membership.objects.filter(person=d.person, ended_on__isnull=True)
            .select_related("household")
            .first()
        )
        if m is None:
            continue
        policy = (
            policies["living"]
            if m.household_id in dibao
            else (policies["nursing"] if d.grade <= 2 else None)
        )
        if policy is None:
            continue
        try:
            app = services.application_file(
                actor=community,
                policy=policy,
                household=m.household,
                person=d.person,
                reason="社区入户核实：持证残疾人，家庭困难，代为申请。",
                submit=made != 3,
            )
            if made in (0, 1, 4):
                app = services.application_review(
                    actor=township, obj=app, note="材料齐全，情况属实"
                )
            if made in (0, 1):
                services.application_approve(actor=county, obj=app)
            if made == 2:
                services.application_refuse(
                    actor=township, obj=app, reason="未提供有效残疾人证，请补充后重新申请"
                )
        except services.ApplicationError as exc:
            ctx.say(f"救助待遇：跳过一户（{exc.message}）")
            continue
        made += 1
        if made >= 5:
            break
    # One month's payroll of the living subsidy in 兴庆区, approved by the second officer and booked.
    from lianxin.areas.models import Division

    today = services._today()
    area = Division.objects.get(code="640104")
    try:
        run = services.payment_run_prepare(
            actor=county, policy=policies["living"], area=area, month=today
        )
        services.payment_run_approve(actor=checker, obj=run)
        services.payment_run_book(actor=county, obj=run)
    except services.ApplicationError as exc:
        ctx.say(f"救助待遇：未生成发放批次（{exc.message}）")
    # The union: a file for a worker household, and the 50,000-yuan co-funded medical grant.
    household = (
        Household.objects.filter(area_code=village, is_active=True)
        .exclude(pk__in=dibao)
        .order_by("pk")
        .first()
    )
    union_org = union.assignments.first().organisation if union.assignments.exists() else None
    if household is not None and union_org is not None and household.head is not None:
        file = services.union_file_open(
            actor=union,
            union=union_org,
            household=household,
            worker=household.head,
            difficulty_class="deep",
            causes=["illness", "education"],
            employer="银川市某纺织企业",
        )
        sources = {s.name: s for s in FundingSource.objects.all()}
        services.union_file_assist(
            actor=union,
            obj=file,
            policy=policies["union_medical"],
            note="大病医疗救助，三方共担",
            shares=[
                (sources[CITY_UNION], 30000 * Y),
                (sources[DISTRICT_UNION], 10000 * Y),
                (sources[INSURER], 10000 * Y),
            ],
        )
        services.union_plan_add(
            actor=union,
            file=file,
            year=today.year,
            measure="协调企业安排轻体力岗位",
            responsible="兴庆区总工会",
            deadline=dt.date(today.year, 12, 31),
        )
        union_run = services.payment_run_prepare(
            actor=union,
            policy=policies["union_medical"],
            area=Division.objects.get(code="6401"),
            month=today,
        )
        services.payment_run_approve(
            actor=_account(
                ctx,
                "union_staff_a2",
                "银川市总工会复核",
                Role.CITY_STAFF,
                "6401",
                "6401-trade_union",
            ),
            obj=union_run,
        )
        services.payment_run_book(actor=union, obj=union_run)
    ctx.say(f"救助待遇：申请 {made} 件，发放与困难职工档案已生成")
