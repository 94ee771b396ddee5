"""Intake is one service (issue #10): each channel — the agent's form, the REST API, Open311
and the citizens' web form — goes through ``intake.intake_request``, which keeps the router's
proposal (``RoutingRecord``) and records a correction when the agent's choice differs, at
intake or at the first dispatch from the order page."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.cache import cache
from django.urls import reverse

from lianxin.hotline import intake, services
from lianxin.hotline.models import RoutingCorrection, RoutingRecord, Status, WorkOrder

pytestmark = pytest.mark.django_db

TEXT = "兴庆区凤凰北街街道安秀社区门口的路灯坏了一个星期"


def _dispatch_from_page(client, agent, order, unit):
    client.force_login(agent)
    response = client.post(
        reverse("hotline:order_action", args=[order.pk, "dispatch"]), {"lead_unit": unit.pk}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Status.DISPATCHED


def _web_order(client):
    cache.clear()
    client.post(
        "/hotline/public/",
        {
            "caller_phone": "13995112233",
            "place": "兴庆区凤凰北街",
            "text": TEXT,
            "idempotency_key": "w1",
        },
    )
    return WorkOrder.objects.get(channel="web")


def _open311_order(client, world):
    _, key = services.open311_key_create(actor=None, name="测试", hotline=world.a.orgs["hotline"])
    client.post(
        "/open311/v2/requests.json",
        {
            "api_key": key,
            "service_code": "municipal_engineering",
            "description": TEXT,
            "address_string": "兴庆区凤凰北街",
        },
    )
    return WorkOrder.objects.get(channel="open311")


def _api_order(client, agent):
    client.force_login(agent)
    response = client.post(
        "/api/v1/hotline/workorders/",
        {"text": TEXT, "caller_phone": "13995112233", "channel": "api"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return WorkOrder.objects.get(channel="api")


@pytest.mark.parametrize("channel", ["web", "open311", "api"])
def test_each_channel_goes_through_the_one_intake_service(channel, client, world, agent):
    spy = mock.Mock(wraps=intake.intake_request)
    with (
        mock.patch("lianxin.hotline.views.intake_request", spy),
        mock.patch("lianxin.hotline.api.intake_request", spy),
        mock.patch("lianxin.hotline.open311.intake_request", spy),
    ):
        order = {
            "web": lambda: _web_order(client),
            "open311": lambda: _open311_order(client, world),
            "api": lambda: _api_order(client, agent),
        }[channel]()
    assert spy.call_count == 1
    assert spy.call_args.kwargs["channel"] == channel
    record = RoutingRecord.objects.get(order=order)
    assert record.channel == channel
    assert record.proposed_dept_type == "municipal_engineering"
    assert not RoutingCorrection.objects.exists()  # nobody chose otherwise yet


@pytest.mark.parametrize("channel", ["web", "open311", "api"])
def test_first_dispatch_from_the_page_records_the_agents_correction(channel, client, world, agent):
    order = {
        "web": lambda: _web_order(client),
        "open311": lambda: _open311_order(client, world),
        "api": lambda: _api_order(client, agent),
    }[channel]()
    _dispatch_from_page(client, agent, order, world.a.orgs["township_government"])
    correction = RoutingCorrection.objects.get(order=order)
    assert (correction.proposed_dept_type, correction.chosen_dept_type) == (
        "municipal_engineering",
        "township_government",
    )
    assert correction.chosen_unit == world.a.orgs["township_government"]
    assert correction.channel == channel


def test_dispatch_to_the_proposed_unit_records_no_correction(client, world, agent):
    order = _web_order(client)
    proposed = RoutingRecord.objects.get(order=order).proposed_unit
    assert proposed == world.a.orgs["municipal_engineering"]
    _dispatch_from_page(client, agent, order, proposed)
    assert not RoutingCorrection.objects.exists()


def test_agent_form_correction_is_recorded_once(client, world, agent):
    """The agent's form overrides and dispatches at once: one correction, not a second one at
    dispatch."""
    client.force_login(agent)
    office = world.a.orgs["township_government"]
    form = {"caller_phone": "13995112233", "text": TEXT, "idempotency_key": "form-once"}
    choice = {"dept_type": office.dept_type, "lead_unit": office.pk, "dispatch_now": "1"}
    client.post("/hotline/intake/", {**form, **choice})
    order = WorkOrder.objects.get()
    assert order.status == Status.DISPATCHED
    assert RoutingCorrection.objects.filter(order=order).count() == 1
    assert RoutingRecord.objects.get(order=order).channel == "phone"
