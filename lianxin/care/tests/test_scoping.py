"""Who sees which cases, measures, batches and meetings (SEC-02), and queue order."""

from __future__ import annotations

import pytest

from lianxin.care import selectors, services
from lianxin.care.models import CareCase, Measure
from lianxin.care.tests import factories as f
from lianxin.core.roles import Role


@pytest.fixture
def two_cases(world):
    case_a, actors_a = f.case_at(world, "planned", site="a")
    case_b, actors_b = f.case_at(world, "planned", site="b")
    return case_a, actors_a, case_b, actors_b


def _ids(qs):
    return sorted(qs.values_list("pk", flat=True))


@pytest.mark.parametrize(
    "role",
    [Role.COMMUNITY_STAFF, Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF, Role.CITY_STAFF],
)
def test_area_staff_see_their_subtree(world, two_cases, role):
    case_a, _, case_b, _ = two_cases
    assert _ids(CareCase.objects.for_user(world.user(role, "a"))) == [case_a.pk]
    assert _ids(CareCase.objects.for_user(world.user(role, "b"))) == [case_b.pk]


def test_region_staff_see_everything(world, two_cases):
    case_a, _, case_b, _ = two_cases
    assert _ids(CareCase.objects.for_user(world.user(Role.REGION_STAFF, "a"))) == sorted(
        [case_a.pk, case_b.pk]
    )


def test_grid_worker_sees_only_his_grid(world, two_cases):
    case_a, actors, _, _ = two_cases
    other_hh = f.household(world.a, grid=world.a.other_grid)
    other = services.case_discover(
        actor=actors.community, household=other_hh, source="grid_visit", description="x"
    )
    assert _ids(CareCase.objects.for_user(actors.grid_worker)) == [case_a.pk]
    second = world.user(Role.GRID_WORKER, "a", grid=world.a.other_grid)
    assert _ids(CareCase.objects.for_user(second)) == [other.pk]


def test_leader_sees_the_cases_he_leads_only(world, two_cases):
    case_a, actors, _, _ = two_cases
    assert _ids(CareCase.objects.for_user(actors.leader)) == [case_a.pk]
    assert _ids(CareCase.objects.for_user(world.user(Role.LEADER, "a"))) == []
    assert _ids(selectors.leader_cases(user=actors.leader)) == [case_a.pk]


def test_leader_gets_aggregates_of_his_area(world, two_cases):
    agg = selectors.area_aggregates(user=world.user(Role.LEADER, "a"))
    assert agg["by_grade"] == {"blue": 1}
    assert agg["by_stage"] == {"planned": 1}


@pytest.mark.parametrize(
    "role", [Role.PARTNER, Role.VOLUNTEER, Role.HOTLINE_AGENT, Role.SYSTEM_ADMIN]
)
def test_partners_volunteers_and_others_see_nothing(world, two_cases, role):
    user = world.user(role, "a")
    assert CareCase.objects.for_user(user).count() == 0
    assert Measure.objects.for_user(user).count() == 0


def test_a_department_sees_its_measures_elsewhere(world, two_cases):
    case_a, actors_a, case_b, actors_b = two_cases
    # a city-level education bureau of site A is made responsible for a measure of site B
    bureau = f.org(world.a, "银川市教育局", level_of="city", dept_type="education")
    m = f.measure(actors_b.township, case_b, "education", "协调入学", bureau)
    officer = world.user(Role.UNIT_STAFF, "a")
    officer.assignments.update(organisation=bureau)
    assert _ids(Measure.objects.for_user(officer)) == [m.pk]
    assert _ids(selectors.measure_queue(user=officer)) == [m.pk]
    assert _ids(CareCase.objects.for_user(officer)) == [case_b.pk]
    # the county civil-affairs officer of A sees A's measures (area) and none of B's
    assert m.pk not in _ids(Measure.objects.for_user(actors_a.county))


def test_queues_put_red_and_complex_first(world):
    a = f.Actors(world)
    blue, _ = f.case_at(world, "investigated", actors=a)
    red, _ = f.case_at(
        world, "investigated", actors=a, child_without_carer=True, care_notes="无人照料"
    )
    red2, _ = f.case_at(
        world,
        "investigated",
        actors=a,
        child_without_carer=True,
        care_notes="无人照料",
        elderly_alone=True,
    )
    yellow, _ = f.case_at(world, "investigated", actors=a, elderly_alone=True, care_notes="独居")
    order = list(selectors.case_list(user=a.community).values_list("pk", flat=True))
    assert order == [red2.pk, red.pk, yellow.pk, blue.pk]
    assert (
        list(selectors.review_queue(user=a.community)["to_review"].values_list("pk", flat=True))
        == order
    )


def test_grid_worker_todos(world):
    a = f.Actors(world)
    discovered, _ = f.case_at(world, "discovered", actors=a)
    planned, _ = f.case_at(world, "planned", actors=a)
    todos = selectors.grid_worker_todos(user=a.grid_worker)
    assert _ids(todos["to_investigate"]) == [discovered.pk]
    assert _ids(todos["to_visit"]) == [planned.pk]


def test_overdue_measures(world):
    case, a = f.case_at(world, "planned")
    f.overdue_measure(case, a)
    overdue = selectors.measure_queue(user=a.county, overdue_only=True)
    assert list(overdue.values_list("title", flat=True)) == ["煤改电"]


def test_batch_progress_counts_the_users_area(world, two_cases):
    case_a, actors_a, case_b, _ = two_cases
    region = world.user(Role.REGION_STAFF, "a")
    services.measure_start(actor=actors_a.county, measure=case_a.measures.get())
    services.measure_implement(
        actor=actors_a.county, measure=case_a.measures.get(), evidence="已发放"
    )
    batch = case_a.batch
    progress = selectors.batch_progress(user=region, batch=batch)
    assert (
        progress["households"],
        progress["persons"],
        progress["measures"],
        progress["implemented"],
    ) == (1, 1, 1, 1)
    # site B's county staff sees nothing of A's batch figures
    county_b = world.user(Role.COUNTY_STAFF, "b")
    p = selectors.batch_progress(user=county_b, batch=batch)
    assert (p["households"], p["measures"]) == (0, 0)
