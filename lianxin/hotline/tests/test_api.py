"""The REST API: intake with an idempotency key, scoped list and detail, transitions, route."""

from __future__ import annotations

import pytest

from lianxin.core.roles import Role
from lianxin.hotline.models import Status, WorkOrder
from lianxin.hotline.routing import CONTRACT_KEYS, EXTRA_KEYS

pytestmark = pytest.mark.django_db

INTAKE = {
    "text": "兴庆区胜利街路灯坏了一个星期，晚上很黑",
    "caller_name": "张女士",
    "caller_phone": "13995112233",
    "channel": "phone",
    "dept_type": "municipal_engineering",
}


def test_intake_idempotency_header(client, agent, world):
    client.force_login(agent)
    body = {**INTAKE, "area_code": world.a.village.code}
    first = client.post(
        "/api/v1/hotline/workorders/",
        body,
        content_type="application/json",
        headers={"Idempotency-Key": "k-1"},
    )
    assert first.status_code == 201, first.content
    again = client.post(
        "/api/v1/hotline/workorders/",
        body,
        content_type="application/json",
        headers={"Idempotency-Key": "k-1"},
    )
    assert again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert WorkOrder.objects.count() == 1
    assert first.json()["caller_phone"] == "139****2233"


def test_intake_errors_are_chinese_json(client, agent):
    client.force_login(agent)
    for change, message in (
        ({"caller_phone": "123"}, "电话号码格式不正确"),
        ({"text": "我家门口路灯坏了很久"}, "无法确定诉求地点"),
    ):
        response = client.post(
            "/api/v1/hotline/workorders/", {**INTAKE, **change}, content_type="application/json"
        )
        assert response.status_code == 400
        assert message in response.json()["detail"]
    assert WorkOrder.objects.count() == 0


def test_intake_refused_to_non_agents(client, world):
    client.force_login(world.user(Role.UNIT_STAFF, "a"))
    response = client.post("/api/v1/hotline/workorders/", INTAKE, content_type="application/json")
    assert response.status_code == 403


def test_list_and_detail_scoped(client, make_order, world, agent):
    order = make_order()
    client.force_login(agent)
    assert client.get("/api/v1/hotline/workorders/").json()["count"] == 1
    assert client.get(f"/api/v1/hotline/workorders/{order.pk}/").status_code == 200
    client.force_login(world.user(Role.HOTLINE_AGENT, "b"))
    assert client.get("/api/v1/hotline/workorders/").json()["count"] == 0
    assert client.get(f"/api/v1/hotline/workorders/{order.pk}/").status_code == 404


def test_transitions_over_api(client, make_order, world, agent, unit_user):
    order = make_order()
    client.force_login(agent)
    unit = world.a.orgs["municipal_engineering"]
    r = client.post(
        f"/api/v1/hotline/workorders/{order.pk}/dispatch/",
        {"lead_unit": unit.code},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "dispatched"
    # an agent cannot accept
    r = client.post(f"/api/v1/hotline/workorders/{order.pk}/accept/")
    assert r.status_code == 403
    client.force_login(unit_user)
    assert (
        client.post(f"/api/v1/hotline/workorders/{order.pk}/accept/").json()["status"] == "accepted"
    )
    r = client.post(f"/api/v1/hotline/workorders/{order.pk}/accept/")
    assert r.status_code == 409
    assert r.json()["code"] == "invalid_transition"
    r = client.post(
        f"/api/v1/hotline/workorders/{order.pk}/reply/",
        {"text": "已修复路灯"},
        content_type="application/json",
    )
    assert r.json()["status"] == "replied"
    client.force_login(agent)
    r = client.post(
        f"/api/v1/hotline/workorders/{order.pk}/callback/",
        {"satisfaction": "basically", "resolved": True},
        content_type="application/json",
    )
    assert r.json()["status"] == "closed"
    assert WorkOrder.objects.get(pk=order.pk).status == Status.CLOSED


def test_route_answers_the_contract(client, agent):
    client.force_login(agent)
    r = client.post(
        "/api/v1/hotline/route",
        {"text": "利通区一个工地拖欠农民工工资三个月了"},
        content_type="application/json",
    )
    assert r.status_code == 200
    body = r.json()
    assert tuple(body) == CONTRACT_KEYS + EXTRA_KEYS
    assert body["dept_type"] == "human_resources"
    assert set(body["unit"] or {}) <= {"name", "code", "area_code", "level"}
    empty = client.post("/api/v1/hotline/route", {"text": " "}, content_type="application/json")
    assert empty.status_code == 400
    assert "不能为空" in empty.json()["detail"]


def test_route_unit_from_directory(client, agent, world):
    client.force_login(agent)
    r = client.post(
        "/api/v1/hotline/route",
        {"text": "兴庆区胜利街的路灯坏了一个星期"},
        content_type="application/json",
    )
    body = r.json()
    assert body["dept_type"] == "municipal_engineering"
    assert body["unit"] == {
        "name": world.a.orgs["municipal_engineering"].name,
        "code": world.a.orgs["municipal_engineering"].code,
        "area_code": "640104",
        "level": "county",
    }


def test_route_and_intake_return_the_documented_routing_record(client, agent, world):
    """docs/ARCHITECTURE.md "The hotline's answers": ``duty_entry`` and ``place`` with their
    fields, on the route endpoint and in the intake answer's ``routing``."""
    client.force_login(agent)
    text = "原州区古雁街道小区暖气不热"
    body = client.post(
        "/api/v1/hotline/route", {"text": text}, content_type="application/json"
    ).json()
    assert set(body["duty_entry"]) == {"code", "number", "matter", "dept_type", "level", "version"}
    assert body["duty_entry"]["code"] == "heating-compound"
    assert set(body["place"]) == {"code", "level", "name", "matched", "ambiguous", "candidates"}
    assert body["place"]["code"].startswith("640402")
    own = "兴庆区胜利街的路灯坏了一个星期"  # in the agent's own city
    intake = client.post(
        "/api/v1/hotline/workorders/",
        {"text": own, "caller_phone": "13995112233", "channel": "api"},
        content_type="application/json",
    ).json()
    routed = client.post(
        "/api/v1/hotline/route", {"text": own}, content_type="application/json"
    ).json()
    assert intake["routing"]["duty_entry"] == routed["duty_entry"]
    assert intake["routing"]["place"] == routed["place"]
    assert set(intake["routing"]["place"]) == set(body["place"])
    assert intake["dispatch_error"] == ""
    schema = client.get("/api/schema/").content.decode()
    assert "RouteDutyEntry" in schema
    assert "RoutePlace" in schema
