from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from lianxin.core.errors import AccessDenied, ApplicationError, Conflict, InvalidTransition
from lianxin.core.models import AuditEvent
from lianxin.core.roles import Role
from lianxin.core.workflow import walk
from lianxin.employment import selectors, services
from lianxin.employment.models import (
    JobSeeker,
    Match,
    MatchStatus,
    OutreachStatus,
    Placement,
    PlacementStatus,
    PostStatus,
    Route,
    SeekerStatus,
)
from lianxin.employment.workflows import MATCH_WORKFLOW

from . import factories as f

pytestmark = pytest.mark.django_db


def test_public_form_is_submitted_and_verified_against_the_registry(world):
    person = f.disabled_person(world.a, name="王小青", disability_type="听力", grade=2)
    seeker = services.seeker_submit_public(
        actor=None,
        name="王小青",
        id_number=person.id_number,
        phone_number="13912345678",
        division_name=world.a.village.name,
        intention=f.INTENTION,
    )
    assert seeker.status == SeekerStatus.SUBMITTED
    assert seeker.person_id is None
    assert seeker.area_code == world.a.village.code
    staff = world.user(Role.COMMUNITY_STAFF, "a")
    seeker = services.seeker_verify(actor=staff, obj=seeker)
    seeker.refresh_from_db()
    assert seeker.status == SeekerStatus.VERIFIED
    assert seeker.person_id == person.pk
    assert (seeker.disability_type, seeker.disability_grade) == ("听力", 2)
    assert seeker.verified_by_id == staff.pk


def test_public_form_for_an_unknown_person_looks_the_same_and_cannot_be_verified(world):
    unknown = f.make_id(world.a.county.code, dt.date(1990, 1, 1), 777)
    seeker = services.seeker_submit_public(
        actor=None,
        name="不存在",
        id_number=unknown,
        phone_number="13912345679",
        division_name=world.a.village.name,
        intention=f.INTENTION,
    )
    assert seeker.status == SeekerStatus.SUBMITTED
    staff = world.user(Role.COMMUNITY_STAFF, "a")
    with pytest.raises(ApplicationError, match="登记库中没有找到"):
        services.seeker_verify(actor=staff, obj=seeker)
    seeker.refresh_from_db()
    assert seeker.status == SeekerStatus.SUBMITTED


def test_public_form_refuses_bad_id_and_writes_nothing(world):
    with pytest.raises(ApplicationError, match="身份证号格式不正确"):
        services.seeker_submit_public(
            actor=None,
            name="某某",
            id_number="123",
            phone_number="13912345678",
            division_name=world.a.village.name,
            intention=f.INTENTION,
        )
    assert JobSeeker.objects.count() == 0


def test_staff_of_another_area_cannot_verify(world):
    person = f.disabled_person(world.b)
    seeker = services.seeker_submit_public(
        actor=None, name=person.name, id_number=person.id_number, phone_number="13912345678",
        division_name=world.b.village.name, intention=f.INTENTION,
    )  # fmt: skip
    with pytest.raises(AccessDenied):
        services.seeker_verify(actor=world.user(Role.COMMUNITY_STAFF, "a"), obj=seeker)
    seeker.refresh_from_db()
    assert seeker.status == SeekerStatus.SUBMITTED


def test_register_needs_a_certificate(world):
    from lianxin.registry.models import Person

    person = Person.objects.create(name="无证", division=world.a.village)
    with pytest.raises(ApplicationError, match="没有有效的残疾人证"):
        f.seeker(world.user(Role.COMMUNITY_STAFF, "a"), person)
    assert JobSeeker.objects.count() == 0


def test_outreach_marks_the_employer_willing(world):
    staff = f.federation_staff(world.a)
    emp = f.employer(staff, world.a)
    assert emp.outreach_status == OutreachStatus.NOT_VISITED
    services.outreach_record(
        actor=staff, employer=emp, visited_on=timezone.localdate(), willing=False, notes="再联系"
    )
    emp.refresh_from_db()
    assert emp.outreach_status == OutreachStatus.VISITED
    services.outreach_record(
        actor=staff, employer=emp, visited_on=timezone.localdate(), willing=True, notes="愿意"
    )
    emp.refresh_from_db()
    assert emp.outreach_status == OutreachStatus.WILLING
    assert emp.quota_required == 3


