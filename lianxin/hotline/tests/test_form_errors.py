"""Forms on hotline pages show each field error in Chinese next to its field, once (issue #10):
the intake form, the citizens' web form and the order page's action forms."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from lianxin.hotline.models import Status, WorkOrder

pytestmark = pytest.mark.django_db


def _next_to(body: str, element_id: str, testid: str, message: str) -> None:
    """``message`` appears exactly once, in the error element right after the field."""
    assert body.count(message) == 1, body
    pattern = r"<(input|textarea|select)[^>]*\bid=\"" + re.escape(element_id) + '"'
    field = re.search(pattern, body)
    assert field is not None
    error = body.index(f'data-testid="{testid}"')
    between = body[field.end() : error]
    assert "<label" not in between  # no other field comes between the field and its error
    assert message in body[error : body.index("</p>", error)]


@pytest.mark.parametrize(
    ("phone", "text", "field", "message"),
    [
        ("555", "胜利街路灯坏了很多天", "caller_phone", "电话号码格式不正确"),
        ("13995112233", "？？", "text", "诉求内容无法识别"),
    ],
)
def test_intake_error_is_next_to_its_field_once(client, agent, phone, text, field, message):
    client.force_login(agent)
    body = client.post("/hotline/intake/", {"caller_phone": phone, "text": text}).content
    _next_to(body.decode(), f"id_{field}", f"field-error-{field}", message)
    assert b'data-testid="intake-error"' not in body
    assert WorkOrder.objects.count() == 0


def test_public_form_phone_error_is_next_to_the_phone_once(client):
    cache.clear()
    body = client.post(
        "/hotline/public/", {"caller_phone": "", "text": "路灯坏了很久", "place": "兴庆区"}
    ).content.decode()
    _next_to(body, "caller_phone", "field-error-caller_phone", "请填写联系电话")
    assert WorkOrder.objects.count() == 0


def _refused_action(client, user, order, action, data, element_id, field, message):
    """The action's form is refused: 400, the page again with the error next to the field,
    and the order has not moved."""
    before = order.status
    client.force_login(user)
    response = client.post(reverse("hotline:order_action", args=[order.pk, action]), data)
    assert response.status_code == 400
    _next_to(response.content.decode(), element_id, f"field-error-{action}-{field}", message)
    order.refresh_from_db()
    assert order.status == before


def test_return_without_reason_shows_the_error_next_to_the_reason(client, dispatched, unit_user):
    _refused_action(
        client, unit_user, dispatched, "return", {}, "return_reason", "reason", "请填写理由"
    )
    assert dispatched.status == Status.DISPATCHED


def test_dispatch_to_an_unknown_unit_says_so_next_to_the_unit(client, make_order, agent):
    order = make_order()
    _refused_action(
        client,
        agent,
        order,
        "dispatch",
        {"lead_unit": "999999"},
        "lead_unit",
        "lead_unit",
        "承办单位不存在或不可承办工单",
    )
    assert order.status == Status.RECEIVED


def test_a_refusal_that_is_no_field_error_is_shown_once_at_the_top(client, dispatched, agent):
    client.force_login(agent)
    response = client.post(
        reverse("hotline:order_action", args=[dispatched.pk, "reply"]),
        {"text": "坐席不能答复"},
        follow=True,
    )
    body = response.content.decode()
    assert body.count("答复未成功") == 1
    assert "field-error" not in body
