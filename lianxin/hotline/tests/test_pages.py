"""Pages: intake with the proposal, queues, detail and actions, home panels, public pages."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from lianxin.core.roles import Role
from lianxin.hotline import services
from lianxin.hotline.models import RoutingCorrection, Status, WorkOrder
from lianxin.hotline.tests import factories as f

pytestmark = pytest.mark.django_db


def test_propose_shows_unit_and_explanation(client, agent, world, make_order):
    make_order(text="兴庆区胜利街路灯坏了一个星期，晚上很黑")
    client.force_login(agent)
    body = client.post(
        "/hotline/intake/propose/",
        {"text": "胜利街的路灯坏了一星期了，晚上很黑", "place": "兴庆区胜利街"},
    ).content.decode()
    assert world.a.orgs["municipal_engineering"].name in body
    assert "理由" in body
    assert "可合并" in body


def test_intake_page_dispatches_and_stores_correction(client, agent, world):
    client.force_login(agent)
    assert client.get("/hotline/intake/").status_code == 200
    proposal = '{"dept_type": "municipal_engineering", "unit": {"code": "x"}, "confidence": 0.9}'
    response = client.post(
        "/hotline/intake/",
        {
            "caller_name": "王先生",
            "caller_phone": "13995112233",
            "place": "兴庆区胜利街",
            "text": "胜利街路灯坏了一周",
            "urgency": "general",
            "channel": "phone",
            "dept_type": "traffic_police",
            "area_code": world.a.village.code,
            "lead_unit": world.a.orgs["traffic_police"].pk,
            "dispatch_now": "1",
            "idempotency_key": "form-1",
            "proposal_json": proposal,
        },
    )
    assert response.status_code == 302
    order = WorkOrder.objects.get()
    assert order.status == Status.DISPATCHED
    assert order.lead_unit == world.a.orgs["traffic_police"]
    correction = RoutingCorrection.objects.get()
    assert (correction.proposed_dept_type, correction.chosen_dept_type) == (
        "municipal_engineering",
        "traffic_police",
    )
    # the same form sent twice: one order
    client.post(
        "/hotline/intake/",
        {
            "caller_phone": "13995112233",
            "text": "胜利街路灯坏了一周",
            "idempotency_key": "form-1",
            "area_code": world.a.village.code,
            "dept_type": "traffic_police",
        },
    )
    assert WorkOrder.objects.count() == 1


def test_intake_page_shows_chinese_error(client, agent):
    client.force_login(agent)
    body = client.post(
        "/hotline/intake/", {"caller_phone": "555", "text": "胜利街路灯坏了"}
    ).content.decode()
    assert "电话号码格式不正确" in body
    assert WorkOrder.objects.count() == 0


def test_unit_flow_through_pages(client, dispatched, unit_user, agent):
    client.force_login(unit_user)
    assert dispatched.tracking_code in client.get("/hotline/unit/").content.decode()
    detail = client.get(f"/hotline/orders/{dispatched.pk}/").content.decode()
    assert "签收" in detail
    assert "139****2233" in detail
    assert "13995112233" not in detail
    client.post(f"/hotline/orders/{dispatched.pk}/do/accept/")
    client.post(
        f"/hotline/orders/{dispatched.pk}/do/note/",
        {"text": "现场核实属实", "kind": "verification"},
    )
    client.post(f"/hotline/orders/{dispatched.pk}/do/reply/", {"text": "已修复路灯"})
    dispatched.refresh_from_db()
    assert dispatched.status == Status.REPLIED
    client.force_login(agent)
    assert dispatched.tracking_code in client.get("/hotline/callbacks/").content.decode()
    response = client.post(
        f"/hotline/orders/{dispatched.pk}/do/callback/",
        {"satisfaction": "satisfied", "resolved": "1"},
        follow=True,
    )
    assert "已回访" in response.content.decode()
    dispatched.refresh_from_db()
    assert dispatched.status == Status.CLOSED


def test_refused_action_shows_message(client, dispatched, agent):
    client.force_login(agent)
    response = client.post(
        f"/hotline/orders/{dispatched.pk}/do/reply/", {"text": "坐席不能答复"}, follow=True
    )
    assert "答复未成功" in response.content.decode()


def test_home_panels(client, dispatched, agent, unit_user):
    client.force_login(agent)
    body = client.get("/").content.decode()
    assert "今日受理" in body
    assert "待回访" in body
    client.force_login(unit_user)
    body = client.get("/").content.decode()
    assert "本单位工单" in body


def test_supervision_lists(client, dispatched, agent):
    WorkOrder.objects.filter(pk=dispatched.pk).update(due_at=dispatched.received_at)
    client.force_login(agent)
    assert dispatched.tracking_code in client.get("/hotline/supervision/").content.decode()
    assert (
        dispatched.tracking_code
        not in client.get("/hotline/supervision/?which=near_due").content.decode()
    )


def test_others_see_nothing(client, dispatched, world):
    for role in (Role.GRID_WORKER, Role.PARTNER, Role.VOLUNTEER):
        client.force_login(world.user(role, "a"))
        assert client.get(f"/hotline/orders/{dispatched.pk}/").status_code == 404
        assert dispatched.tracking_code not in client.get("/hotline/orders/").content.decode()
    client.force_login(world.user(Role.COUNTY_STAFF, "a"))
    assert client.get(f"/hotline/orders/{dispatched.pk}/").status_code == 200


def test_public_submit_track_and_rate(client, world, agent):
    cache.clear()
    page = client.post(
        "/hotline/public/",
        {
            "caller_phone": "13995112233",
            "place": "兴庆区胜利街",
            "text": "胜利街路灯坏了一周",
            "idempotency_key": "p1",
        },
    )
    assert page.status_code == 200
    order = WorkOrder.objects.get()
    assert order.channel == "web"
    assert order.tracking_code in page.content.decode()
    track = client.get(
        "/hotline/public/track/", {"code": order.tracking_code.lower()}
    ).content.decode()
    assert "已受理" in track
    assert "13995112233" not in track
    assert "139****" not in track
    services.workorder_dispatch(
        actor=agent, order=order, lead_unit=world.a.orgs["municipal_engineering"]
    )
    unit_user = world.user(Role.UNIT_STAFF, "a")
    services.workorder_accept(actor=unit_user, order=order)
    services.workorder_reply(actor=unit_user, order=order, text="已修复路灯")
    order = f.rate_on_the_public_page(client, order)
    assert order.status == Status.CLOSED
    assert order.callbacks.get().by_citizen


def test_public_submit_is_rate_limited(client):
    cache.clear()
    for _ in range(10):
        client.post("/hotline/public/", {"caller_phone": "1", "text": "x"})
    assert client.post("/hotline/public/", {"caller_phone": "1", "text": "x"}).status_code == 429
    cache.clear()


def test_public_submit_errors(client):
    cache.clear()
    body = client.post(
        "/hotline/public/", {"caller_phone": "", "text": "路灯坏了很久"}
    ).content.decode()
    assert "联系电话" in body
    assert WorkOrder.objects.count() == 0