def test_ranking_orders_posts_by_fit_with_reasons(world):
    staff = f.federation_staff(world.a)
    person = f.disabled_person(world.a, disability_type="肢体", grade=3)
    seeker = f.seeker(staff, person)
    emp = f.employer(staff, world.a)
    good = f.post(staff, emp, title="包装工")
    long_hours = f.post(staff, emp, title="装配工", daily_minutes=480, skills=["电子装配"])
    f.post(staff, emp, title="视障按摩", suitable_types=["视力"])  # not suitable
    f.post(staff, emp, title="无障碍缺失", accessible=False)  # seeker needs accessibility
    ranked = selectors.ranked_posts(user=staff, seeker=seeker)
    assert [r.obj.pk for r in ranked] == [good.pk, long_hours.pk]
    assert ranked[0].score > ranked[1].score
    assert "适合肢体残疾三级" in ranked[0].reasons
    assert "技能相符：包装" in ranked[0].reasons
    assert "每日3.5小时，在可工作的4小时以内" in ranked[0].reasons
    assert "月薪3,000元，达到期望的2,500元" in ranked[0].reasons
    assert "欠缺技能：电子装配" in ranked[1].reasons
    assert "每日8小时，超过可工作的4小时" in ranked[1].reasons
    by_post = selectors.ranked_seekers(user=staff, post=good)
    assert [r.obj.pk for r in by_post] == [seeker.pk]


def test_match_both_sides_accept_then_place_implements_nothing_without_care(world):
    staff = f.federation_staff(world.a)
    seeker = f.seeker(staff, f.disabled_person(world.a))
    emp = f.employer(staff, world.a, organisation=world.a.orgs["employer"])
    post = f.post(staff, emp, headcount=1)
    match = services.match_propose(actor=staff, seeker=seeker, post=post)
    assert match.status == MatchStatus.PROPOSED
    with pytest.raises(Conflict):
        services.match_propose(actor=staff, seeker=seeker, post=post)
    boss = f.employer_user(world.a, emp)
    match = services.match_answer(actor=boss, obj=match, name="employer_accept")
    assert match.status == MatchStatus.EMPLOYER_ACCEPTED
    with pytest.raises(AccessDenied):
        services.match_answer(actor=boss, obj=match, name="seeker_confirm")
    match = services.match_answer(actor=staff, obj=match, name="seeker_confirm")
    assert match.status == MatchStatus.ACCEPTED
    placement = services.match_place(
        actor=staff, obj=match, started_on=timezone.localdate(), monthly_pay_fen=300_000,
        daily_minutes=210, social_insurance=True,
    )  # fmt: skip
    match.refresh_from_db()
    seeker.refresh_from_db()
    post.refresh_from_db()
    assert match.status == MatchStatus.PLACED
    assert seeker.status == SeekerStatus.PLACED
    assert post.status == PostStatus.FILLED
    assert placement.route == Route.FIRM
    assert placement.care_measure_id is None


def test_decline_needs_a_reason_and_records_the_side(world):
    staff = f.federation_staff(world.a)
    seeker = f.seeker(staff, f.disabled_person(world.a))
    emp = f.employer(staff, world.a, organisation=world.a.orgs["employer"])
    match = services.match_propose(actor=staff, seeker=seeker, post=f.post(staff, emp))
    boss = f.employer_user(world.a, emp)
    with pytest.raises(ApplicationError, match="婉拒理由"):
        services.match_decline(actor=boss, obj=match, reason=" ", side="employer")
    match.refresh_from_db()
    assert match.status == MatchStatus.PROPOSED
    match = services.match_decline(actor=boss, obj=match, reason="岗位已满", side="employer")
    assert (match.status, match.declined_by, match.decline_reason) == (
        MatchStatus.DECLINED, "employer", "岗位已满",
    )  # fmt: skip


