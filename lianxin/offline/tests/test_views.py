"""The offline app's pages and endpoints: manifest and service worker from the app's origin,
the manifest linked from staff pages, the pack (the grid only, masked, no ID numbers, audited),
the sync endpoint's answers, and logout's Clear-Site-Data."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone

from lianxin.care.models import FollowUp
from lianxin.care.tests.factories import Actors, case_at, household
from lianxin.core.models import AuditEvent
from lianxin.monitoring import services as monitoring_services
from lianxin.offline.tests.factories import open_alert

MANIFEST_LINK = '<link rel="manifest" href="/offline/manifest.webmanifest">'


def test_the_manifest_is_public_and_its_icons_are_served_by_the_app(client):
    response = client.get("/offline/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert (data["start_url"], data["display"], data["lang"]) == (
        "/offline/",
        "standalone",
        "zh-CN",
    )
    assert {i["sizes"] for i in data["icons"]} == {"192x192", "512x512"}
    for icon in data["icons"]:
        assert icon["src"].startswith("/static/offline/icons/")
        assert finders.find(icon["src"].removeprefix("/static/")) is not None


def test_the_service_worker_is_served_from_the_apps_origin(client):
    response = client.get("/offline/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    body = response.content.decode()
    precache = json.loads(re.search(r"var PRECACHE = (\[.*?\]);", body).group(1))
    assert "/static/offline/offline.js" in precache
    assert all(url.startswith("/static/") for url in precache)
    assert "http://" not in body
    assert "https://" not in body
    assert 'var SHELL = "/offline/";' in body


@pytest.mark.parametrize("url", ["/", "/registry/", "/monitoring/alerts/", "/care/todos/"])
def test_every_staff_page_links_the_manifest(world, client, url):
    actors = Actors(world)
    client.force_login(actors.grid_worker)
    response = client.get(url)
    assert response.status_code == 200
    assert MANIFEST_LINK in response.content.decode()
    assert "/static/offline/register.js" in response.content.decode()


def test_the_login_page_registers_nothing(client):
    body = client.get("/accounts/login/").content.decode()
    assert MANIFEST_LINK not in body
    assert "register.js" not in body


def test_the_shell_holds_no_user_or_resident_data(world, client):
    actors = Actors(world)
    hh = household(actors.site, members=[("马福祥", "户主")])
    client.force_login(actors.grid_worker)
    body = client.get("/offline/").content.decode()
    assert actors.grid_worker.username not in body
    assert hh.address not in body
    assert "csrfmiddlewaretoken" not in body


def test_the_pack_holds_the_grid_masked_and_no_id_numbers(world, client):
    actors = Actors(world)
    mine = household(actors.site, members=[("马福祥", "户主")])
    other_grid = household(actors.site, members=[("杨秀兰", "户主")], grid=world.a.other_grid)
    alert = open_alert(actors.site, name="王德福")
    client.force_login(actors.grid_worker)
    response = client.get("/offline/pack/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    data = response.json()
    numbers = {h["number"] for h in data["households"]}
    assert mine.number in numbers
    assert other_grid.number not in numbers
    row = next(h for h in data["households"] if h["number"] == mine.number)
    assert row["label"] == f"马*祥 · {mine.address}"
    assert [a["person"] for a in data["alerts"]] == ["王*福"]
    assert data["alerts"][0]["detail"] == "王*福 86岁，独居"
    body = response.content.decode()
    for name in ("马福祥", "王德福", "杨秀兰"):
        assert name not in body
    assert alert.person.id_number not in body
    assert not re.search(r"\d{6}[*＊]+\d{3}[\dX]|\d{17}[\dX]", body)
    event = AuditEvent.objects.get(action="view.offline.pack")
    assert (event.actor, event.changes["alerts"]) == (actors.grid_worker, 1)


def test_the_pack_is_for_grid_workers(world, client):
    actors = Actors(world)
    client.force_login(actors.community)
    response = client.get("/offline/pack/")
    assert response.status_code == 403
    assert response.json()["message"] == "离线工作面向网格员：您的账号没有负责的网格"


def _post(client, **submission):
    return client.post("/offline/sync/", {"submission": json.dumps(submission)})


def test_sync_answers_applied_then_replayed(world, client):
    case, actors = case_at(world, "planned")
    client.force_login(actors.grid_worker)
    sent = {
        "key": str(uuid.uuid4()),
        "kind": "visit",
        "payload": {
            "household": case.household.number,
            "case": case.pk,
            "visited_on": "2026-11-25",
            "notes": "正常",
        },
        "typed_at": timezone.now().isoformat(),
    }
    first = _post(client, **sent)
    again = _post(client, **sent)
    assert first.status_code == again.status_code == 200
    assert (first.json()["status"], first.json()["replayed"]) == ("applied", False)
    assert (again.json()["status"], again.json()["replayed"]) == ("applied", True)
    assert FollowUp.objects.filter(case=case).count() == 1


def test_sync_answers_a_conflict_with_409_in_chinese(world, client):
    actors = Actors(world)
    alert = open_alert(actors.site)
    monitoring_services.alert_verify(
        actor=actors.community, alert=alert, confirmed=False, note="不属实"
    )
    client.force_login(actors.grid_worker)
    response = _post(
        client,
        key=str(uuid.uuid4()),
        kind="alert_verification",
        payload={"alert": alert.pk, "result": "rejected", "note": "独居属实"},
        typed_at=timezone.now().isoformat(),
    )
    assert response.status_code == 409
    body = response.json()
    assert body["status"] == "conflict"
    assert body["message"].startswith("该预警在您离线期间已被核实：")


def test_sync_refuses_a_body_that_is_not_json(world, client):
    client.force_login(Actors(world).grid_worker)
    response = client.post("/offline/sync/", {"submission": "{not json"})
    assert response.status_code == 400
    assert response.json() == {
        "status": "invalid",
        "code": "invalid",
        "message": "提交内容格式不正确",
    }


def test_an_expired_session_is_sent_to_login(client):
    response = client.get("/offline/session/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_session_check_gives_a_csrf_token(world, client):
    actors = Actors(world)
    client.force_login(actors.grid_worker)
    data = client.get("/offline/session/").json()
    assert data["username"] == actors.grid_worker.username
    assert data["may_work_offline"] is True
    assert len(data["csrf"]) >= 32


def test_logout_clears_the_site_data(world, client):
    client.force_login(Actors(world).grid_worker)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_my_work_shows_the_way_to_the_offline_app_to_grid_workers_only(world, client):
    actors = Actors(world)
    client.force_login(actors.grid_worker)
    assert 'href="/offline/"' in client.get("/").content.decode()
    client.force_login(actors.county)
    assert 'href="/offline/"' not in client.get("/").content.decode()
