"""The home page's panels kept per user for a short time (issue #15, lianxin.core.workpanels):
counted once, never shared across users or assignments, dropped by the user's own writes."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory

from lianxin.accounts.models import Assignment
from lianxin.core import workpanels
from lianxin.core.middleware import PanelsForgetMiddleware
from lianxin.core.roles import Role


@pytest.fixture
def counted(monkeypatch, settings):
    """One provider for every role that counts its calls and shows the user's areas."""
    settings.LIANXIN_HOME_PANELS_SECONDS = 30
    cache.clear()
    calls: list[str] = []

    def provider(user):
        calls.append(user.username)
        areas = ",".join(sorted(a.area_id for a in Assignment.objects.filter(user=user)))
        return [workpanels.Panel("测试面板", figures=[("区域", f"{user.username}:{areas}")])]

    monkeypatch.setattr(workpanels, "_PROVIDERS", [(None, provider)])
    yield calls
    cache.clear()


def _figure(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.context["panels"][0].figures[0][1]


def test_the_panels_are_counted_once_then_kept(world, client, counted):
    user = world.user(Role.COMMUNITY_STAFF, "a")
    client.force_login(user)
    first = _figure(client)
    assert _figure(client) == first
    assert counted == [user.username]


def test_two_users_never_share_their_panels(world, client, counted):
    a, b = world.user(Role.COMMUNITY_STAFF, "a"), world.user(Role.COMMUNITY_STAFF, "b")
    client.force_login(a)
    seen_a = _figure(client)
    client.force_login(b)
    seen_b = _figure(client)
    assert seen_a.startswith(a.username)
    assert seen_b.startswith(b.username)
    assert counted == [a.username, b.username]


def test_a_changed_assignment_is_counted_afresh(world, client, counted):
    user = world.user(Role.COMMUNITY_STAFF, "a")
    client.force_login(user)
    before = _figure(client)
    assignment = Assignment.objects.get(user=user)
    assignment.area = world.b.area_for(Role.COMMUNITY_STAFF)
    assignment.save()
    after = _figure(client)  # a new request resolves the new scope: another key
    assert after != before
    assert assignment.area_id in after
    assert len(counted) == 2


def test_the_users_own_write_drops_his_panels(world, client, counted):
    user = world.user(Role.COMMUNITY_STAFF, "a")
    client.force_login(user)
    _figure(client)

    def post(status):
        request = RequestFactory().post("/anything/")
        request.user = user
        PanelsForgetMiddleware(lambda r: HttpResponse(status=status))(request)

    post(400)  # a refused write changes nothing: the panels are kept
    _figure(client)
    assert len(counted) == 1
    post(302)  # a write that succeeded: counted again on the next visit
    _figure(client)
    assert len(counted) == 2


def test_off_when_the_setting_is_zero(world, client, counted, settings):
    settings.LIANXIN_HOME_PANELS_SECONDS = 0
    client.force_login(world.user(Role.COMMUNITY_STAFF, "a"))
    _figure(client)
    _figure(client)
    assert len(counted) == 2
