"""Chinese error pages (never Django's debug or English pages) and a sensible landing after an
action that takes the object off the user's desk."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from lianxin.core.roles import Role
from lianxin.hotline import services as hotline
from lianxin.hotline.models import Status


def test_missing_page_is_chinese_404(world, client):
    client.force_login(world.user(Role.COMMUNITY_STAFF, "a"))
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在或您无权查看" in html
    assert "URLconf" not in html
    assert "返回我的工作" in html


def test_refused_page_is_chinese_403(world, client):
    client.force_login(world.user(Role.UNIT_STAFF, "a"))
    response = client.get(reverse("registry:import_upload"))
    assert response.status_code == 403
    assert "您没有权限进行此操作" in response.content.decode()


def test_expired_form_is_chinese_403(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user(Role.COMMUNITY_STAFF, "a"))
    response = client.post(reverse("care:discover"), {"household_number": "x"})
    assert response.status_code == 403
    assert "页面已过期，请刷新后重试" in response.content.decode()


def test_server_error_is_chinese_500(world, settings):
    from django.urls import path

    def boom(request):
        raise RuntimeError("boom")

    import config.urls

    settings.ROOT_URLCONF = type(
        "U", (), {"urlpatterns": [path("boom/", boom), *config.urls.urlpatterns]}
    )
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "系统暂时无法完成您的请求" in html
    assert "Traceback" not in html


def test_dev_settings_follow_the_environment(monkeypatch):
    import importlib

    import config.settings.dev as dev

    monkeypatch.setenv("DEBUG", "false")
    assert importlib.reload(dev).DEBUG is False
    monkeypatch.setenv("DEBUG", "true")
    assert importlib.reload(dev).DEBUG is True


@pytest.mark.django_db
def test_after_returning_an_order_the_unit_lands_on_its_queue(world, client):
    agent = world.user(Role.HOTLINE_AGENT, "a")
    unit_user = world.user(Role.UNIT_STAFF, "a")
    order, _ = hotline.workorder_intake(
        actor=agent, text="兴庆区胜利街路灯坏了一个星期，晚上很黑", caller_name="张女士",
        caller_phone="13995112233", area_code=world.a.village.code, dept_type="municipal_engineering",
    )  # fmt: skip
    unit = unit_user.assignments.first().organisation
    hotline.workorder_dispatch(actor=agent, order=order, lead_unit=unit)
    client.force_login(unit_user)
    response = client.post(
        reverse("hotline:order_action", args=[order.pk, "return"]),
        {"reason": "不属于本单位职责范围"},
    )
    order.refresh_from_db()
    assert order.status == Status.RETURNED
    assert response.status_code == 302
    assert response["Location"] == reverse("hotline:unit_queue")
    landing = client.get(response["Location"])
    assert landing.status_code == 200
    assert "已退单，等待热线审核" in landing.content.decode()
