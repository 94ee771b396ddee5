"""The button walk (issue #10): for every state of a work order and every role that can see it,
the order page shows a transition's button exactly when the service, called with valid input,
accepts it. The page is rendered for real and the services really run (each in a savepoint
that is rolled back)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from lianxin.accounts.models import Assignment
from lianxin.core.errors import AccessDenied, ApplicationError
from lianxin.core.roles import Role
from lianxin.hotline import services
from lianxin.hotline.models import Status, WorkOrder
from lianxin.hotline.tests import factories as hotline_f
from lianxin.hotline.workflows import ACTION_NAMES, WORKORDER_WORKFLOW, perform

pytestmark = pytest.mark.django_db

STATES = [
    "received",
    "dispatched",
    "accepted",
    "handling",
    "extension_pending",
    "returned",
    "replied",
    "callback",
    "closed",
    "reopened",
    "merged",
]


class _Rollback(Exception):
    pass


def _unit_user(world: Any, org_key: str) -> Any:
    user = world.user(Role.UNIT_STAFF, "a")
    Assignment.objects.filter(user=user).update(organisation=world.a.orgs[org_key])
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def people(world: Any, agent: Any) -> dict[str, Any]:
    return {
        "agent": agent,
        "leader": world.user(Role.LEADER, "a"),
        "county_staff": world.user(Role.COUNTY_STAFF, "a"),
        "community_staff": world.user(Role.COMMUNITY_STAFF, "a"),
        "lead_unit": _unit_user(world, "municipal_engineering"),
        "support_unit": _unit_user(world, "traffic_police"),
        "other_unit": _unit_user(world, "education"),
    }


def _build(state: str, world: Any, people: dict[str, Any], make_order: Any) -> WorkOrder:
    """An order in ``state`` through the services themselves; the caller's household is linked
    so that 转介关爱帮扶 can be offered."""
    order = _walk_to(state, world, people, make_order)
    return WorkOrder.objects.get(pk=order.pk)


def _walk_to(state: str, world: Any, people: dict[str, Any], make_order: Any) -> WorkOrder:
    from lianxin.registry.tests.factories import household

    agent, unit = people["agent"], people["lead_unit"]
    order = make_order()
    WorkOrder.objects.filter(pk=order.pk).update(
        household=household(division=world.a.village, grid=world.a.grid)
    )
    order.refresh_from_db()
    if state == "merged":
        target = make_order(text="兴庆区胜利街路灯坏了，晚上看不见路")
        return services.workorder_merge(actor=agent, order=order, into=target)
    if state == "received":
        return order
    services.workorder_dispatch(
        actor=agent,
        order=order,
        lead_unit=world.a.orgs["municipal_engineering"],
        support_units=[world.a.orgs["traffic_police"]],
    )
    if state == "dispatched":
        return order
    if state == "returned":
        return services.workorder_return(actor=unit, order=order, reason="不属于本单位的职责")
    services.workorder_accept(actor=unit, order=order)
    if state == "accepted":
        return order
    services.workorder_add_note(actor=unit, order=order, text="已到现场核实")
    if state == "handling":
        return order
    if state == "extension_pending":
        services.workorder_request_extension(
            actor=unit, order=order, working_days=3, reason="需要采购灯具"
        )
        return order
    services.workorder_reply(actor=unit, order=order, text="路灯已修复")
    if state == "replied":
        return order
    satisfaction = "unsatisfied" if state == "reopened" else "satisfied"
    return services.workorder_callback(
        actor=agent,
        order=order,
        satisfaction=satisfaction,
        resolved=True,
        close=state != "callback",
    )


def _inputs(world: Any, target: WorkOrder) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """Valid input for every transition (data, files)."""
    orgs = world.a.orgs
    return {
        "dispatch": ({"lead_unit": orgs["municipal_engineering"].pk}, {}),
        "review_return": (
            {"upheld": "1", "note": "理由成立，改派", "lead_unit": orgs["education"].pk},
            {},
        ),
        "accept": ({}, {}),
        "co_accept": ({}, {}),
        "return": ({"reason": "不属于本单位的职责"}, {}),
        "note": ({"text": "现场核实属实", "kind": "handling"}, {}),
        "attachment": ({}, {}),  # the file: a fresh upload per call
        "request_extension": ({"working_days": "3", "reason": "需要采购灯具"}, {}),
        "decide_extension": ({"approve": "1", "note": "同意"}, {}),
        "reply": ({"text": "路灯已修复，恢复照明"}, {}),
        "callback": ({"satisfaction": "satisfied", "resolved": "1"}, {}),
        "close": ({"note": "已直接答复来电人"}, {}),
        "reopen": ({"reason": "群众再次来电反映"}, {}),
        "merge": ({"into": target.tracking_code}, {}),
        "supervise": ({"note": "请加快办理"}, {}),
        "escalate": ({"to_unit": "6401-municipal_engineering", "note": "涉及全市，提级"}, {}),
        "consult": ({"units": [orgs["human_resources"].pk], "note": "联合会商"}, {}),
        "refer_care": ({"note": "独居老人冬季生活困难"}, {}),
    }


def _png() -> SimpleUploadedFile:
    return SimpleUploadedFile("现场.png", b"\x89PNG\r\n\x1a\n0000")


def _accepted(user: Any, pk: int, action: str, data: dict[str, Any], files: dict[str, Any]) -> bool:
    """Would the service accept? Run it and roll everything back."""
    accepted = False
    try:
        with transaction.atomic():
            order = WorkOrder.objects.get(pk=pk)
            try:
                perform(user=user, order=order, action=action, data=data, files=files)
            except ApplicationError:
                accepted = False
            else:
                accepted = True
            raise _Rollback
    except _Rollback:
        pass
    return accepted


@pytest.mark.parametrize("state", STATES)
def test_page_shows_a_button_exactly_when_the_service_accepts(
    state, client, world, people, make_order
):
    hotline_f.city_municipal_unit(world)
    order = _build(state, world, people, make_order)
    target = make_order(text="兴庆区胜利街的路灯不亮，已经好几天了")
    inputs = _inputs(world, target)
    assert set(inputs) == set(ACTION_NAMES)
    seen_by = []
    for role, user in people.items():
        client.force_login(user)
        page = client.get(reverse("hotline:order_detail", args=[order.pk]))
        if page.status_code == 404:
            continue  # outside the user's scope: no page, and the actions' URLs 404 alike
        body = page.content.decode()
        seen_by.append(role)
        for action in ACTION_NAMES:
            url = reverse("hotline:order_action", args=[order.pk, action])
            shown = f'action="{url}"' in body
            data, files = inputs[action]
            files = {"file": _png()} if action == "attachment" else files
            accepted = _accepted(user, order.pk, action, data, files)
            assert shown == accepted, f"{state} {role} {action}: shown={shown} accepted={accepted}"
    assert {"agent", "leader", "county_staff"} <= set(seen_by)
    if state in ("dispatched", "accepted", "handling", "replied"):
        assert {"lead_unit", "support_unit"} <= set(seen_by)


def test_note_is_offered_after_the_reply(world, people, make_order, client):
    """The drift of issue #10: the service accepts a unit's note on a replied order; so does
    the page now."""
    order = _build("replied", world, people, make_order)
    assert order.status == Status.REPLIED
    client.force_login(people["lead_unit"])
    body = client.get(reverse("hotline:order_detail", args=[order.pk])).content.decode()
    assert reverse("hotline:order_action", args=[order.pk, "note"]) in body
    client.post(
        reverse("hotline:order_action", args=[order.pk, "note"]), {"text": "回访前再次核实"}
    )
    assert order.notes.filter(text="回访前再次核实").exists()


def test_declaration_refuses_what_the_page_hides(world, people, make_order):
    order = _build("dispatched", world, people, make_order)
    assert [t.name for t in WORKORDER_WORKFLOW.available(people["agent"], order)] == [
        "merge",
        "supervise",
        "escalate",
        "consult",
        "refer_care",
    ]
    with pytest.raises(AccessDenied, match="主办单位"):
        perform(user=people["support_unit"], order=order, action="reply", data={"text": "答复"})
    order.refresh_from_db()
    assert order.status == Status.DISPATCHED


def test_another_city_agent_is_refused(world, make_order):
    order = make_order()
    with pytest.raises(AccessDenied):
        services.workorder_dispatch(
            actor=world.user(Role.HOTLINE_AGENT, "b"),
            order=order,
            lead_unit=world.a.orgs["municipal_engineering"],
        )
    order.refresh_from_db()
    assert order.status == Status.RECEIVED
