"""DOMAIN.md section 2: a disabled woman of 刘庄村 (新堡镇, 中宁县): temporary assistance of
4,140 yuan and a public-welfare job (公益性岗位)."""

from __future__ import annotations

import datetime as dt

from lianxin.care import services
from lianxin.care.models import MeasureStatus, Stage
from lianxin.care.tests import factories as care_f
from lianxin.core.roles import Role
from tests.scenarios.conftest import run_to_recognised, save_plan


def test_liuzhuang_disabled_woman_gets_assistance_and_a_job(place, first_batch):
    liuzhuang = place("640521103208")
    hh = liuzhuang.household("640521103208-001", [("李桂芳", "户主", dt.date(1982, 6, 1))])
    case, cast = run_to_recognised(
        liuzhuang,
        hh,
        batch=first_batch,
        description="肢体残疾妇女，无稳定收入",
        investigation={
            "visited_on": dt.date(2026, 4, 8),
            "residents": "本人独居",
            "resident_count": 1,
            "monthly_income_fen": 30_000,
            "housing": "own_safe",
            "health_notes": "肢体残疾二级",
            "has_disabled_member": True,
            "disability_notes": "肢体残疾二级，可从事轻体力劳动",
            "heating": "adequate",
            "needs": "生活救助、就业",
        },
    )
    assert case.grade == "yellow"
    civil = liuzhuang.org("civil_affairs", "中宁县民政局", dept_type="civil_affairs")
    hr = liuzhuang.org("human_resources", "中宁县人力资源和社会保障局", dept_type="human_resources")
    save_plan(cast, case, "解决临时困难，稳定就业增收", hr)
    relief = care_f.measure(
        cast["township"],
        case,
        "basic_living",
        "发放临时救助金4140元",
        civil,
        dt.date(2026, 5, 15),
        budget_fen=414_000,
    )
    job = care_f.measure(
        cast["township"], case, "employment", "安排公益性岗位", hr, dt.date(2026, 6, 1)
    )
    case = services.plan_approve(actor=cast["township"], case=case)
    assert case.stage == Stage.PLANNED
    assert relief.budget_fen == 414_000
    services.measure_implement(
        actor=liuzhuang.user(Role.COUNTY_STAFF, org=civil),
        measure=relief,
        evidence="临时救助4140元已发放到本人账户",
    )
    services.measure_implement(
        actor=liuzhuang.user(Role.COUNTY_STAFF, org=hr),
        measure=job,
        evidence="已上岗村保洁公益性岗位",
    )
    assert set(case.measures.values_list("status", flat=True)) == {MeasureStatus.IMPLEMENTED}
