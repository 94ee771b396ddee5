"""DOMAIN.md section 2: a father in 警民路社区 (原州区): wife with an intellectual disability,
daughter recognised as a child with no de-facto carer (1,200 yuan a month), low-rent housing."""

from __future__ import annotations

import datetime as dt

from lianxin.care import services
from lianxin.care.models import Stage
from lianxin.care.tests import factories as care_f
from tests.scenarios.conftest import run_to_recognised, save_plan


def test_jingminlu_father_daughter_and_housing(place, first_batch):
    jingminlu = place("640402002006")
    hh = jingminlu.household(
        "640402002006-001",
        [
            ("海建军", "户主", dt.date(1979, 4, 2)),
            ("马兰", "配偶", dt.date(1984, 7, 7)),
            ("海雨欣", "女儿", dt.date(2016, 10, 1)),
        ],
    )
    case, cast = run_to_recognised(
        jingminlu,
        hh,
        batch=first_batch,
        description="妻子智力残疾，父亲重病无力照料，女儿无人抚养，租住危房",
        investigation={
            "visited_on": dt.date(2026, 4, 15),
            "residents": "父亲、母亲（智力残疾）、女儿（9岁）",
            "resident_count": 3,
            "monthly_income_fen": 120_000,
            "housing": "dangerous",
            "health_notes": "父亲患重病",
            "has_severe_illness": True,
            "illness_assisted": True,
            "has_disabled_member": True,
            "disability_notes": "母亲智力残疾二级",
            "has_school_age_child": True,
            "schooling_notes": "女儿就读小学三年级",
            "child_without_carer": True,
            "care_notes": "父亲重病、母亲智力残疾，女儿事实无人抚养",
            "heating": "adequate",
            "needs": "儿童保障、住房",
        },
    )
    assert case.grade == "red"
    assert case.grade_reasons[:2] == ["R1 儿童事实无人抚养", "R4 居住危房或无固定住所"]
    civil = jingminlu.org("civil_affairs", "原州区民政局", dept_type="civil_affairs")
    housing = jingminlu.org("housing", "原州区住房和城乡建设局", dept_type="housing_construction")
    save_plan(cast, case, "孩子有人抚养、全家住房安全", civil)
    allowance = care_f.measure(
        cast["township"],
        case,
        "children",
        "认定为事实无人抚养儿童，每月发放基本生活费1200元",
        civil,
        dt.date(2026, 5, 31),
        budget_fen=120_000,
    )
    care_f.measure(cast["township"], case, "housing", "安排廉租住房", housing, dt.date(2026, 8, 31))
    case = services.plan_approve(actor=cast["township"], case=case)
    assert case.stage == Stage.PLANNED
    services.measure_link_delivery(
        actor=cast["township"],
        measure=allowance,
        delivery_type="benefits.entitlement",
        delivery_id="E-2026-0415",
        label="事实无人抚养儿童基本生活费",
    )
    allowance.refresh_from_db()
    assert allowance.delivery_type == "benefits.entitlement"
    assert sorted(case.measures.values_list("action", flat=True)) == ["children", "housing"]
