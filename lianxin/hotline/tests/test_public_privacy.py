"""PUB-01: the anonymous Open311 listing and the public rating page."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from lianxin.core.models import AuditEvent
from lianxin.core.roles import Role
from lianxin.hotline import services
from lianxin.hotline.models import Status, WorkOrder
from lianxin.hotline.tests import factories as f

BASE = "/open311/v2"


@pytest.fixture(autouse=True)
def _clear():
    cache.clear()


def _replied(
    world, agent, make_order, *, dept="municipal_engineering", text=None, reply="已修复路灯"
):
    order = make_order(
        text or "兴庆区胜利街路灯坏了一个星期，晚上很黑", dept_type=dept, channel="web"
    )
    unit = world.a.orgs.get(dept) or world.a.orgs["municipal_engineering"]
    services.workorder_dispatch(actor=agent, order=order, lead_unit=unit)
    unit_user = world.user(Role.UNIT_STAFF, "a")
    services.workorder_accept(actor=unit_user, order=order)
    services.workorder_reply(actor=unit_user, order=order, text=reply)
    order.refresh_from_db()
    return order


def test_listing_shows_only_public_categories_and_no_tracking_codes(
    client, world, agent, make_order
):
    public = make_order(dept_type="municipal_engineering")
    private = make_order("我家孩子残疾证办理问题", dept_type="disabled_federation")
    rows = client.get(f"{BASE}/requests.json").json()
    body = str(rows)
    assert [r["service_code"] for r in rows] == ["municipal_engineering"]
    assert public.tracking_code not in body
    assert private.tracking_code not in body
    assert rows[0]["service_request_id"].startswith("P")
    # asking for a private category by name lists nothing
    assert client.get(f"{BASE}/requests.json", {"service_code": "disabled_federation"}).json() == []
    # the citizen still finds their own request by its tracking code
    own = client.get(f"{BASE}/requests/{public.tracking_code}.json").json()
    assert own[0]["service_request_id"] == public.tracking_code


def test_published_fields_are_redacted_including_status_notes(client, world, agent, make_order):
    order = _replied(
        world,
        agent,
        make_order,
        text="请联系我 139-0951-2345，身份证 640104 19350304 9024",
        reply="已联系居民，电话一三九零九五一二三四五，已处理",
    )
    rows = client.get(f"{BASE}/requests.json").json()
    row = next(r for r in rows if r["service_code"] == order.dept_type)
    text = " ".join(str(v) for v in row.values())
    for digits in ("0951", "2345", "19350304", "九五一二"):
        assert digits not in text, text
    assert "已联系居民" in row["status_notes"]
    page = client.get("/hotline/public/track/", {"code": order.tracking_code}).content.decode()
    assert "九五一二三四五" not in page


def test_rating_needs_the_phone_secret_and_happens_once(client, world, agent, make_order):
    order = _replied(world, agent, make_order)
    url = "/hotline/public/rate/"
    # the tracking code alone, or with wrong digits: refused, nothing changed
    client.post(url, {"code": order.tracking_code, "satisfaction": "unsatisfied"})
    client.post(
        url, {"code": order.tracking_code, "phone_last4": "0000", "satisfaction": "unsatisfied"}
    )
    order.refresh_from_db()
    assert order.status == Status.REPLIED
    assert order.callbacks.count() == 0
    assert (
        AuditEvent.objects.filter(action="hotline.workorder.citizen_rate", result="denied").count()
        == 2
    )
    # the citizen's own secret
    order = f.rate_on_the_public_page(client, order)
    assert order.status == Status.CLOSED
    assert order.callbacks.get().by_citizen
    # a second rating is refused even with the secret
    with pytest.raises(Exception, match="只能评价一次"):
        services.workorder_citizen_rate(
            order=order, phone_last4="2233", satisfaction="unsatisfied", resolved=False
        )
    order.refresh_from_db()
    assert (order.status, order.callbacks.count()) == (Status.CLOSED, 1)


def test_guessing_the_secret_stops_after_five_tries(world, agent, make_order):
    order = _replied(world, agent, make_order)
    for guess in ("0000", "1111", "2222", "3333", "4444"):
        with pytest.raises(Exception, match="后四位不正确"):
            services.workorder_citizen_rate(
                order=order, phone_last4=guess, satisfaction="satisfied", resolved=True
            )
    with pytest.raises(Exception, match="尝试次数过多"):
        services.workorder_citizen_rate(
            order=order, phone_last4="2233", satisfaction="satisfied", resolved=True
        )
    assert WorkOrder.objects.get(pk=order.pk).status == Status.REPLIED


def test_a_failed_rating_does_not_use_up_the_one_rating(world, agent, make_order):
    order = _replied(world, agent, make_order)
    with pytest.raises(Exception, match="请选择"):
        services.workorder_citizen_rate(
            order=order, phone_last4="2233", satisfaction="bogus", resolved=True
        )
    services.workorder_citizen_rate(
        order=order, phone_last4="2233", satisfaction="satisfied", resolved=True
    )
    assert WorkOrder.objects.get(pk=order.pk).status == Status.CLOSED
