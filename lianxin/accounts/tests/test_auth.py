import re

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session

from conftest import PASSWORD, form_login
from lianxin.accounts import services
from lianxin.core.errors import ApplicationError
from lianxin.core.roles import Role

pytestmark = pytest.mark.usefixtures("no_lockouts")

_login = form_login


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
    assert settings.SESSION_TOUCH_SECONDS <= 60  # idle sessions end 29–30 minutes after use


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
    assert client.get("/api/v1/me/").json() == {
        "code": "not_authenticated",
        "detail": "未登录或登录已过期",
    }
    client.force_login(world.user(Role.GRID_WORKER, "a"))
    assert (
        client.get(f"/api/v1/areas/grids/{world.b.grid.pk}/").json()["detail"] == "未找到或无权访问"
    )


# Issue #12: login within 300 ms — Argon2id with tuned costs, PBKDF2 hashes upgraded at login.
def _production_hashers():
    from config.settings import base

    return base.PASSWORD_HASHERS


def test_production_hashes_passwords_with_tuned_argon2id():
    from django.contrib.auth.hashers import make_password
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=_production_hashers()):
        encoded = make_password("Lianxin-test-2026")
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


def test_a_stored_pbkdf2_password_is_rehashed_with_argon2_at_login(world, client):
    from django.contrib.auth.hashers import make_password
    from django.test import override_settings

    user = world.user(Role.GRID_WORKER, "a")
    with override_settings(PASSWORD_HASHERS=_production_hashers()):
        user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
        user.save(update_fields=["password"])
        assert _login(client, user.username, PASSWORD).status_code == 302
        user.refresh_from_db()
        assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
        client.logout()
        assert _login(client, user.username, PASSWORD).status_code == 302  # the new hash works


def test_lockout_holds_with_the_production_hashers(world, client):
    from django.test import override_settings

    user = world.user(Role.GRID_WORKER, "a")
    with override_settings(PASSWORD_HASHERS=_production_hashers()):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
        for _ in range(4):
            assert _login(client, user.username, "wrong").status_code == 200
        assert _login(client, user.username, "wrong").status_code == 429
        assert _login(client, user.username, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
