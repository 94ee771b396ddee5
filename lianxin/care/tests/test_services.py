"""Every transition of the care workflow and every refusal; refusals change nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from lianxin.care import services
from lianxin.care.models import (
    CareCase,
    Discovery,
    Escalation,
    Evaluation,
    Investigation,
    JointMeeting,
    Measure,
    MeasureStatus,
    Recognition,
    Stage,
)
from lianxin.care.services import IncompleteRecord
from lianxin.care.tests import factories as f
from lianxin.core.errors import AccessDenied, ApplicationError, Conflict, InvalidTransition
from lianxin.core.models import AuditEvent
from lianxin.core.roles import Role


def _snapshot(case: CareCase) -> tuple:
    case.refresh_from_db()
    return (case.stage, case.grade, case.batch_id, case.leader_id, AuditEvent.objects.count())


# --- discovery --------------------------------------------------------------------------------


def test_discover_opens_a_case_with_its_first_report(world):
    a = f.Actors(world)
    hh = f.household(a.site)
    case = services.case_discover(
        actor=a.grid_worker, household=hh, source="grid_visit", description="老人独居，行动不便"
    )
    assert case.stage == Stage.DISCOVERED
    assert case.area_code == a.site.village.code
    assert case.grid_id == a.site.grid.pk
    assert case.number.startswith("GA")
    assert list(case.discoveries.values_list("source", "reporter", "description")) == [
        ("grid_visit", a.grid_worker.pk, "老人独居，行动不便")
    ]
    assert AuditEvent.objects.for_target(case).filter(action="care.case.discover").count() == 1


def test_discover_refuses_missing_description_and_names_it(world):
    a = f.Actors(world)
    hh = f.household(a.site)
    with pytest.raises(IncompleteRecord) as exc:
        services.case_discover(
            actor=a.grid_worker, household=hh, source="nonsense", description=" "
        )
    assert exc.value.message == "发现报告缺少：发现渠道、初步情况"
    assert CareCase.objects.count() == 0


def test_proxy_application_names_the_applicant(world):
    a = f.Actors(world)
    with pytest.raises(IncompleteRecord) as exc:
        services.case_discover(
            actor=a.community,
            household=f.household(a.site),
            source="proxy_application",
            description="代办申请",
        )
    assert exc.value.missing == ["申请人/代办人"]


def test_discover_refuses_a_household_of_another_area(world):
    a = f.Actors(world)
    hh_b = f.household(world.b)
    with pytest.raises(AccessDenied):
        services.case_discover(
            actor=a.grid_worker, household=hh_b, source="grid_visit", description="x"
        )
    assert CareCase.objects.count() == 0


def test_one_open_case_per_household(world):
    case, a = f.case_at(world, "discovered")
    with pytest.raises(Conflict) as exc:
        services.case_discover(
            actor=a.grid_worker,
            household=case.household,
            source="grid_visit",
            description="再次发现",
        )
    assert case.number in exc.value.message
    assert CareCase.objects.count() == 1


def test_referral_opens_once_and_joins_an_open_case(world):
    a = f.Actors(world)
    hh = f.household(a.site)
    agent = world.user(Role.HOTLINE_AGENT, "a")
    first = services.case_open_from_referral(
        actor=agent,
        household=hh,
        source_type="hotline.workorder",
        source_id=41,
        description="市民来电反映",
    )
    again = services.case_open_from_referral(
        actor=agent,
        household=hh,
        source_type="hotline.workorder",
        source_id="41",
        description="市民来电反映",
    )
    alert = services.case_open_from_referral(
        actor=None,
        household=hh,
        source_type="monitoring.alert",
        source_id=7,
        description="应享未享预警",
    )
    assert first.pk == again.pk == alert.pk
    assert first.source == "hotline_referral"
    assert list(Discovery.objects.filter(case=first).values_list("source", "source_id")) == [
        ("hotline_referral", "41"),
        ("data_comparison", "7"),
    ]


def test_referral_refuses_a_malformed_source(world):
    hh = f.household(world.a)
    with pytest.raises(IncompleteRecord) as exc:
        services.case_open_from_referral(
            actor=None, household=hh, source_type="WorkOrder", source_id="", description=""
        )
    assert exc.value.missing == ["来源对象类型", "来源对象ID", "初步情况"]
    assert CareCase.objects.count() == 0


# --- investigation ----------------------------------------------------------------------------


def test_investigation_refused_names_every_missing_item_and_changes_nothing(world):
    case, a = f.case_at(world, "discovered")
    before = _snapshot(case)
    with pytest.raises(IncompleteRecord) as exc:
        services.case_investigate(
            actor=a.grid_worker,
            case=case,
            data={
                "visited_on": dt.date(2026, 11, 20),
                "has_disabled_member": True,
                "residents": "祖孙三人",
            },
        )
    assert exc.value.missing == [
        "共同生活人数",
        "家庭月收入（分）",
        "住房情况",
        "健康状况",
        "残疾情况",
        "取暖情况",
        "主要需求",
    ]
    assert _snapshot(case) == before
    assert not Investigation.objects.filter(case=case).exists()


def test_draft_then_submit(world):
    case, a = f.case_at(world, "discovered")
    services.investigation_save(
        actor=a.grid_worker, case=case, data={"residents": "独居老人", "resident_count": 1}
    )
    case.refresh_from_db()
    assert case.stage == Stage.DISCOVERED
    data = f.investigation_data()
    del data["residents"], data["resident_count"]
    case = services.case_investigate(actor=a.grid_worker, case=case, data=data)
    assert case.stage == Stage.INVESTIGATED
    assert case.investigation.residents == "独居老人"
    assert case.investigation.submitted_at is not None


def test_investigation_refuses_foreign_fields(world):
    case, a = f.case_at(world, "discovered")
    with pytest.raises(ApplicationError, match="stage"):
        services.investigation_save(actor=a.grid_worker, case=case, data={"stage": "closed"})


def test_investigation_by_a_grid_worker_of_another_grid_is_refused(world):
    case, a = f.case_at(world, "discovered")
    other = world.user(Role.GRID_WORKER, "a", grid=world.a.other_grid)
    with pytest.raises(AccessDenied):
        services.case_investigate(actor=other, case=case, data=f.investigation_data())


def test_investigation_computes_the_grade(world):
    case, _ = f.case_at(world, "investigated", child_without_carer=True, care_notes="父亡母离家")
    assert (case.grade, case.computed_grade, case.grade_rank) == ("red", "red", 1)
    assert case.grade_reasons == ["R1 儿童事实无人抚养"]


def test_photo_must_be_an_image(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case, a = f.case_at(world, "discovered")
    with pytest.raises(ApplicationError, match="JPEG"):
        services.investigation_add_photo(
            actor=a.grid_worker,
            case=case,
            upload=SimpleUploadedFile("x.jpg", b"MZ\x90\x00fake-exe"),
        )
    photo = services.investigation_add_photo(
        actor=a.grid_worker,
        case=case,
        upload=SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20),
        caption="厨房",
    )
    assert photo.content_type == "image/png"
    assert photo.file.name.endswith(".png")
    photo.file.delete(save=False)


# --- grade override ---------------------------------------------------------------------------


def test_grade_override_needs_a_reason(world):
    case, a = f.case_at(world, "investigated")
    assert case.grade == "blue"
    with pytest.raises(IncompleteRecord) as exc:
        services.case_set_grade(actor=a.community, case=case, grade="red", reason="")
    assert exc.value.message == "调整分级缺少：调整理由"
    case = services.case_set_grade(actor=a.community, case=case, grade="red", reason="老人突发疾病")
    assert (case.grade, case.computed_grade, case.grade_rank) == ("red", "blue", 1)
    case = services.case_set_grade(actor=a.community, case=case, grade="", reason="")
    assert (case.grade, case.grade_override_reason) == ("blue", "")


# --- review and recognition -------------------------------------------------------------------


def test_transition_out_of_order_is_refused(world):
    case, a = f.case_at(world, "discovered")
    before = _snapshot(case)
    with pytest.raises(InvalidTransition) as exc:
        services.case_recognise(
            actor=a.township, case=case, batch=f.batch(), checklist=f.ALL_CRITERIA
        )
    assert exc.value.message == "案件当前处于「已发现」阶段，不能进入「乡镇(街道)已认定」"
    assert _snapshot(case) == before


def test_community_review_names_missing_participants(world):
    case, a = f.case_at(world, "investigated")
    before = _snapshot(case)
    with pytest.raises(IncompleteRecord) as exc:
        services.case_review_by_community(
            actor=a.community, case=case, held_on=dt.date(2026, 11, 21), participants="", opinion=""
        )
    assert exc.value.message == "社区评议缺少：参加人员、评议意见"
    assert _snapshot(case) == before


def test_grid_worker_cannot_record_the_community_review(world):
    case, a = f.case_at(world, "investigated")
    with pytest.raises(AccessDenied):
        services.case_review_by_community(
            actor=a.grid_worker,
            case=case,
            held_on=dt.date(2026, 11, 21),
            participants="x",
            opinion="y",
        )


def test_township_cannot_recognise_a_case_outside_its_area(world):
    case, a = f.case_at(world, "reviewed")
    township_b = world.user(Role.TOWNSHIP_STAFF, "b")
    before = _snapshot(case)
    with pytest.raises(AccessDenied) as exc:
        services.case_recognise(
            actor=township_b, case=case, batch=f.batch(), checklist=f.ALL_CRITERIA
        )
    assert exc.value.message == "该住户不在您所在乡镇(街道)的辖区内，不能认定"
    with pytest.raises(AccessDenied):
        services.case_reject(actor=township_b, case=case, reason="不符合")
    assert _snapshot(case) == before
    assert not Recognition.objects.exists()


def test_county_staff_is_not_the_township(world):
    case, a = f.case_at(world, "reviewed")
    with pytest.raises(AccessDenied):
        services.case_recognise(
            actor=a.county, case=case, batch=f.batch(), checklist=f.ALL_CRITERIA
        )


def test_recognition_names_unchecked_criteria_and_the_batch(world):
    case, a = f.case_at(world, "reviewed")
    before = _snapshot(case)
    with pytest.raises(IncompleteRecord) as exc:
        services.case_recognise(
            actor=a.township,
            case=case,
            batch=None,
            checklist={"target_group": True, "investigation_verified": True},
        )
    assert exc.value.missing == [
        "社区评议程序完成，意见明确",
        "困难靠单一部门政策难以解决，需要综合帮扶",
        "批次",
    ]
    assert _snapshot(case) == before


def test_recognition_fills_the_batch(world):
    a = f.Actors(world)
    hh = f.household(a.site, members=[("祖父", "户主"), ("祖母", "配偶"), ("孙子", "孙子女")])
    case, _ = f.case_at(world, "recognised", actors=a, hh=hh)
    assert case.stage == Stage.RECOGNISED
    assert case.person_count == 3
    assert case.batch is not None


def test_closed_batch_refuses_recognition(world):
    case, a = f.case_at(world, "reviewed")
    b = f.batch()
    b.is_open = False
    b.save()
    with pytest.raises(ApplicationError, match="停止接收"):
        services.case_recognise(actor=a.township, case=case, batch=b, checklist=f.ALL_CRITERIA)


def test_rejection_needs_its_reason(world):
    case, a = f.case_at(world, "reviewed")
    with pytest.raises(IncompleteRecord) as exc:
        services.case_reject(actor=a.township, case=case, reason=" ")
    assert exc.value.missing == ["不予认定的理由"]
    case = services.case_reject(
        actor=a.township, case=case, reason="家庭收入高于标准，已有稳定赡养"
    )
    assert case.stage == Stage.REJECTED
    assert case.recognition.decision == "rejected"
    # a rejected household may be discovered again later
    again = services.case_discover(
        actor=a.grid_worker, household=case.household, source="grid_visit", description="情况变化"
    )
    assert again.pk != case.pk


# --- plan and measures ------------------------------------------------------------------------


def test_plan_approval_names_what_is_missing(world):
    case, a = f.case_at(world, "recognised")
    before = _snapshot(case)
    with pytest.raises(IncompleteRecord) as exc:
        services.plan_approve(actor=a.township, case=case)
    assert exc.value.message == "一户一策方案缺少：帮扶目标、至少一项措施、包抓领导、结对单位"
    assert _snapshot(case) == before


def test_measure_needs_action_unit_and_deadline(world):
    case, a = f.case_at(world, "recognised")
    with pytest.raises(IncompleteRecord) as exc:
        f.measure(a.township, case, "", "", None, None)
    assert exc.value.missing == ["关爱行动", "措施内容", "责任单位", "完成时限"]
    assert Measure.objects.count() == 0


def test_measure_before_recognition_is_refused(world):
    case, a = f.case_at(world, "reviewed")
    with pytest.raises(InvalidTransition):
        f.measure(a.township, case, "education", "x", a.site.orgs["education"])


def test_plan_leader_must_lead_the_area(world):
    case, a = f.case_at(world, "recognised")
    leader_b = world.user(Role.LEADER, "b")
    with pytest.raises(ApplicationError, match="包抓领导"):
        services.plan_save(actor=a.township, case=case, goal="x", leader=leader_b, paired_unit=None)


def test_plan_approved(world):
    case, a = f.case_at(world, "planned")
    assert case.stage == Stage.PLANNED
    assert case.plan.approved_by == a.township
    m = case.measures.get()
    assert (m.batch_id, m.grade_rank, m.paired_unit_id) == (
        case.batch_id,
        case.grade_rank,
        a.site.orgs["civil_affairs"].pk,
    )


def test_measure_of_another_unit_cannot_be_marked_implemented(world):
    case, a = f.case_at(world, "planned")
    measure = case.measures.get()
    education_officer = world.user(Role.COUNTY_STAFF, "a")
    education_officer.assignments.update(organisation=a.site.orgs["education"])
    before = (measure.status, AuditEvent.objects.count())
    with pytest.raises(AccessDenied) as exc:
        services.measure_implement(actor=education_officer, measure=measure, evidence="已发放")
    assert (
        exc.value.message
        == f"该措施的责任单位是{a.site.orgs['civil_affairs'].name}，您不能确认落实"
    )
    measure.refresh_from_db()
    assert (measure.status, AuditEvent.objects.count()) == before
    # nor by the township, nor by the grid worker
    for actor in (a.township, a.grid_worker):
        with pytest.raises(AccessDenied):
            services.measure_implement(actor=actor, measure=measure, evidence="已发放")


def test_measure_start_implement_and_its_evidence(world):
    case, a = f.case_at(world, "planned")
    measure = case.measures.get()
    measure = services.measure_start(actor=a.county, measure=measure)
    assert measure.status == MeasureStatus.IN_PROGRESS
    with pytest.raises(IncompleteRecord) as exc:
        services.measure_implement(actor=a.county, measure=measure, evidence="")
    assert exc.value.missing == ["落实佐证"]
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.IN_PROGRESS
    measure = services.measure_implement(
        actor=a.county, measure=measure, evidence="已发放临时救助4140元"
    )
    assert (measure.status, measure.implemented_by) == (MeasureStatus.IMPLEMENTED, a.county)
    with pytest.raises(InvalidTransition):
        services.measure_cancel(actor=a.county, measure=measure, reason="x")


def test_measure_before_plan_approval_cannot_start(world):
    case, a = f.case_at(world, "recognised")
    m = f.measure(a.township, case, "medical", "医疗救助", a.site.orgs["civil_affairs"])
    with pytest.raises(InvalidTransition):
        services.measure_start(actor=a.county, measure=m)


def test_community_committee_measure_is_implemented_by_its_grid_worker(world):
    case, a = f.case_at(world, "planned")
    committee = f.community_org(a.site)
    m = f.measure(a.township, case, "children", "带孩子参加社区活动", committee)
    m = services.measure_implement(
        actor=a.grid_worker, measure=m, evidence="每周六参加社区四点半课堂"
    )
    assert m.status == MeasureStatus.IMPLEMENTED
    grid_worker_b = world.user(Role.GRID_WORKER, "b")
    m2 = f.measure(a.township, case, "children", "结对陪伴", committee)
    with pytest.raises(AccessDenied):
        services.measure_implement(actor=grid_worker_b, measure=m2, evidence="x")


def test_measure_cancel_needs_a_reason(world):
    case, a = f.case_at(world, "planned")
    m = case.measures.get()
    with pytest.raises(IncompleteRecord):
        services.measure_cancel(actor=a.township, measure=m, reason="")
    m = services.measure_cancel(actor=a.township, measure=m, reason="已纳入低保，无需临时救助")
    assert m.status == MeasureStatus.CANCELLED


def test_measure_delivery_link(world):
    case, a = f.case_at(world, "planned")
    m = case.measures.get()
    with pytest.raises(ApplicationError):
        services.measure_link_delivery(
            actor=a.county, measure=m, delivery_type="Benefits Entitlement", delivery_id="3"
        )
    with pytest.raises(IncompleteRecord):
        services.measure_link_delivery(
            actor=a.county, measure=m, delivery_type="benefits.entitlement", delivery_id=""
        )
    m = services.measure_link_delivery(
        actor=a.county,
        measure=m,
        delivery_type="benefits.entitlement",
        delivery_id=3,
        label="临时救助待遇",
    )
    assert (m.delivery_type, m.delivery_id, m.delivery_label) == (
        "benefits.entitlement",
        "3",
        "临时救助待遇",
    )
    assert (
        Measure.objects.filter(delivery_type="benefits.entitlement", delivery_id="3").count() == 1
    )


# --- tracking, evaluation, acceptance ---------------------------------------------------------


def test_followup_moves_the_case_into_tracking(world):
    case, a = f.case_at(world, "planned")
    m = case.measures.get()
    fu = services.followup_record(
        actor=a.leader,
        case=case,
        visited_on=dt.date(2026, 11, 21),
        notes="领导走访",
        measure_progress={m.pk: "材料已报民政局"},
    )
    case.refresh_from_db()
    assert case.stage == Stage.TRACKING
    assert fu.measure_progress == {str(m.pk): "材料已报民政局"}


def test_followup_refuses_foreign_measures_and_missing_notes(world):
    case, a = f.case_at(world, "planned")
    other, _ = f.case_at(world, "planned")
    with pytest.raises(IncompleteRecord):
        services.followup_record(
            actor=a.grid_worker, case=case, visited_on=dt.date(2026, 11, 21), notes=""
        )
    with pytest.raises(ApplicationError, match="不属于本案件"):
        services.followup_record(
            actor=a.grid_worker,
            case=case,
            visited_on=dt.date(2026, 11, 21),
            notes="x",
            measure_progress={other.measures.get().pk: "y"},
        )
    case.refresh_from_db()
    assert case.stage == Stage.PLANNED


def test_followup_before_the_plan_is_refused(world):
    case, a = f.case_at(world, "recognised")
    with pytest.raises(InvalidTransition):
        services.followup_record(
            actor=a.grid_worker, case=case, visited_on=dt.date(2026, 11, 21), notes="x"
        )


def test_evaluation_to_close_names_open_measures(world):
    case, a = f.case_at(world, "tracking")
    before = _snapshot(case)
    with pytest.raises(IncompleteRecord) as exc:
        services.case_evaluate(
            actor=a.township,
            case=case,
            evaluated_on=dt.date(2026, 11, 22),
            outcome="生活改善",
            decision="close",
        )
    assert exc.value.missing == ["措施「申请临时救助」尚未落实或取消"]
    assert _snapshot(case) == before


def test_evaluation_names_missing_outcome(world):
    case, a = f.case_at(world, "tracking")
    with pytest.raises(IncompleteRecord) as exc:
        services.case_evaluate(
            actor=a.township, case=case, evaluated_on=dt.date(2026, 11, 22), outcome="", decision=""
        )
    assert exc.value.missing == ["帮扶成效", "评估结论"]


def test_evaluate_continue_then_accept_then_track_again(world):
    case, a = f.case_at(world, "tracking")
    ev = services.case_evaluate(
        actor=a.township,
        case=case,
        evaluated_on=dt.date(2026, 11, 22),
        outcome="部分改善",
        decision="continue",
    )
    case.refresh_from_db()
    assert case.stage == Stage.EVALUATED
    with pytest.raises(AccessDenied):
        services.case_accept(actor=a.township, case=case)  # the evaluator himself
    case = services.case_accept(actor=a.township2, case=case)
    assert case.stage == Stage.CONTINUED
    ev.refresh_from_db()
    assert ev.accepted_by == a.township2
    services.followup_record(
        actor=a.grid_worker, case=case, visited_on=dt.date(2026, 11, 22), notes="继续帮扶回访"
    )
    case.refresh_from_db()
    assert case.stage == Stage.TRACKING


def test_evaluate_close_and_accept(world):
    case, a = f.case_at(world, "tracking")
    services.measure_implement(actor=a.county, measure=case.measures.get(), evidence="已发放")
    services.case_evaluate(
        actor=a.township,
        case=case,
        evaluated_on=dt.date(2026, 11, 22),
        outcome="基本生活有保障",
        decision="close",
    )
    case = services.case_accept(actor=a.county, case=case)
    assert case.stage == Stage.CLOSED
    assert case.closed_at is not None
    assert Evaluation.objects.get(case=case).accepted_by == a.county


def test_accept_before_evaluation_is_refused(world):
    case, a = f.case_at(world, "tracking")
    with pytest.raises(InvalidTransition):
        services.case_accept(actor=a.township2, case=case)


# --- escalation and joint meeting -------------------------------------------------------------


def test_escalation_and_joint_meeting_decisions_become_measures(world):
    case, a = f.case_at(world, "tracking")
    m = case.measures.get()
    with pytest.raises(IncompleteRecord):
        services.escalation_raise(actor=a.county, measure=m, kind="", reason="")
    esc = services.escalation_raise(
        actor=a.county, measure=m, kind="higher_level", reason="临时救助额度不足以解决住房问题"
    )
    with pytest.raises(Conflict):
        services.escalation_raise(actor=a.county, measure=m, kind="consultation", reason="再次提请")
    city_staff = world.user(Role.CITY_STAFF, "a")
    with pytest.raises(AccessDenied):
        services.joint_meeting_schedule(
            actor=a.grid_worker,
            area_code=a.site.city.code,
            title="x",
            scheduled_on=dt.date(2026, 11, 25),
        )
    meeting = services.joint_meeting_schedule(
        actor=city_staff,
        area_code=a.site.city.code,
        title="银川市关爱帮扶联席会议第1次",
        scheduled_on=dt.date(2026, 11, 25),
    )
    esc.refresh_from_db()
    assert (esc.meeting_id, esc.status) == (meeting.pk, Escalation.Status.ON_AGENDA)
    with pytest.raises(InvalidTransition):
        services.joint_meeting_decide(
            actor=city_staff,
            meeting=meeting,
            escalation=esc,
            decision="x",
            action="housing",
            title="x",
            responsible_unit=a.site.orgs["civil_affairs"],
            deadline=dt.date(2027, 1, 1),
        )
    with pytest.raises(IncompleteRecord):
        services.joint_meeting_record_minutes(
            actor=city_staff, meeting=meeting, held_on=dt.date(2026, 11, 22), minutes=""
        )
    services.joint_meeting_record_minutes(
        actor=city_staff,
        meeting=meeting,
        held_on=dt.date(2026, 11, 22),
        minutes="会议研究了住房问题",
    )
    with pytest.raises(IncompleteRecord) as exc:
        services.joint_meeting_close(actor=city_staff, meeting=meeting)
    assert exc.value.missing == ["议题「申请临时救助」的决定"]
    housing = f.org(a.site, "兴庆区住房和城乡建设局", dept_type="housing_construction")
    new = services.joint_meeting_decide(
        actor=city_staff,
        meeting=meeting,
        escalation=esc,
        decision="由住建局通过绿色通道配租公租房",
        action="housing",
        title="公租房绿色通道配租",
        responsible_unit=housing,
        deadline=dt.date(2026, 12, 31),
    )
    assert (new.case_id, new.responsible_unit, new.decided_by_meeting) == (
        case.pk,
        housing,
        meeting,
    )
    m.refresh_from_db()
    assert m.status == MeasureStatus.CANCELLED
    assert "联席会议" in m.cancel_reason
    meeting = services.joint_meeting_close(actor=city_staff, meeting=meeting)
    assert meeting.status == JointMeeting.Status.CLOSED


def test_joint_meeting_needs_an_agenda(world):
    city_staff = world.user(Role.CITY_STAFF, "a")
    with pytest.raises(IncompleteRecord) as exc:
        services.joint_meeting_schedule(
            actor=city_staff,
            area_code=world.a.city.code,
            title="x",
            scheduled_on=dt.date(2026, 11, 25),
        )
    assert exc.value.missing == ["待上会的会商提级事项"]
    assert not JointMeeting.objects.exists()


def test_priority_refresh_counts_measures_and_escalations(
    world, django_capture_on_commit_callbacks
):
    case, a = f.case_at(world, "tracking")
    with django_capture_on_commit_callbacks(execute=True):
        services.escalation_raise(
            actor=a.county, measure=case.measures.get(), kind="consultation", reason="需多部门会商"
        )
    case.refresh_from_db()
    assert case.priority == 0 + 1 + 2
    assert case.measures.get().priority == 3


def test_batch_create(world):
    county = world.user(Role.COUNTY_STAFF, "a")
    b = services.batch_create(
        actor=county, name="兴庆区第一批", sequence=1, area_code=world.a.county.code
    )
    assert b.sequence == 1
    with pytest.raises(Conflict):
        services.batch_create(actor=county, name="重复", sequence=1, area_code=world.a.county.code)
    with pytest.raises(AccessDenied):
        services.batch_create(
            actor=world.user(Role.GRID_WORKER, "a"),
            name="x",
            sequence=2,
            area_code=world.a.county.code,
        )
