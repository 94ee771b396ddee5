"""Every transition of the work-order state machine and its refusals."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lianxin.core.errors import AccessDenied, ApplicationError, InvalidTransition
from lianxin.core.models import AuditEvent
from lianxin.core.roles import Role
from lianxin.hotline import services
from lianxin.hotline.models import (
    AssignmentRole,
    ExtensionStatus,
    Status,
    WorkOrder,
    WorkOrderEvent,
)
from lianxin.hotline.tests import factories as hotline_f

pytestmark = pytest.mark.django_db


def test_transitions_table_names_only_real_states():
    from lianxin.hotline.workflows import WORKORDER_WORKFLOW

    for t in WORKORDER_WORKFLOW.transitions:
        assert set(t.sources) <= set(Status.values), t.name
        assert t.target is None or t.target in Status.values


def test_intake_creates_order_with_deadline_event_and_audit(make_order, world):
    before = AuditEvent.objects.count()
    order = make_order()
    assert order.status == Status.RECEIVED
    assert order.tracking_code.startswith("NX")
    assert len(order.tracking_code) == 16
    assert order.hotline == world.a.orgs["hotline"]
    assert order.caller_phone == "13995112233"
    assert order.caller_phone_hash
    assert order.dispatch_due_at > order.received_at
    assert order.due_at == order.dispatch_due_at
    assert WorkOrderEvent.objects.filter(order=order, action="intake").count() == 1
    assert AuditEvent.objects.count() == before + 1


def test_phone_is_encrypted_at_rest(make_order):
    from django.db import connection

    order = make_order()
    with connection.cursor() as cursor:
        cursor.execute("SELECT caller_phone FROM hotline_workorder WHERE id = %s", [order.pk])
        raw = cursor.fetchone()[0]
    assert "13995112233" not in raw


def test_idempotent_intake_gives_one_order(make_order):
    first = make_order(idempotency_key="abc-1")
    again, created = services.workorder_intake(
        actor=None, text="随便什么内容都一样返回原工单", idempotency_key="abc-1", channel="api"
    )
    assert again.pk == first.pk
    assert created is False
    assert WorkOrder.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"text": "   "}, "不能为空"),
        ({"text": "\ufffd\ufffd\ufffd\ufffd??"}, "无法识别"),
        ({"caller_phone": "12345"}, "电话号码格式不正确"),
        (
            {"area_code": None, "place": "", "text": "我家楼下的路灯坏了很久了没人修"},
            "无法确定诉求地点",
        ),
        ({"dept_type": "astrology"}, "诉求类别不正确"),
    ],
)
def test_bad_intake_is_refused_and_creates_nothing(make_order, kwargs, message):
    audits = AuditEvent.objects.count()
    with pytest.raises(ApplicationError, match=message):
        make_order(**kwargs)
    assert WorkOrder.objects.count() == 0
    assert AuditEvent.objects.count() == audits


def test_intake_locates_from_text_and_routes_when_not_given(agent):
    order, _ = services.workorder_intake(
        actor=agent,
        text="金凤区满城北街路灯坏了一个星期了，晚上特别黑",
        caller_phone="13995112233",
    )
    assert order.area_code.startswith("640106")
    assert order.dept_type == "municipal_engineering"
    assert order.routed_dept_type == "municipal_engineering"


def test_dispatch_accept_handle_reply_callback_close(dispatched, world, agent, unit_user):
    order = dispatched
    assert order.status == Status.DISPATCHED
    assert order.lead_unit == world.a.orgs["municipal_engineering"]
    assert order.reply_due_at
    assert order.due_at == order.reply_due_at
    services.workorder_accept(actor=unit_user, order=order)
    order.refresh_from_db()
    assert order.status == Status.ACCEPTED
    assert order.accepted_at
    services.workorder_add_note(
        actor=unit_user, order=order, text="已到现场核实，路灯线路老化", kind="verification"
    )
    order.refresh_from_db()
    assert order.status == Status.HANDLING
    assert "线路老化" in order.verification
    services.workorder_reply(actor=unit_user, order=order, text="已更换线路，路灯恢复照明")
    order.refresh_from_db()
    assert order.status == Status.REPLIED
    assert order.replied_on_time is True
    assert order.due_at is None
    services.workorder_callback(actor=agent, order=order, satisfaction="satisfied", resolved=True)
    order.refresh_from_db()
    assert order.status == Status.CLOSED
    assert order.satisfaction == "satisfied"
    actions = list(order.events.values_list("action", "from_status", "to_status"))
    assert actions == [
        ("intake", "", "received"),
        ("dispatch", "received", "dispatched"),
        ("accept", "dispatched", "accepted"),
        ("handle", "accepted", "handling"),
        ("reply", "handling", "replied"),
        ("callback", "replied", "callback"),
        ("close", "callback", "closed"),
    ]
    assert all(e.actor_id for e in order.events.all())


def test_unsatisfied_callback_reopens(dispatched, agent, unit_user, world):
    services.workorder_accept(actor=unit_user, order=dispatched)
    services.workorder_reply(actor=unit_user, order=dispatched, text="已经处理完毕")
    services.workorder_callback(
        actor=agent, order=dispatched, satisfaction="unsatisfied", resolved=False
    )
    dispatched.refresh_from_db()
    assert dispatched.status == Status.REOPENED
    assert dispatched.due_at is not None
    services.workorder_dispatch(
        actor=agent, order=dispatched, lead_unit=world.a.orgs["municipal_engineering"]
    )
    dispatched.refresh_from_db()
    assert dispatched.status == Status.DISPATCHED


def test_unit_cannot_accept_order_sent_to_another(dispatched, world):
    other = world.user(Role.UNIT_STAFF, "b")
    with pytest.raises(AccessDenied):
        services.workorder_accept(actor=other, order=dispatched)
    dispatched.refresh_from_db()
    assert dispatched.status == Status.DISPATCHED


def test_second_accept_is_refused(dispatched, world, unit_user):
    colleague = world.user(Role.UNIT_STAFF, "a")
    services.workorder_accept(actor=unit_user, order=dispatched)
    with pytest.raises(InvalidTransition, match="已签收"):
        services.workorder_accept(actor=colleague, order=dispatched)


def test_return_and_review(dispatched, world, agent, unit_user):
    with pytest.raises(ApplicationError, match="退单理由"):
        services.workorder_return(actor=unit_user, order=dispatched, reason="")
    services.workorder_return(actor=unit_user, order=dispatched, reason="该路段路灯属供电公司维护")
    dispatched.refresh_from_db()
    assert dispatched.status == Status.RETURNED
    assert dispatched.lead_unit is None
    # the unit no longer sees it
    assert not WorkOrder.objects.for_user(unit_user).filter(pk=dispatched.pk).exists()
    # a plain dispatch is refused: the return must be reviewed first
    with pytest.raises(InvalidTransition):
        services.workorder_dispatch(
            actor=agent, order=dispatched, lead_unit=world.a.orgs["education"]
        )
    # upheld → another unit, not the same
    with pytest.raises(ApplicationError, match="改派其他单位"):
        services.workorder_review_return(
            actor=agent,
            order=dispatched,
            upheld=True,
            note="理由成立",
            lead_unit=world.a.orgs["municipal_engineering"],
        )
    # not upheld → back to the unit that returned it
    services.workorder_review_return(
        actor=agent, order=dispatched, upheld=False, note="经核查属市政所职责"
    )
    dispatched.refresh_from_db()
    assert dispatched.status == Status.DISPATCHED
    assert dispatched.lead_unit == world.a.orgs["municipal_engineering"]
    assert WorkOrder.objects.for_user(unit_user).filter(pk=dispatched.pk).exists()


def test_supporting_unit_sees_and_signs_but_cannot_reply(world, agent, make_order):
    order = make_order()
    services.workorder_dispatch(
        actor=agent,
        order=order,
        lead_unit=world.a.orgs["municipal_engineering"],
        support_units=[world.a.orgs["traffic_police"]],
    )
    from lianxin.accounts.models import Assignment

    helper = world.user(Role.UNIT_STAFF, "a")
    Assignment.objects.filter(user=helper).update(organisation=world.a.orgs["traffic_police"])
    helper = type(helper).objects.get(pk=helper.pk)
    assert WorkOrder.objects.for_user(helper).filter(pk=order.pk).exists()
    services.workorder_accept(actor=helper, order=order)
    order.refresh_from_db()
    assert order.status == Status.DISPATCHED  # a supporting unit's signature does not move it
    assert order.assignments.get(role=AssignmentRole.SUPPORT).accepted_at
    with pytest.raises(AccessDenied, match="主办单位"):
        services.workorder_reply(actor=helper, order=order, text="协办单位不能答复")


def test_extension_request_and_approval(dispatched, agent, unit_user):
    services.workorder_accept(actor=unit_user, order=dispatched)
    dispatched.refresh_from_db()
    due = dispatched.reply_due_at
    ext = services.workorder_request_extension(
        actor=unit_user, order=dispatched, working_days=3, reason="需要采购灯具"
    )
    with pytest.raises(AccessDenied):
        services.workorder_decide_extension(actor=unit_user, extension=ext, approve=True)
    services.workorder_decide_extension(actor=agent, extension=ext, approve=True, note="同意")
    dispatched.refresh_from_db()
    ext.refresh_from_db()
    assert ext.status == ExtensionStatus.APPROVED
    assert dispatched.reply_due_at > due
    with pytest.raises(InvalidTransition):
        services.workorder_decide_extension(actor=agent, extension=ext, approve=False)


def test_attachment_checks_content(dispatched, unit_user):
    services.workorder_accept(actor=unit_user, order=dispatched)
    good = SimpleUploadedFile("现场.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20)
    att = services.workorder_add_attachment(actor=unit_user, order=dispatched, upload=good)
    assert att.size > 0
    fake = SimpleUploadedFile("现场.png", b"MZ\x90\x00not a png")
    with pytest.raises(ApplicationError, match="不符"):
        services.workorder_add_attachment(actor=unit_user, order=dispatched, upload=fake)
    exe = SimpleUploadedFile("run.exe", b"MZ")
    with pytest.raises(ApplicationError, match="只能上传"):
        services.workorder_add_attachment(actor=unit_user, order=dispatched, upload=exe)


def test_merge_duplicate(make_order, agent):
    first = make_order()
    second = make_order(text="兴庆区胜利街的路灯不亮一周了")
    services.workorder_merge(actor=agent, order=second, into=first)
    second.refresh_from_db()
    assert second.status == Status.MERGED
    assert second.merged_into == first
    with pytest.raises(InvalidTransition):
        services.workorder_merge(actor=agent, order=second, into=first)
    with pytest.raises(ApplicationError):
        services.workorder_merge(actor=agent, order=first, into=first)


def test_direct_close_needs_answer(make_order, agent):
    order = make_order(text="请问兴庆区办理居住证需要带什么材料", dept_type="public_security")
    with pytest.raises(ApplicationError, match="答复内容"):
        services.workorder_close(actor=agent, order=order)
    services.workorder_close(actor=agent, order=order, note="已告知需携带身份证和租房合同")
    order.refresh_from_db()
    assert order.status == Status.CLOSED
    services.workorder_reopen(actor=agent, order=order, reason="群众再次来电")
    order.refresh_from_db()
    assert order.status == Status.REOPENED


def test_supervise_and_escalate(dispatched, agent, world, unit_user):
    services.workorder_supervise(actor=agent, order=dispatched, note="请加快")
    dispatched.refresh_from_db()
    assert dispatched.supervised
    assert dispatched.status == Status.DISPATCHED
    with pytest.raises(AccessDenied):
        services.workorder_supervise(
            actor=world.user(Role.VOLUNTEER, "a"), order=dispatched, note="x"
        )
    city_unit = hotline_f.city_municipal_unit(world)
    with pytest.raises(ApplicationError, match="更高层级"):
        services.workorder_escalate(
            actor=agent, order=dispatched, to_unit=world.a.orgs["traffic_police"], note="难以解决"
        )
    services.workorder_escalate(
        actor=agent, order=dispatched, to_unit=city_unit, note="跨部门难以解决"
    )
    dispatched.refresh_from_db()
    assert dispatched.escalated
    assert dispatched.lead_unit == city_unit
    # the former lead unit now supports
    assert (
        dispatched.assignments.get(
            organisation=world.a.orgs["municipal_engineering"], is_active=True
        ).role
        == "support"
    )
    services.workorder_consult(
        actor=agent, order=dispatched, units=[world.a.orgs["human_resources"]], note="联席会商"
    )
    assert dispatched.assignments.filter(is_active=True).count() == 3


def test_invalid_transition_has_chinese_message(make_order, unit_user, world, agent):
    order = make_order()
    with pytest.raises(InvalidTransition, match="工单当前状态为「已受理」，不能回访"):
        services.workorder_callback(
            actor=agent, order=order, satisfaction="satisfied", resolved=True
        )


def test_refer_to_care_without_care_service(dispatched, agent):
    with (
        mock.patch("importlib.import_module", side_effect=ImportError),
        pytest.raises(ApplicationError, match="关爱帮扶"),
    ):
        services.workorder_refer_to_care(actor=agent, order=dispatched, note="独居老人")


def test_caller_linked_to_registry_person(world, agent):
    """The caller is matched within the taker's area only (issue #11; test_caller_scoping)."""
    from lianxin.registry.models import Person

    fields = {f.name for f in Person._meta.get_fields()}
    assert "phone_hash" in fields
    with (
        mock.patch("lianxin.hotline.selectors.caller_person") as find,
        mock.patch("lianxin.registry.selectors.current_household_of", return_value=None),
    ):
        find.return_value = None
        hotline_f.intake(world, agent, "兴庆区胜利街路灯坏了")
        find.assert_called_once_with(
            user=agent, phone_number="13995112233", area_code=world.a.village.code
        )


