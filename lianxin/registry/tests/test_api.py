from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from lianxin.core.models import AuditEvent
from lianxin.core.roles import Role
from lianxin.registry.models import Household, Person
from lianxin.registry.tests import factories as f


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def family(world, worker):
    return f.ma_family(world, worker)


def test_list_is_scoped_filterable_and_paginated(world, worker, family, api):
    f.household(
        division=world.b.village, grid=world.b.grid, members=[("乙某", f.make_id("640521"), "户主")]
    )
    api.force_authenticate(worker)
    data = api.get("/api/v1/households/").json()
    assert data["count"] == 1
    assert data["results"][0]["number"] == family.number
    boy = f.person_of(family, "马小军")
    assert api.get("/api/v1/households/", {"q": boy.id_number}).json()["count"] == 1
    assert api.get("/api/v1/households/", {"tag": "特困"}).json()["count"] == 0


def test_detail_masks_ids_and_404s_outside_the_area(world, worker, family, api):
    api.force_authenticate(worker)
    data = api.get(f"/api/v1/households/{family.pk}/").json()
    boy = f.person_of(family, "马小军")
    ids = [m["id_number"] for m in data["members"]]
    assert boy.id_number not in ids
    assert "*" * 15 + boy.id_number[-3:] in ids
    other = f.household(
        division=world.b.village, grid=world.b.grid, members=[("乙某", f.make_id("640521"), "户主")]
    )
    response = api.get(f"/api/v1/households/{other.pk}/")
    assert response.status_code == 404
    assert response.json()["detail"] == "未找到或无权访问"


def test_register_through_the_api_and_foreign_fields_refused(world, worker, api):
    api.force_authenticate(worker)
    body = {
        "division_code": world.a.village.code,
        "grid_id": world.a.grid.pk,
        "members": [{"name": "张建国", "id_number": f.make_id(), "relationship": "户主"}],
    }
    refused = api.post(
        "/api/v1/households/",
        {**body, "area_code": "640521103208", "status": "deceased"},
        format="json",
    )
    assert refused.status_code == 400
    assert set(refused.json()) >= {"area_code", "status"} or "area_code" in str(refused.json())
    assert Household.objects.count() == 0
    nested = api.post(
        "/api/v1/households/",
        {**body, "members": [{**body["members"][0], "owner": 1}]},
        format="json",
    )
    assert nested.status_code == 400
    created = api.post("/api/v1/households/", body, format="json")
    assert created.status_code == 201
    assert created.json()["area_code"] == world.a.village.code


def test_register_into_another_area_is_refused(world, worker, api):
    api.force_authenticate(worker)
    body = {
        "division_code": world.b.village.code,
        "members": [{"name": "张", "id_number": f.make_id("640521"), "relationship": "户主"}],
    }
    response = api.post("/api/v1/households/", body, format="json")
    assert response.status_code == 400
    assert Household.objects.count() == 0


def test_member_tag_deceased_and_assistance(world, worker, family, api):
    api.force_authenticate(worker)
    added = api.post(
        f"/api/v1/households/{family.pk}/members/",
        {"name": "李秀兰", "id_number": f.make_id(sex="F"), "relationship": "配偶"},
        format="json",
    )
    assert added.status_code == 201
    pid = added.json()["id"]
    assert (
        api.post(
            f"/api/v1/persons/{pid}/tags/", {"tag": "重病", "evidence": "病历"}, format="json"
        ).status_code
        == 201
    )
    dup = api.post(
        f"/api/v1/persons/{pid}/tags/", {"tag": "重病", "evidence": "病历"}, format="json"
    )
    assert dup.status_code == 409
    assert dup.json()["code"] == "conflict"
    assert (
        api.post(
            f"/api/v1/households/{family.pk}/assistance/",
            {"assistance_type": "低保", "started_on": "2026-01-01"},
            format="json",
        ).status_code
        == 201
    )
    dead = api.post(
        f"/api/v1/persons/{pid}/deceased/",
        {"on": "2026-01-02", "evidence": "死亡证明"},
        format="json",
    )
    assert dead.json()["status"] == "deceased"


def test_person_search_and_detail_audited(world, worker, family, api):
    api.force_authenticate(worker)
    boy = f.person_of(family, "马小军")
    found = api.get("/api/v1/persons/", {"q": boy.id_number}).json()
    assert [p["name"] for p in found["results"]] == ["马小军"]
    api.get(f"/api/v1/persons/{boy.pk}/")
    assert (
        AuditEvent.objects.filter(action="view.registry.person", target_id=str(boy.pk)).count() == 1
    )
    assert Person.objects.count() == 2


def test_volunteer_sees_no_residents(world, family, api):
    api.force_authenticate(world.user(Role.VOLUNTEER, "a"))
    assert api.get("/api/v1/households/").json()["count"] == 0
