"""The care API: transitions, refusals as JSON, foreign fields ignored (SEC-03)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from lianxin.care.models import CareCase, Stage
from lianxin.care.tests import factories as f


@pytest.fixture
def api():
    return APIClient()


def test_discover_investigate_and_refuse_over_the_api(world, api):
    a = f.Actors(world)
    hh = f.household(a.site)
    api.force_authenticate(a.grid_worker)
    r = api.post(
        "/api/v1/care/cases/",
        {
            "household_id": hh.pk,
            "source": "grid_visit",
            "description": "独居",
            "stage": "closed",
            "area_code": "6405",
            "batch": 1,
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    case = CareCase.objects.get(pk=r.json()["id"])
    assert (case.stage, case.area_code, case.batch_id) == (
        Stage.DISCOVERED,
        a.site.village.code,
        None,
    )
    r = api.post(
        f"/api/v1/care/cases/{case.pk}/investigate/", {"residents": "独居老人"}, format="json"
    )
    assert r.status_code == 400
    assert r.json()["code"] == "incomplete"
    assert r.json()["detail"].startswith("入户调查缺少：入户日期")
    assert "共同生活人数" in r.json()["missing"]
    data = f.investigation_data()
    data["visited_on"] = data["visited_on"].isoformat()
    r = api.post(
        f"/api/v1/care/cases/{case.pk}/investigate/", data | {"grade": "red"}, format="json"
    )
    assert r.status_code == 200, r.content
    assert (r.json()["stage"], r.json()["grade"]) == ("investigated", "blue")


def test_out_of_order_is_409(world, api):
    case, a = f.case_at(world, "discovered")
    api.force_authenticate(a.township)
    r = api.post(f"/api/v1/care/cases/{case.pk}/approve/", {}, format="json")
    assert r.status_code == 409
    assert r.json()["code"] == "invalid_transition"


def test_measures_over_the_api(world, api):
    case, a = f.case_at(world, "planned")
    m = case.measures.get()
    api.force_authenticate(a.county)
    assert [x["id"] for x in api.get("/api/v1/care/measures/").json()["results"]] == [m.pk]
    r = api.post(
        f"/api/v1/care/measures/{m.pk}/implement/",
        {"evidence": "已发放", "status": "cancelled"},
        format="json",
    )
    assert (r.status_code, r.json()["status"]) == (200, "implemented")
    api.force_authenticate(a.township)
    r = api.post(
        f"/api/v1/care/cases/{case.pk}/measure/",
        {
            "action": "education",
            "title": "助学",
            "responsible_unit_id": a.site.orgs["education"].pk,
            "deadline": "2027-03-01",
        },
        format="json",
    )
    assert r.status_code == 201
    r = api.get(f"/api/v1/care/batches/{case.batch_id}/progress/")
    # the township sees the regional batch with the figures of its own area
    assert (r.status_code, r.json()["households"], r.json()["measures"]) == (200, 1, 2)
