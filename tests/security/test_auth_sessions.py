"""AUTH-01 (lockout, same answer for unknown users) and AUTH-02 (30 idle minutes, disabled users)
over real logins through the login page and the API token endpoint."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD, form_login
from lianxin.accounts import services
from lianxin.core.roles import Role

pytestmark = pytest.mark.usefixtures("no_lockouts")

_login = form_login


def test_six_wrong_passwords_lock_the_account(world, client):
    user = world.user(Role.COMMUNITY_STAFF, "a")
    codes = [_login(client, user.username, "wrong-Passw0rd").status_code for _ in range(6)]
    assert codes == [200, 200, 200, 200, 429, 429]
    assert _login(client, user.username, PASSWORD).status_code == 429
    assert client.get("/").status_code == 302


def test_unknown_users_are_locked_the_same_way(world, client):
    codes = [_login(client, "nobody-here", "wrong-Passw0rd").status_code for _ in range(6)]
    assert codes == [200, 200, 200, 200, 429, 429]


def test_the_lock_lifts_after_thirty_minutes(world, client):
    user = world.user(Role.COMMUNITY_STAFF, "a")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        for _ in range(5):
            _login(client, user.username, "wrong-Passw0rd")
        assert _login(client, user.username, PASSWORD).status_code == 429
        traveller.shift(dt.timedelta(minutes=31))
        assert _login(client, user.username, PASSWORD).status_code == 302


def test_api_token_endpoint_locks_too(world, client):
    user = world.user(Role.COMMUNITY_STAFF, "a")
    url = reverse("api:auth_token")
    for _ in range(5):
        client.post(url, {"username": user.username, "password": "wrong-Passw0rd"})
    response = client.post(url, {"username": user.username, "password": PASSWORD})
    assert response.status_code in (400, 403, 429)
    assert "token" not in response.json()


def test_session_ends_after_thirty_idle_minutes(world, client):
    user = world.user(Role.GRID_WORKER, "a")
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        assert _login(client, user.username, PASSWORD).status_code == 302
        assert client.get("/").status_code == 200
        traveller.shift(dt.timedelta(minutes=29))
        assert client.get("/").status_code == 200  # activity keeps the session alive
        traveller.shift(dt.timedelta(minutes=29))
        assert client.get("/").status_code == 200
        traveller.shift(dt.timedelta(minutes=31))
        response = client.get("/")
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
        assert client.get(reverse("api:me")).status_code in (401, 403)


def test_disabled_user_is_signed_out_at_once(world, client):
    user = world.user(Role.GRID_WORKER, "a")
    admin = world.user(Role.SYSTEM_ADMIN, "a")
    _login(client, user.username, PASSWORD)
    assert client.get("/").status_code == 200
    services.user_disable(actor=admin, user=user)
    assert client.get("/").status_code == 302
    assert _login(client, user.username, PASSWORD).status_code == 200  # refused, generic error


def test_user_deactivated_behind_the_service_is_signed_out_too(world, client):
    """is_active switched off in the admin (not through user_disable): the next request ends."""
    user = world.user(Role.GRID_WORKER, "a")
    _login(client, user.username, PASSWORD)
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert client.get("/").status_code == 302


def test_disabled_user_token_stops_working(world, client):
    from rest_framework.authtoken.models import Token

    user = world.user(Role.GRID_WORKER, "a")
    token = Token.objects.create(user=user)
    header = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    assert client.get(reverse("api:me"), **header).status_code == 200
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert client.get(reverse("api:me"), **header).status_code == 401


def test_revoked_assignment_sees_nothing(world, client):
    user = world.user(Role.COMMUNITY_STAFF, "a")
    user.assignments.update(is_active=False)
    client.force_login(user)
    response = client.get(reverse("api:grid_list"))
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_idle_api_token_expires(world, client):
    from rest_framework.authtoken.models import Token

    user = world.user(Role.GRID_WORKER, "a")
    token = Token.objects.create(user=user)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=31), tick=False):
        response = client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 401


def test_api_token_in_use_stays_valid(world, client):
    from rest_framework.authtoken.models import Token

    user = world.user(Role.GRID_WORKER, "a")
    token = Token.objects.create(user=user)
    for minutes in (20, 40, 60):  # used every 20 minutes: never idle for 30
        with time_machine.travel(timezone.now() + dt.timedelta(minutes=minutes), tick=False):
            assert (
                client.get(reverse("api:me"), HTTP_AUTHORIZATION=f"Token {token.key}").status_code
                == 200
            )
