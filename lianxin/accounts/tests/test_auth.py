import re

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.urls import reverse

from conftest import PASSWORD
from lianxin.accounts import services
from lianxin.core.errors import ApplicationError
from lianxin.core.roles import Role


@pytest.fixture(autouse=True)
def _clear_axes(db):
    from axes.utils import reset

    reset()
    cache.clear()


def _login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_login_and_home_shows_assignment(world, client):
    user = world.user(Role.GRID_WORKER, "a")
    response = _login(client, user.username, PASSWORD)
    assert response.status_code == 302
    home = client.get("/")
    assert "网格员 · 安秀社区 · 第一网格" in home.content.decode()


def test_five_failures_lock_the_account_even_with_the_right_password(world, client):
    user = world.user(Role.GRID_WORKER, "a")
    for _ in range(4):
        assert "用户名或密码错误" in _login(client, user.username, "wrong").content.decode()
    assert _login(client, user.username, "wrong").status_code == 429  # the fifth failure locks
    locked = _login(client, user.username, PASSWORD)
    assert locked.status_code == 429
    assert "账户已被临时锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_unknown_user_gets_the_same_answers(world, client):
    known = world.user(Role.GRID_WORKER, "a")
    answers_known = [_login(client, known.username, "wrong") for _ in range(6)]
    answers_unknown = [_login(client, "no-such-user", "wrong") for _ in range(6)]
    assert [r.status_code for r in answers_known] == [r.status_code for r in answers_unknown]
    for k, u in zip(answers_known, answers_unknown, strict=True):
        assert _page(k, known.username) == _page(u, "no-such-user")


def _page(response, username):
    body = response.content.decode().replace(username, "X")
    return re.sub(r'(CSRFToken": "|csrfmiddlewaretoken" value=")[^"]+', "", body)


def test_idle_timeout_is_thirty_minutes():
    assert settings.SESSION_COOKIE_AGE == 1800
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_disabled_user_loses_sessions_and_tokens(world, client):
    from rest_framework.authtoken.models import Token

    user = world.user(Role.GRID_WORKER, "a")
    client.force_login(user)
    Token.objects.create(user=user)
    services.user_disable(actor=None, user=user)
    assert not Session.objects.exists()
    assert not Token.objects.filter(user=user).exists()
    assert client.get("/").status_code == 302


def test_password_rules_refuse_weak_passwords(world):
    with pytest.raises(ApplicationError, match="至少三类"):
        services.user_create(actor=None, username="weak", password="abcdefghijk")


def test_api_token_login(world, client):
    user = world.user(Role.GRID_WORKER, "a")
    response = client.post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    me = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert me.json()["assignments"][0]["area_code"] == "640104001007"


def test_api_answers_in_chinese(world, client):
    assert client.get("/api/v1/me/").json() == {"code": "not_authenticated", "detail": "未登录或登录已过期"}
    client.force_login(world.user(Role.GRID_WORKER, "a"))
    assert client.get(f"/api/v1/areas/grids/{world.b.grid.pk}/").json()["detail"] == "未找到或无权访问"