def test_another_employer_cannot_answer(world):
    staff = f.federation_staff(world.a)
    seeker = f.seeker(staff, f.disabled_person(world.a))
    emp = f.employer(staff, world.a, organisation=world.a.orgs["employer"])
    other = f.employer(staff, world.a, name="别的企业")
    match = services.match_propose(actor=staff, seeker=seeker, post=f.post(staff, emp))
    with pytest.raises(AccessDenied):
        services.match_answer(
            actor=f.employer_user(world.a, other), obj=match, name="employer_accept"
        )
    match.refresh_from_db()
    assert match.status == MatchStatus.PROPOSED


def test_page_buttons_agree_with_services(world):
    staff = f.federation_staff(world.a)
    seeker = f.seeker(staff, f.disabled_person(world.a))
    emp = f.employer(staff, world.a, organisation=world.a.orgs["employer"])
    match = services.match_propose(actor=staff, seeker=seeker, post=f.post(staff, emp))
    users = [staff, f.employer_user(world.a, emp), world.user(Role.COMMUNITY_STAFF, "b")]
    assert walk(MATCH_WORKFLOW, users, [match]) == []


def test_candidate_card_shows_only_what_was_agreed(world):
    staff = f.federation_staff(world.a)
    seeker = f.seeker(staff, f.disabled_person(world.a, name="李不公开"), share=["skills"])
    emp = f.employer(staff, world.a)
    match = services.match_propose(actor=staff, seeker=seeker, post=f.post(staff, emp))
    card = selectors.candidate_card(match)
    assert set(card) == {"code", "preferred_posts", "daily_hours", "shared", "skills"}
    assert "李不公开" not in str(card)


def test_sunshine_route_needs_a_sunshine_factory(world):
    staff = f.federation_staff(world.a)
    seeker = f.seeker(staff, f.disabled_person(world.a))
    firm = f.employer(staff, world.a)
    with pytest.raises(ApplicationError, match="阳光工厂"):
        f.sunshine_placement(staff, seeker, firm, timezone.localdate())
    assert Placement.objects.count() == 0
    seeker.refresh_from_db()
    assert seeker.status == SeekerStatus.VERIFIED


def test_placement_end_records_reason_and_person_seeks_again(world):
    staff, seeker, placement = f.placed_worker(world.a, days_ago=40)
    placement = services.placement_end(
        actor=staff,
        obj=placement,
        ended_on=timezone.localdate(),
        end_reason="health",
        end_notes="住院",
    )
    seeker.refresh_from_db()
    assert placement.status == PlacementStatus.ENDED
    assert placement.end_reason == "health"
    assert seeker.status == SeekerStatus.VERIFIED
    with pytest.raises(InvalidTransition):
        services.placement_end(
            actor=staff, obj=placement, ended_on=timezone.localdate(), end_reason="other"
        )


def test_followup_once_per_milestone(world):
    staff, seeker, placement = f.placed_worker(world.a, days_ago=100)
    start = placement.started_on
    due = selectors.followups_due(user=staff)
    assert [(d.placement.pk, d.month, d.overdue) for d in due] == [(placement.pk, 1, True)]
    services.followup_record(
        actor=staff, placement=placement, month=1, visited_on=start + dt.timedelta(days=31),
        still_employed=True, monthly_pay_fen=300_000,
    )  # fmt: skip
    before = AuditEvent.objects.count()
    with pytest.raises(Conflict, match="1个月"):
        services.followup_record(
            actor=staff, placement=placement, month=1, visited_on=timezone.localdate(),
            still_employed=True,
        )  # fmt: skip
    assert AuditEvent.objects.count() == before
    assert [d.month for d in selectors.followups_due(user=staff)] == [3]


def test_match_propose_refused_for_unverified_seeker(world):
    staff = f.federation_staff(world.a)
    person = f.disabled_person(world.a)
    seeker = services.seeker_submit_public(
        actor=None, name=person.name, id_number=person.id_number, phone_number="13912345678",
        division_name=world.a.village.name, intention=f.INTENTION,
    )  # fmt: skip
    emp = f.employer(staff, world.a)
    with pytest.raises(ApplicationError, match="核实后"):
        services.match_propose(actor=staff, seeker=seeker, post=f.post(staff, emp))
    assert Match.objects.count() == 0
