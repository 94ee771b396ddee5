"""DOMAIN.md section 2: a blind resident of 平罗县: accessibility renovation (kitchen stove,
sliding door, bathroom handrails, a talking rice cooker)."""

from __future__ import annotations

import datetime as dt

from lianxin.care import services
from lianxin.care.models import Stage
from lianxin.care.tests import factories as care_f
from lianxin.core.roles import Role
from tests.scenarios.conftest import run_to_recognised, save_plan

ITEMS = ["改造厨房灶台", "安装推拉门", "卫生间安装扶手", "配发语音电饭煲"]


def test_pingluo_blind_resident_gets_an_accessible_home(place, first_batch):
    pingluo = place("640221100001")
    hh = pingluo.household("640221100001-001", [("杨明", "户主", dt.date(1968, 9, 12))])
    case, cast = run_to_recognised(
        pingluo,
        hh,
        batch=first_batch,
        description="视力残疾一级，独自生活，家中设施不便",
        investigation={
            "visited_on": dt.date(2026, 5, 6),
            "residents": "本人独居",
            "resident_count": 1,
            "monthly_income_fen": 90_000,
            "housing": "own_safe",
            "housing_notes": "厨房、卫生间存在安全隐患",
            "health_notes": "双目失明",
            "has_disabled_member": True,
            "disability_notes": "视力残疾一级",
            "heating": "adequate",
            "needs": "无障碍改造",
        },
    )
    federation = pingluo.org(
        "disabled_federation", "平罗县残疾人联合会", dept_type="disabled_federation"
    )
    save_plan(cast, case, "居家生活安全便利", federation)
    measures = [
        care_f.measure(cast["township"], case, "disabled", title, federation, dt.date(2026, 7, 1))
        for title in ITEMS
    ]
    case = services.plan_approve(actor=cast["township"], case=case)
    assert case.stage == Stage.PLANNED
    officer = pingluo.user(Role.COUNTY_STAFF, org=federation)
    for m in measures:
        services.measure_implement(actor=officer, measure=m, evidence=f"{m.title}已完成")
    assert list(case.measures.order_by("pk").values_list("title", "status")) == [
        (t, "implemented") for t in ITEMS
    ]
