"""DOMAIN.md section 2: a household of 姚滩村 (迎水桥镇, 沙坡头区): coal-to-electric heating
installed free by a partner."""

from __future__ import annotations

import datetime as dt

from lianxin.care import services
from lianxin.care.models import MeasureStatus, Stage
from lianxin.care.tests import factories as care_f
from lianxin.directory.models import OrgKind
from tests.scenarios.conftest import run_to_recognised, save_plan


def test_yaotan_household_gets_electric_heating(place, first_batch):
    yaotan = place("640502108214")
    hh = yaotan.household(
        "640502108214-001",
        [("张国强", "户主", dt.date(1950, 1, 10)), ("刘玉梅", "配偶", dt.date(1952, 2, 3))],
    )
    case, cast = run_to_recognised(
        yaotan,
        hh,
        batch=first_batch,
        description="老两口冬季无力购买燃煤，家中无取暖",
        investigation={
            "visited_on": dt.date(2025, 12, 3),
            "residents": "老两口",
            "resident_count": 2,
            "monthly_income_fen": 150_000,
            "housing": "own_safe",
            "health_notes": "年老体弱",
            "elderly_alone": True,
            "care_notes": "子女在外务工，老两口相互照料",
            "heating": "none",
            "needs": "冬季取暖",
        },
    )
    assert case.grade == "red"
    assert "R3 采暖季无取暖" in case.grade_reasons
    partner = yaotan.org("partner", "宁夏某新能源爱心企业", level="city", kind=OrgKind.ENTERPRISE)
    township_org = yaotan.orgs["township"]
    save_plan(cast, case, "今冬温暖过冬", partner)
    heating = care_f.measure(
        cast["township"],
        case,
        "heating",
        "煤改电取暖设备，由爱心企业免费安装",
        township_org,
        dt.date(2025, 12, 20),
        paired_unit=partner,
        budget_fen=0,
    )
    case = services.plan_approve(actor=cast["township"], case=case)
    assert case.stage == Stage.PLANNED
    services.measure_implement(
        actor=cast["township"], measure=heating, evidence="电暖设备已安装调试，室温18度"
    )
    heating.refresh_from_db()
    assert (heating.status, heating.paired_unit) == (MeasureStatus.IMPLEMENTED, partner)
