"""The leaders' view (issue #20): each area's dashboard, scoped; every figure agrees with the
list behind it; small counts of people are hidden from aggregate-only roles; snapshots freeze."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from lianxin.analytics.aggregates import refresh
from lianxin.analytics.dashboard import snapshot_month
from lianxin.analytics.models import IndicatorCount, IndicatorSnapshot
from lianxin.care.tests.factories import case_at
from lianxin.core import indicators
from lianxin.core.roles import Role


@pytest.fixture
def cases(world):
    a, actors_a = case_at(world, "planned", site="a")
    b, actors_b = case_at(world, "planned", site="b")
    refresh()  # figures are read from the kept aggregate; the lists behind them are live
    return actors_a, actors_b


def test_each_leader_sees_own_dashboard_and_not_the_others(world, login, cases):
    actors_a, actors_b = cases
    client = login(actors_a.leader)
    page = client.get("/dashboard/")
    assert page.status_code == 200
    html = page.content.decode()
    assert world.a.county.name in html
    assert world.b.county.name not in html
    assert client.get(f"/dashboard/{world.b.county.code}/").status_code == 404
    assert client.get(f"/api/v1/dashboard/?area={world.b.county.code}").status_code == 404
    assert client.get(f"/dashboard/{world.b.county.code}/list/care.measures/").status_code == 404
    other = login(actors_b.leader).get(f"/dashboard/{world.a.county.code}/")
    assert other.status_code == 404


@pytest.mark.parametrize("role", [Role.COUNTY_STAFF, Role.TOWNSHIP_STAFF, Role.LEADER])
def test_every_indicator_agrees_with_its_list(world, login, cases, role):
    user = world.user(role, "a")
    client = login(user)
    figures = client.get("/api/v1/dashboard/").json()
    listed = [f for f in figures if f["list_url"]]
    assert {f["key"] for f in listed} >= {"care.households", "care.measures", "hotline.orders"}
    measures = next(f for f in figures if f["key"] == "care.measures")
    assert measures["count"] == 1
    for f in listed:
        answer = client.get(f["list_url"]).json()
        if f["count"] is not None:
            assert answer["count"] == f["count"], f["key"]


def test_small_counts_of_people_are_hidden_from_leaders_only(world, login, cases):
    actors_a, _ = cases
    leader = {f["key"]: f for f in login(actors_a.leader).get("/api/v1/dashboard/").json()}
    assert leader["care.households"]["display"] == "<5"
    assert leader["care.households"]["count"] is None
    staff = {
        f["key"]: f
        for f in login(world.user(Role.COUNTY_STAFF, "a")).get("/api/v1/dashboard/").json()
    }
    assert staff["care.households"]["count"] == 1


def test_leader_list_is_a_breakdown_that_adds_up(world, login, cases):
    actors_a, _ = cases
    page = login(actors_a.leader).get(f"/dashboard/{world.a.county.code}/list/care.measures/")
    html = page.content.decode()
    assert page.status_code == 200
    assert world.a.township.name in html
    assert "按下级区域统计" in html


def test_export_is_a_workbook_with_definitions(world, login, cases):
    actors_a, _ = cases
    answer = login(actors_a.leader).get("/dashboard/export/")
    assert answer.status_code == 200
    wb = load_workbook(io.BytesIO(answer.content))
    assert "关爱帮扶" in wb.sheetnames
    ws = wb["关爱帮扶"]
    assert ws["A2"].value == "指标"
    labels = [row[0].value for row in ws.iter_rows(min_row=3)]
    assert "帮扶措施（计划）" in labels


def test_snapshot_freezes_a_month_and_a_second_run_changes_nothing(world, cases):
    month = dt.date(2026, 11, 1)
    made = snapshot_month(month=month, area_codes=[world.a.county.code])
    assert made == IndicatorSnapshot.objects.count() > 0
    frozen = IndicatorSnapshot.objects.get(area_code=world.a.county.code, key="care.measures")
    assert frozen.value == 1
    assert snapshot_month(month=month, area_codes=[world.a.county.code]) == 0


def test_every_app_contributes_indicators():
    sections = {i.section for i in indicators.all_indicators()}
    assert {
        "care",
        "hotline",
        "monitoring",
        "benefits",
        "resources",
        "volunteers",
        "employment",
    } <= sections


def test_a_figure_is_read_from_the_kept_aggregate_and_shows_when_it_was_computed(
    world, login, cases
):
    actors_a, _ = cases
    staff = world.user(Role.COUNTY_STAFF, "a")
    stale = dt.datetime(2026, 11, 30, 8, 5, tzinfo=dt.UTC)  # 16:05 in Beijing
    IndicatorCount.objects.filter(key="care.measures").update(computed_at=stale)
    case_at(world, "planned", site="a")  # a second measure, not yet counted
    client = login(staff)
    figures = {f["key"]: f for f in client.get("/api/v1/dashboard/").json()}
    assert figures["care.measures"]["count"] == 1
    assert figures["care.measures"]["computed_at"].startswith("2026-11-30T16:05")
    assert client.get(figures["care.measures"]["list_url"]).json()["count"] == 2  # live list
    html = client.get(f"/dashboard/{world.a.county.code}/").content.decode()
    assert "统计于 2026-11-30 16:05" in html
    call_command("analytics", "refresh")
    figures = {f["key"]: f for f in client.get("/api/v1/dashboard/").json()}
    assert figures["care.measures"]["count"] == 2
    assert not figures["care.measures"]["computed_at"].startswith("2026-11-30")


def test_the_dashboard_never_counts_the_apps_rows_per_request(
    world, login, cases, django_assert_max_num_queries
):
    actors_a, _ = cases
    client = login(world.user(Role.COUNTY_STAFF, "a"))
    client.get("/api/v1/dashboard/")
    with django_assert_max_num_queries(15) as ctx:
        assert client.get("/api/v1/dashboard/").status_code == 200
    tables = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "care_measure" not in tables
    assert "hotline_workorder" not in tables


def test_refresh_button_is_rate_limited(world, login, cases):
    actors_a, _ = cases
    client = login(actors_a.leader)
    case_at(world, "planned", site="a")
    url = f"/dashboard/{world.a.county.code}/refresh/"
    answer = client.post(url, follow=True)
    assert "已提交刷新" in answer.content.decode()
    measures = IndicatorCount.objects.get(key="care.measures", area_code=world.a.county.code)
    assert measures.value == 2
    again = client.post(url, follow=True).content.decode()
    assert "刷新过于频繁" in again
    assert client.get(url).status_code == 405
    assert login(actors_a.leader).post(
        f"/dashboard/{world.b.county.code}/refresh/"
    ).status_code == (404)


def test_rows_recorded_at_the_area_itself_keep_the_breakdown_adding_up(world):
    from lianxin.analytics.aggregates import rolled_up

    counts = rolled_up({world.a.county.code: 3, world.a.township.code: 2}, [])
    assert counts[world.a.county.code] == 5
    assert counts[world.a.township.code] == 2
    assert counts[world.a.county.code[:2]] == 5


def test_the_map_never_draws_a_small_count_of_people_for_a_leader(world, cases):
    from lianxin.analytics import dashboard as board

    actors_a, _ = cases
    households = indicators.get("care.households")
    [county] = board.map_values(user=actors_a.leader, indicator=households, area=world.a.county)
    assert county["value"] is None
    assert county["display"] == "<5"
    staff = world.user(Role.COUNTY_STAFF, "a")
    [county] = board.map_values(user=staff, indicator=households, area=world.a.county)
    assert county["value"] == 1


def test_kept_rates_equal_the_live_rates(world, cases):
    from lianxin.hotline import services as hotline
    from lianxin.hotline.tests import factories as hotline_f

    agent = world.user(Role.HOTLINE_AGENT, "a")
    for n in range(3):
        order, _ = hotline_f.intake(
            world, agent, f"兴庆区胜利街路灯坏了{n + 2}天，晚上很黑", caller_name="张女士"
        )
        if n:
            hotline.workorder_dispatch(
                actor=agent, order=order, lead_unit=world.a.orgs["municipal_engineering"]
            )
    refresh()
    for indicator in indicators.all_indicators():
        if indicator.value is None:
            continue
        for code in (world.a.village.code, world.a.county.code, "64"):
            kept = IndicatorCount.objects.get(key=indicator.key, area_code=code).value
            live = indicator.value(code)
            assert kept == (None if live is None else float(live)), (indicator.key, code)
    response = IndicatorCount.objects.get(key="hotline.response_rate", area_code="64")
    assert response.value == 0.0  # 2 dispatched, none accepted


def test_grouped_rate_parts_add_up_before_the_rate_is_taken(monkeypatch):
    from lianxin.analytics import aggregates

    fields = dict.fromkeys(
        ("total", "dispatched", "accepted", "called_back", "resolved", "satisfied", "replied"), 0
    )
    parts = {
        "640104001001": {**fields, "dispatched": 4, "accepted": 1},
        "640104002001": {**fields, "dispatched": 1, "accepted": 1},
    }
    parts = {c: {**p, "replied_on_time": 0, "overdue_open": 0} for c, p in parts.items()}
    monkeypatch.setitem(aggregates.SOURCES, "hotline.rates", lambda: parts)
    data = aggregates.collect(
        areas=["64", "640104", "640104001", "640104002"], keys=["hotline.response_rate"]
    )
    rates = data.values["hotline.response_rate"]
    assert rates["640104001"] == 25.0
    assert rates["640104002"] == 100.0
    assert rates["640104"] == rates["64"] == 40.0  # 2 of 5, not the mean of 25 and 100
