from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from lianxin.core.roles import Role
from lianxin.volunteers import services
from lianxin.volunteers.models import ServiceTask, Wish, WishStatus

from . import factories as f


@pytest.fixture
def data(world):
    community = world.user(Role.COMMUNITY_STAFF, "a")
    person = f.elderly_woman(world.a, name="马秀兰")
    person.address = "安秀社区7栋2单元301"
    person.save()
    wish, _ = f.wish(community, person, "加厚棉背心", 8000)
    team = f.team(world, community)
    vu, profile = f.volunteer(world, community, team=team)
    task = f.task(
        community, team, person, kind="company", title="陪伴聊天", meeting_point="社区服务站"
    )
    return community, person, wish, team, vu, task


def test_api_lists_published_and_second_claim_is_409(world, data):
    community, person, wish, *_ = data
    api = APIClient()
    u1, _ = f.partner(world)
    u2, _ = f.partner(world)
    api.force_authenticate(u1)
    r = api.get("/api/v1/wishes/", {"status": "published"})
    assert r.status_code == 200
    assert [w["number"] for w in r.json()["results"]] == [wish.number]
    assert r.json()["results"][0]["public_line"] == "独居老人，78岁，安秀社区"
    assert r.json()["results"][0]["actions"] == [{"name": "claim", "label": "认领"}]
    assert api.post(f"/api/v1/wishes/{wish.pk}/claim/").status_code == 200
    api.force_authenticate(u2)
    r = api.post(f"/api/v1/wishes/{wish.pk}/claim/")
    assert r.status_code == 409
    assert r.json()["detail"] == "该心愿已被认领，每个心愿只能认领一次"
    api.force_authenticate(u1)
    assert api.post(f"/api/v1/wishes/{wish.pk}/claim/").status_code == 409
    assert Wish.objects.get(pk=wish.pk).claimant_user_id == u1.pk


def test_api_take_409_after_first(world, data):
    community, person, wish, team, vu, task = data
    vu2, _ = f.volunteer(world, community, team=team)
    api = APIClient()
    api.force_authenticate(vu)
    assert api.post(f"/api/v1/volunteers/tasks/{task.pk}/take/").status_code == 200
    api.force_authenticate(vu2)
    assert api.post(f"/api/v1/volunteers/tasks/{task.pk}/take/").status_code == 409
    api.force_authenticate(vu)
    assert (
        api.post(f"/api/v1/volunteers/tasks/{task.pk}/check-in/").json()["status"] == "in_service"
    )
    assert ServiceTask.objects.get(pk=task.pk).volunteer.user_id == vu.pk


PARTNER_PAGES = [
    "/volunteers/wall/",
    "/volunteers/claims/",
    "/volunteers/wishes/{wish}/",
    "/volunteers/my/tasks/",
    "/volunteers/my/record/",
    "/volunteers/tasks/{task}/",
    "/volunteers/wishes/export/",
    "/api/v1/wishes/",
    "/api/v1/wishes/{wish}/",
    "/api/v1/volunteers/tasks/",
    "/api/v1/volunteers/tasks/{task}/",
    "/",
]


@pytest.mark.parametrize("role", ["partner", "volunteer"])
def test_partner_and_volunteer_pages_show_no_personal_data(world, data, client, role):
    from tests.security.bodies import body_text

    community, person, wish, team, vu, task = data
    user = f.partner(world)[0] if role == "partner" else vu
    if role == "partner":
        services.wish_claim(actor=user, obj=Wish.objects.get(pk=wish.pk))
    client.force_login(user)
    seen = 0
    for url in PARTNER_PAGES:
        r = client.get(url.format(wish=wish.pk, task=task.pk))
        if r.status_code != 200:
            continue
        seen += 1
        body = body_text(r)
        assert "马秀兰" not in body, url
        assert "301" not in body, url
        assert "测试地址" not in body, url
    assert seen >= 8


def test_wall_page_claim_button_exactly_when_allowed(world, data, client):
    community, person, wish, *_ = data
    u1, _ = f.partner(world)
    client.force_login(u1)
    body = client.get("/volunteers/wall/").content.decode()
    assert 'data-testid="claim"' in body
    r = client.post(f"/volunteers/wishes/{wish.pk}/claim/")
    assert r.status_code == 302
    assert Wish.objects.get(pk=wish.pk).status == WishStatus.CLAIMED
    client.force_login(f.partner(world)[0])
    assert 'data-testid="claim"' not in client.get("/volunteers/wall/").content.decode()


def test_staff_pages_render(world, data, client):
    community, person, wish, team, vu, task = data
    client.force_login(community)
    for url in [
        "/volunteers/wishes/",
        "/volunteers/wishes/new/",
        f"/volunteers/wishes/new/?person={person.pk}",
        "/volunteers/wishes/report/",
        "/volunteers/tasks/",
        "/volunteers/tasks/new/",
        "/volunteers/teams/",
        f"/volunteers/teams/{team.pk}/",
        "/volunteers/roster/",
        "/volunteers/records/export/",
        "/volunteers/roster/export/",
        f"/volunteers/volunteers/{vu.volunteer_profile.pk}/certificate/",
        f"/volunteers/volunteers/{vu.volunteer_profile.pk}/certificate/?format=pdf",
        "/volunteers/points/spend/",
        "/",
        f"/volunteers/wishes/{wish.pk}/",
    ]:
        assert client.get(url).status_code == 200, url
