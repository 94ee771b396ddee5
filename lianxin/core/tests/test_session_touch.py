"""AUTH-02 idle timeout with at most one session write a minute (SessionTouchMiddleware)."""

from __future__ import annotations

import datetime as dt

from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lianxin.accounts.models import Role


def _session_writes(client, path="/"):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"]]


def test_a_session_in_use_is_saved_again_at_most_once_a_minute(world, client, monkeypatch):
    user = world.user(Role.GRID_WORKER, "a")
    client.force_login(user)
    clock = [1_800_000_000.0]
    monkeypatch.setattr("lianxin.core.middleware._clock", lambda: clock[0])

    first = _session_writes(client)  # the first page after sign-in stamps the session
    assert any(sql.startswith("UPDATE") for sql in first)
    session = Session.objects.get()
    stamped = session.expire_date
    assert stamped - timezone.now() > dt.timedelta(minutes=29)

    clock[0] += 30  # half a minute later: read, not written
    assert not any(sql.startswith(("UPDATE", "INSERT")) for sql in _session_writes(client))

    clock[0] += 31  # a minute after the stamp: saved again, the idle timeout starts over
    assert any(sql.startswith("UPDATE") for sql in _session_writes(client))
    assert Session.objects.get().expire_date >= stamped


def test_an_expired_session_still_ends_the_visit(world, client):
    user = world.user(Role.GRID_WORKER, "a")
    client.force_login(user)
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
