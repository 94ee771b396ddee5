"""DOMAIN.md section 7: a young woman with a moderate intellectual disability in 安秀社区 is
registered by her community, assessed by the coach, finds no firm post that suits her, and is
placed in assisted employment (辅助性就业) at a day-care workshop; the employer sees her only as
far as she agreed."""

from __future__ import annotations

import datetime as dt

from lianxin.core.roles import Role
from lianxin.employment import selectors, services
from lianxin.employment.models import EmployerKind, PlacementStatus, Route, SeekerStatus
from lianxin.employment.tests import factories as f


def test_intellectually_disabled_woman_through_assisted_employment(place):
    anxiu = place("640104001007")
    person = f.disabled_person(
        anxiu, name="杨小花", disability_type="智力", grade=2, birth=dt.date(2004, 8, 1)
    )
    community = anxiu.user(Role.COMMUNITY_STAFF, name="安秀社区专干")
    coach = f.federation_staff(anxiu)
    seeker = services.seeker_register(
        actor=community,
        person=person,
        source="community",
        intention={
            **f.INTENTION,
            "preferred_posts": "手工编织、简单分拣",
            "skills": ["手工编织", "分拣"],
            "max_daily_minutes": 180,
            "expected_pay_fen": 100_000,
            "max_commute_km": 3,
            "needs_accessible": False,
            "accommodations": "需要固定的辅导员陪伴",
            "share": ["age", "accommodations"],
        },
    )
    assert seeker.status == SeekerStatus.VERIFIED
    services.assessment_record(
        actor=coach,
        seeker=seeker,
        assessed_on=dt.date(2026, 9, 1),
        abilities="能完成重复性手工，需要示范和提醒",
        support_needed="辅导员陪伴、固定流程",
        recommended_route=Route.ASSISTED,
        summary="适合在辅导员陪伴下从事简单手工",
    )

    # The firms' posts ask for physical or hearing disabilities: none suits her.
    firm = f.employer(coach, anxiu, name="兴庆区某电子厂")
    f.post(coach, firm, title="电子装配", skills=["电子装配"], suitable_types=["肢体", "听力"])
    assert selectors.ranked_posts(user=coach, seeker=seeker) == []

    # An assisted-employment workshop (辅助性就业机构) with a post that suits her.
    base = f.employer(
        coach, anxiu, name="兴庆区残疾人辅助性就业中心", kind=EmployerKind.ASSISTED_BASE
    )
    weaving = f.post(
        coach,
        base,
        title="手工编织",
        route=Route.ASSISTED,
        skills=["手工编织"],
        suitable_types=["智力", "精神"],
        suitable_grades=[1, 2, 3, 4],
        daily_minutes=180,
        monthly_pay_fen=120_000,
        accessible=False,
    )
    ranked = selectors.ranked_posts(user=coach, seeker=seeker)
    assert [r.obj for r in ranked] == [weaving]
    assert "适合智力残疾二级" in ranked[0].reasons
    assert "技能相符：手工编织" in ranked[0].reasons
    assert "每日3小时，在可工作的3小时以内" in ranked[0].reasons

    # Her card for the centre: age and accommodations, not her name.
    match = services.match_propose(actor=coach, seeker=seeker, post=weaving)
    card = selectors.candidate_card(match)
    assert card["code"] == seeker.code
    assert "name" not in card
    assert card["accommodations"] == "需要固定的辅导员陪伴"
    services.match_withdraw(actor=coach, obj=match, reason="改为直接安置到辅助性就业中心")

    placement = services.placement_create(
        actor=community,
        seeker=seeker,
        route=Route.ASSISTED,
        employer=base,
        post=weaving,
        started_on=dt.date(2026, 9, 15),
        monthly_pay_fen=120_000,
        daily_minutes=180,
        work_type="手工编织",
    )
    seeker.refresh_from_db()
    assert seeker.status == SeekerStatus.PLACED
    assert placement.care_measure_id is None
    assert placement.care_note == ""
    fu = services.followup_record(
        actor=community,
        placement=placement,
        month=1,
        visited_on=dt.date(2026, 10, 16),
        still_employed=True,
        monthly_pay_fen=120_000,
        support="辅导员每日陪伴",
    )
    assert fu.care_followup_id is None  # no care case: nothing to write back
    assert [
        d.month for d in selectors.followups_due(user=community, today=dt.date(2026, 12, 10))
    ] == [3]
    placement = services.placement_end(
        actor=community,
        obj=placement,
        ended_on=dt.date(2026, 11, 20),
        end_reason="health",
        end_notes="住院治疗，出院后再安排",
    )
    seeker.refresh_from_db()
    assert placement.status == PlacementStatus.ENDED
    assert placement.get_end_reason_display() == "身体原因"
    assert seeker.status == SeekerStatus.VERIFIED
