"""Health endpoints, structured logs and the system administrator's page (issue #15)."""

from __future__ import annotations

import json
import logging

from lianxin.core.logging import JsonFormatter
from lianxin.core.roles import Role


def test_healthz_and_readyz_answer_without_login(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}
    answer = client.get("/readyz")
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"] == "ok"
    assert answer["Cache-Control"].startswith("max-age=0")


def test_readyz_is_503_in_chinese_when_the_database_is_down(client, db, monkeypatch):
    from lianxin.core import health

    monkeypatch.setattr(health, "database_ok", lambda: False)
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["checks"]["database"] == "不可用"


def test_access_log_is_json_with_request_id_and_no_query_string(client, db, caplog):
    caplog.set_level(logging.INFO, logger="lianxin.request")
    client.get("/healthz?name=马玉兰", HTTP_X_REQUEST_ID="req-123")
    record = next(r for r in caplog.records if r.name == "lianxin.request")
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "req-123"
    assert line["route"] == "healthz"
    assert line["status"] == 200
    assert "马玉兰" not in json.dumps(line, ensure_ascii=False)


def test_ops_page_is_for_the_system_administrator_only(world, login):
    assert login(world.user(Role.COUNTY_STAFF, "a")).get("/ops/").status_code == 403
    page = login(world.user(Role.SYSTEM_ADMIN, "a")).get("/ops/")
    assert page.status_code == 200
    assert "后台任务队列" in page.content.decode()


def test_database_outage_answers_a_chinese_503_not_a_trace(world, login, monkeypatch):
    from django.db import OperationalError

    from lianxin.analytics import views as home_views

    def down(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(home_views.selectors, "my_work", down)
    client = login(world.user(Role.COMMUNITY_STAFF, "a"))
    client.raise_request_exception = False
    page = client.get("/")
    assert page.status_code == 503
    assert "数据库暂时不可用" in page.content.decode()
    assert page["Retry-After"] == "10"
