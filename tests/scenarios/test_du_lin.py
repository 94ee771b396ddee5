"""DOMAIN.md section 3: Du Lin's wife and daughter lived ten years in a dangerous rented room
with no heating; a community worker found them, applied for public rental housing through a
green channel (done within a month), then for the minimum living allowance, and linked a
donor for the daughter's study lamp."""

from __future__ import annotations

import datetime as dt

import time_machine

from lianxin.care import services
from lianxin.care.models import Stage
from lianxin.care.tests import factories as care_f
from lianxin.core.roles import Role
from lianxin.directory.models import OrgKind
from tests.scenarios.conftest import run_to_recognised, save_plan


def test_du_lin_wife_and_daughter(place, first_batch):
    jinjiaxiang = place("640106002001")
    hh = jinjiaxiang.household(
        "640106002001-001",
        [("杜琳", "户主", dt.date(1985, 3, 3)), ("杜小雨", "女儿", dt.date(2012, 9, 9))],
    )
    finder = jinjiaxiang.user(Role.COMMUNITY_STAFF, name="社区工作者")
    with time_machine.travel(dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC)):
        case, cast = run_to_recognised(
            jinjiaxiang,
            hh,
            batch=first_batch,
            reporter=finder,
            source="proxy_application",
            applicant="社区工作者代办",
            description="母女在危险出租屋居住十年，冬季无取暖",
            investigation={
                "visited_on": dt.date(2026, 1, 5),
                "residents": "母亲、女儿（13岁）",
                "resident_count": 2,
                "monthly_income_fen": 100_000,
                "housing": "dangerous",
                "housing_notes": "出租屋墙体开裂",
                "health_notes": "身体健康",
                "has_school_age_child": True,
                "schooling_notes": "女儿就读初一",
                "heating": "none",
                "needs": "安全住房、基本生活、学习条件",
            },
        )
        assert case.grade == "red"
        assert case.discoveries.get().source == "proxy_application"
        housing = jinjiaxiang.org(
            "housing", "金凤区住房和城乡建设局", dept_type="housing_construction"
        )
        civil = jinjiaxiang.org("civil_affairs", "金凤区民政局", dept_type="civil_affairs")
        committee = jinjiaxiang.org(
            "committee", "金家巷社区居委会", level="village", kind=OrgKind.COMMUNITY
        )
        save_plan(cast, case, "住进安全住房，基本生活有保障", civil)
        rental = care_f.measure(
            cast["township"], case, "housing", "公租房绿色通道申请", housing, dt.date(2026, 2, 5)
        )
        allowance = care_f.measure(
            cast["township"], case, "basic_living", "申请最低生活保障", civil, dt.date(2026, 3, 31)
        )
        lamp = care_f.measure(
            cast["township"],
            case,
            "education",
            "链接爱心人士捐赠学习台灯",
            committee,
            dt.date(2026, 2, 28),
            delivery_type="volunteers.microwish",
            delivery_id="W-1",
            delivery_label="微心愿：学习台灯",
        )
        case = services.plan_approve(actor=cast["township"], case=case)
        assert case.stage == Stage.PLANNED
    with time_machine.travel(dt.datetime(2026, 2, 1, 10, tzinfo=dt.UTC)):
        services.measure_implement(
            actor=jinjiaxiang.user(Role.COUNTY_STAFF, org=housing),
            measure=rental,
            evidence="公租房已配租入住",
        )
        rental.refresh_from_db()
        assert rental.implemented_at.date() <= rental.deadline  # within a month of the application
        services.measure_implement(
            actor=jinjiaxiang.user(Role.COUNTY_STAFF, org=civil),
            measure=allowance,
            evidence="已纳入低保",
        )
        services.measure_implement(actor=finder, measure=lamp, evidence="爱心人士捐赠的台灯已送到")
    assert sorted(case.measures.values_list("status", flat=True)) == ["implemented"] * 3