def test_refer_to_care_opens_a_care_case(world, agent, make_order):
    from lianxin.registry.tests.factories import household

    home = household(division=world.a.village, grid=world.a.grid)
    order = make_order(text="兴庆区安秀社区独居老人家里没有暖气，生活困难")
    WorkOrder.objects.filter(pk=order.pk).update(household=home)
    order.refresh_from_db()
    services.workorder_refer_to_care(actor=agent, order=order, note="独居老人冬季取暖困难")
    order.refresh_from_db()
    assert order.referred_to_care
    event = order.events.get(action="refer_care")
    assert event.data["care_case"]
    with pytest.raises(ApplicationError):
        services.workorder_refer_to_care(actor=agent, order=order, note="再次转介")


def test_tracking_code_collision_draws_again(make_order):
    first = make_order()
    codes = iter([first.tracking_code, "NX261122ZZZZZZZZ"])
    with mock.patch(
        "lianxin.hotline.services.reception.new_tracking_code",
        side_effect=lambda now=None: next(codes),
    ):
        second = make_order(text="兴庆区胜利街又有一盏路灯不亮")
    assert second.tracking_code == "NX261122ZZZZZZZZ"
    assert WorkOrder.objects.count() == 2


def test_intake_keeps_full_width_chinese_punctuation_in_the_text(agent):
    """Issue #12: NFKC turned "，" into ","; the text is kept as typed, while location and
    routing still read full-width digits and letters."""
    text = "金凤区满城北街１２号路灯坏了，晚上特别黑！能否尽快修？电话：１３９９５１１２２３。"
    order, _ = services.workorder_intake(actor=agent, text=text, caller_phone="13995112233")
    order.refresh_from_db()
    assert order.text == text
    assert "，" in order.text
    assert "," not in order.text
    assert order.area_code.startswith("640106")
    assert order.dept_type == "municipal_engineering"
