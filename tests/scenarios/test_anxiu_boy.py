"""DOMAIN.md section 2: the 13-year-old boy of 安秀社区 (凤凰北街, 兴庆区), raised by
grandparents over 70 after his father died and his mother left — through all six stages."""

from __future__ import annotations

import datetime as dt

from lianxin.care import selectors, services
from lianxin.care.models import MeasureStatus, Stage
from lianxin.care.tests import factories as care_f
from lianxin.core.roles import Role
from lianxin.directory.models import OrgKind
from tests.scenarios.conftest import run_to_recognised, save_plan


def test_the_boy_of_anxiu_through_all_six_stages(place, first_batch):
    anxiu = place("640104001007")
    hh = anxiu.household(
        "640104001007-001",
        [
            ("马德明", "户主", dt.date(1953, 3, 2)),
            ("王秀兰", "配偶", dt.date(1954, 8, 9)),
            ("马小龙", "孙子女", dt.date(2013, 5, 1)),
        ],
    )
    # 1-3. discovery by the grid worker, investigation on his phone, review and recognition
    case, cast = run_to_recognised(
        anxiu,
        hh,
        batch=first_batch,
        description="父亲去世、母亲离家，13岁男孩由70岁以上的祖父母抚养，已辍学在家",
        investigation={
            "visited_on": dt.date(2026, 3, 2),
            "residents": "祖父马德明（73岁）、祖母王秀兰（71岁）、孙子马小龙（13岁）",
            "resident_count": 3,
            "monthly_income_fen": 180_000,
            "monthly_expenses_fen": 210_000,
            "income_notes": "祖父母养老金",
            "housing": "own_safe",
            "health_notes": "祖父母年老体弱，慢性病",
            "has_school_age_child": True,
            "child_out_of_school": True,
            "schooling_notes": "孩子辍学在家，希望学武术",
            "elderly_alone": True,
            "care_notes": "仅由70岁以上祖父母照料",
            "heating": "adequate",
            "needs": "复学、学习用品、课余陪伴",
        },
    )
    assert (case.stage, case.grade) == (Stage.RECOGNISED, "yellow")
    assert case.grade_reasons == [
        "Y2 老人独居或仅由高龄老人照料",
        "Y3 儿童失学辍学",
        "Y4 人均收入低于低保标准",
    ]
    assert case.person_count == 3
    # 4. the plan: leader, paired unit and three measures
    committee = anxiu.org("committee", "安秀社区居委会", level="village", kind=OrgKind.COMMUNITY)
    education = anxiu.org("education", "兴庆区教育局", dept_type="education")
    office = anxiu.org("gov_office", "自治区人民政府办公厅", level="region")
    volunteers = anxiu.org(
        "volunteers", "宁夏志愿者联合会", level="region", kind=OrgKind.SOCIAL_ORGANISATION
    )
    township = cast["township"]
    # the community writes the plan, the township approves (MC-01)
    save_plan(cast, case, "孩子复学、健康成长，祖孙生活有保障", education)
    activities = care_f.measure(
        township, case, "children", "网格员带孩子参加社区活动", committee, dt.date(2026, 4, 30)
    )
    school = care_f.measure(
        township,
        case,
        "education",
        "街道与教育局协调进入武术学校就读，每学期减免学费2000元",
        education,
        dt.date(2026, 4, 1),
        budget_fen=200_000,
    )
    supplies = care_f.measure(
        township,
        case,
        "education",
        "自治区政府办公厅和志愿者联合会送去学习用品",
        office,
        dt.date(2026, 4, 15),
        paired_unit=volunteers,
    )
    case = services.plan_approve(actor=township, case=case)
    assert case.stage == Stage.PLANNED
    # 5. tracking: each unit delivers its own measure, the grid worker visits
    education_officer = anxiu.user(Role.COUNTY_STAFF, org=education)
    office_staff = anxiu.user(Role.REGION_STAFF, org=office)
    assert [m.pk for m in selectors.measure_queue(user=education_officer)] == [school.pk]
    services.measure_start(actor=education_officer, measure=school)
    services.followup_record(
        actor=cast["grid_worker"],
        case=case,
        visited_on=dt.date(2026, 3, 20),
        notes="孩子已到武术学校报到",
        measure_progress={school.pk: "已入学，学费减免手续办理中"},
    )
    services.measure_implement(
        actor=education_officer, measure=school, evidence="武术学校学费减免协议：每学期减免2000元"
    )
    services.measure_implement(
        actor=office_staff, measure=supplies, evidence="书包、文具、校服已送到家中"
    )
    services.measure_implement(
        actor=cast["grid_worker"], measure=activities, evidence="每周参加社区四点半课堂和周末活动"
    )
    case.refresh_from_db()
    assert case.stage == Stage.TRACKING
    assert set(case.measures.values_list("status", flat=True)) == {MeasureStatus.IMPLEMENTED}
    # 6. evaluation by the street office, acceptance by another officer
    services.case_evaluate(
        actor=township,
        case=case,
        evaluated_on=dt.date(2026, 6, 30),
        outcome="孩子在校表现良好，祖孙生活稳定",
        decision="close",
    )
    acceptor = anxiu.user(Role.TOWNSHIP_STAFF, org=anxiu.orgs["township"])
    case = services.case_accept(actor=acceptor, case=case)
    assert case.stage == Stage.CLOSED
    stages = [e.stage for e in selectors.case_timeline(case)]
    assert stages == [
        "discovered",
        "investigated",
        "reviewed",
        "recognised",
        "planned",
        "tracking",
        "measure",
        "measure",
        "measure",
        "evaluated",
        "accepted",
    ]
    progress = selectors.batch_progress(user=anxiu.user(Role.REGION_STAFF), batch=first_batch)
    assert (
        progress["households"],
        progress["persons"],
        progress["measures"],
        progress["implemented"],
    ) == (1, 3, 3, 3)
