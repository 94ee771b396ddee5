"""DOMAIN.md section 7: a young man with a physical disability in 金凤区 is assessed one to one
by an employment coach and placed in the sunshine factory (阳光工厂: 3.5-hour days, 3,000 yuan a
month with social insurance). The placement implements the employment measure of his family's
care plan, and the follow-ups at 1, 3, 6 and 12 months are written back to the care case."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from lianxin.care import services as care
from lianxin.care.models import FollowUp, MeasureStatus, Stage
from lianxin.care.tests import factories as care_f
from lianxin.core.roles import Role
from lianxin.employment import selectors, services
from lianxin.employment.models import (
    EmployerKind,
    MatchStatus,
    PlacementStatus,
    Route,
    SeekerStatus,
)
from lianxin.employment.tests import factories as f
from lianxin.registry.selectors import current_household_of
from tests.scenarios.conftest import run_to_recognised, save_plan


def test_physically_disabled_man_placed_in_the_sunshine_factory_with_follow_ups(place, first_batch):
    jinjiaxiang = place("640106002001")
    person = f.disabled_person(
        jinjiaxiang, name="马小军", disability_type="肢体", grade=3, birth=dt.date(2001, 3, 9)
    )
    household = current_household_of(person)
    case, cast = run_to_recognised(
        jinjiaxiang,
        household,
        batch=first_batch,
        description="肢体残疾青年，无业在家",
        investigation={
            "visited_on": dt.date(2025, 10, 8),
            "residents": "本人与母亲",
            "resident_count": 2,
            "monthly_income_fen": 90_000,
            "housing": "own_safe",
            "has_disabled_member": True,
            "health_notes": "肢体残疾三级",
            "disability_notes": "肢体残疾三级，上肢功能正常",
            "heating": "adequate",
            "needs": "就业",
        },
    )
    dpf = f.federation_org(jinjiaxiang)
    coach = f.federation_staff(jinjiaxiang)  # 就业指导老师 of the county's federation
    save_plan(cast, case, "稳定就业", dpf)
    measure = care_f.measure(
        cast["community"], case, "employment", "推荐到阳光工厂就业", dpf, dt.date(2026, 12, 31)
    )
    care.plan_approve(actor=cast["township"], case=case)

    # The federation registers his intention and the coach assesses him one to one.
    seeker = services.seeker_register(
        actor=coach,
        person=person,
        source="federation",
        intention={**f.INTENTION, "max_daily_minutes": 210, "expected_pay_fen": 300_000},
    )
    assert (seeker.status, seeker.disability_type, seeker.disability_grade) == (
        SeekerStatus.VERIFIED, "肢体", 3,
    )  # fmt: skip
    services.assessment_record(
        actor=coach,
        seeker=seeker,
        assessed_on=dt.date(2025, 10, 20),
        abilities="上肢灵活，能完成精细手工；耐力一般",
        support_needed="无障碍通道，每日3.5小时",
        recommended_route=Route.SUNSHINE,
        summary="适合手工包装类岗位",
    )

    # The sunshine factory, its workshop and a work type of 3.5-hour days.
    factory = f.employer(
        coach, jinjiaxiang, name="金凤区阳光工厂", kind=EmployerKind.SUNSHINE_FACTORY
    )
    workshop = services.workshop_add(actor=coach, employer=factory, name="手工包装车间")
    post = f.post(
        coach,
        factory,
        title="手工礼盒包装",
        route=Route.SUNSHINE,
        workshop=workshop,
        daily_minutes=210,
        monthly_pay_fen=300_000,
        social_insurance=True,
    )
    ranked = selectors.ranked_posts(user=coach, seeker=seeker)
    assert ranked[0].obj == post
    assert ranked[0].score == 95  # positions not on the map: same county counts 10 of 15
    assert ranked[0].reasons[-1] == "同一县区"
    assert ranked[0].reasons[:2] == ["适合肢体残疾三级", "无障碍工作环境"]

    match = services.match_propose(actor=coach, seeker=seeker, post=post)
    services.match_answer(actor=coach, obj=match, name="seeker_accept")
    match = services.match_answer(actor=coach, obj=match, name="employer_confirm")
    assert match.status == MatchStatus.ACCEPTED
    started = dt.date(2025, 11, 3)
    placement = services.match_place(
        actor=coach,
        obj=match,
        started_on=started,
        monthly_pay_fen=300_000,
        daily_minutes=210,
        social_insurance=True,
        work_type="礼盒包装",
    )
    assert placement.route == Route.SUNSHINE
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.IMPLEMENTED
    assert (measure.delivery_type, measure.delivery_id) == (
        "employment.placement",
        str(placement.pk),
    )
    assert placement.care_measure_id == measure.pk
    assert placement.care_note == "已关联关爱措施；就业帮扶措施已落实"

    # Follow-ups at 1, 3, 6 and 12 months, each written back to the care case.
    visits = [
        (1, dt.date(2025, 12, 3), 300_000, "", "每周陪同上下班"),
        (3, dt.date(2026, 2, 3), 300_000, "冬季通勤困难", "协调班车接送"),
        (6, dt.date(2026, 5, 6), 320_000, "", ""),
        (12, dt.date(2026, 11, 3), 320_000, "", "转为长期合同"),
    ]
    for month, on, pay, problems, support in visits:
        fu = services.followup_record(
            actor=coach,
            placement=placement,
            month=month,
            visited_on=on,
            still_employed=True,
            monthly_pay_fen=pay,
            problems=problems,
            support=support,
        )
        assert fu.care_followup_id is not None
    notes = list(
        FollowUp.objects.filter(case=case).order_by("visited_on").values_list("notes", flat=True)
    )
    assert notes == [
        "就业回访（上岗1个月）：仍在岗，月薪3,000元。支持：每周陪同上下班。",
        "就业回访（上岗3个月）：仍在岗，月薪3,000元。问题：冬季通勤困难。支持：协调班车接送。",
        "就业回访（上岗6个月）：仍在岗，月薪3,200元。",
        "就业回访（上岗12个月）：仍在岗，月薪3,200元。支持：转为长期合同。",
    ]
    case.refresh_from_db()
    assert case.stage == Stage.TRACKING
    assert selectors.followups_due(user=coach, today=timezone.localdate()) == []

    figures = selectors.sunshine_factory(user=coach, employer=factory)
    assert figures["employees"] == 1
    assert figures["hours"] == [3.5]
    assert figures["insured"] == 1
    assert figures["pay_min_fen"] == 300_000
    placement.refresh_from_db()
    assert placement.status == PlacementStatus.ACTIVE
    assert cast["community"].assignments.get().role == Role.COMMUNITY_STAFF
