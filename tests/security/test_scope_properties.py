"""SEC-02, property-based: for random placements of households and persons over random divisions
and grids, and random users holding one or two random assignments, the rows and counts that
``for_user``, the list selectors and the list API answer are EXACTLY the ones an independent
computation from the assignments says the user may see:

- community, township, county, city and region staff: rows whose division code lies in the
  subtree of their assignment's division;
- grid workers: rows in their grid;
- everyone else (hotline agents, units, leaders, partners, volunteers, administrators): none.

Run longer with ``HYPOTHESIS_PROFILE=security-long`` (see docs/SECURITY.md)."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianxin.accounts.models import Assignment, User
from lianxin.areas.models import Division, Grid
from lianxin.core.roles import AREA_STAFF_ROLES, Role
from tests.security.seed import record_figure, registry_ready

settings.register_profile(
    "security",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "security-long",
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "security")
EXAMPLES = settings.get_profile(PROFILE).max_examples

LEVEL_OF_ROLE = {
    Role.GRID_WORKER: "village",
    Role.COMMUNITY_STAFF: "village",
    Role.PARTNER: "village",
    Role.VOLUNTEER: "village",
    Role.EMPLOYER: "county",
    Role.TOWNSHIP_STAFF: "township",
    Role.COUNTY_STAFF: "county",
    Role.UNIT_STAFF: "county",
    Role.LEADER: "county",
    Role.CITY_STAFF: "city",
    Role.HOTLINE_AGENT: "city",
    Role.REGION_STAFF: "region",
    Role.SYSTEM_ADMIN: "region",
    Role.SECURITY_ADMIN: "region",
    Role.AUDIT_ADMIN: "region",
}


@dataclass
class Pool:
    villages: list[Division]
    grids: dict[str, list[Grid]]


@pytest.fixture
def pool(world):
    """Six villages: the two sites, a neighbour of each in the same township, and two others in
    other counties; two grids each."""
    villages = [world.a.village, world.b.village]
    for site in (world.a, world.b):
        villages.append(
            Division.objects.filter(parent=site.township).exclude(code=site.village.code).first()
        )
    others = (
        Division.objects.filter(level="village")
        .exclude(code__startswith=world.a.county.code)
        .exclude(code__startswith=world.b.county.code)
        .order_by("code")
    )
    villages += [others.first(), others.last()]
    grids = {}
    for village in villages:
        grids[village.code] = [
            Grid.objects.get_or_create(division=village, name=name)[0]
            for name in ("第一网格", "第二网格")
        ]
    return Pool(villages, grids)


def _area_for(village: Division, level: str) -> Division:
    node = village
    while node.level != level and node.parent_id:
        node = node.parent
    return node


placements = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 2)), min_size=0, max_size=12
)  # (village, grid or 2 = no grid)
grants = st.lists(
    st.tuples(st.sampled_from(list(Role)), st.integers(0, 5), st.integers(0, 1)),
    min_size=1,
    max_size=2,
)


def _expected(rows: list[tuple[int, str, int | None]], user_grants: list[tuple[str, str, Any]]):
    """Independent of core.scoping: the ids a user with these grants may see."""
    seen = set()
    for pk, area_code, grid_id in rows:
        for role, area, grid in user_grants:
            if role in AREA_STAFF_ROLES and area_code.startswith(area):
                seen.add(pk)
            if role == Role.GRID_WORKER and grid is not None and grid_id == grid:
                seen.add(pk)
    return seen


def _make_user(pool: Pool, drawn) -> tuple[User, list[tuple[str, str, Any]]]:
    user = User.objects.create_user(username=f"prop-{User.objects.count()}", password="x")
    user_grants = []
    for role, village_index, grid_index in drawn:
        village = pool.villages[village_index]
        area = _area_for(village, LEVEL_OF_ROLE[role])
        grid = pool.grids[village.code][grid_index] if role == Role.GRID_WORKER else None
        if Assignment.objects.filter(user=user, role=role, area=area, grid=grid).exists():
            continue
        Assignment.objects.create(user=user, role=role, area=area, grid=grid)
        user_grants.append((role, area.code, grid.pk if grid else None))
    return user, user_grants


def _api_count(client, name: str, user) -> int | None:
    try:
        url = reverse(name)
    except NoReverseMatch:
        return None
    client.force_login(user)
    response = client.get(url, {"page_size": 200})
    client.logout()
    assert response.status_code == 200, (name, response.status_code)
    return response.json()["count"]


@pytest.mark.skipif(not registry_ready(), reason="registry not installed")
def test_households_and_persons_seen_are_exactly_those_granted(pool, client):
    Household = apps.get_model("registry", "Household")
    Person = apps.get_model("registry", "Person")
    from lianxin.registry import selectors

    examples = []

    @settings(settings.get_profile(PROFILE))
    @given(placed=placements, drawn=grants)
    def check(placed, drawn):
        with transaction.atomic():
            rows = []
            for index, (village_index, grid_index) in enumerate(placed):
                village = pool.villages[village_index]
                grid = pool.grids[village.code][grid_index] if grid_index < 2 else None
                household = Household.objects.create(
                    number=f"P{index}-{village.code}", division=village, grid=grid
                )
                person = Person.objects.create(
                    name=f"性质{index}", division=village, grid=grid, birth_date=dt.date(1960, 1, 1)
                )
                rows.append((household.pk, person.pk, village.code, grid.pk if grid else None))
            user, user_grants = _make_user(pool, drawn)
            want_households = _expected([(h, a, g) for h, _, a, g in rows], user_grants)
            want_persons = _expected([(p, a, g) for _, p, a, g in rows], user_grants)
            mine = {h for h, _, _, _ in rows}
            mine_persons = {p for _, p, _, _ in rows}
            got = set(Household.objects.for_user(user).values_list("pk", flat=True)) & mine
            assert got == want_households, (drawn, placed)
            got_p = set(Person.objects.for_user(user).values_list("pk", flat=True)) & mine_persons
            assert got_p == want_persons, (drawn, placed)
            listed = set(selectors.household_list(user=user).values_list("pk", flat=True)) & mine
            assert listed == want_households
            listed_p = set(selectors.person_list(user=user).values_list("pk", flat=True))
            assert listed_p & mine_persons == want_persons
            # The figures users read: counts of the list API equal the expected counts (the
            # pool's villages hold only this example's rows).
            for name, want in (
                ("api:household_list", want_households),
                ("api:person_list", want_persons),
            ):
                count = _api_count(client, name, user)
                if count is not None:
                    assert count == len(want), (name, drawn, placed, count)
            examples.append(1)
            transaction.set_rollback(True)

    check()
    record_figure("scope_property_examples", len(examples))
    assert len(examples) == EXAMPLES


def test_grids_seen_are_exactly_those_granted(pool):
    examples = []
    all_grids = [(g.pk, g.area_code, g.pk) for grids in pool.grids.values() for g in grids]
    pool_ids = {pk for pk, _, _ in all_grids}

    @settings(settings.get_profile(PROFILE))
    @given(drawn=grants)
    def check(drawn):
        with transaction.atomic():
            user, user_grants = _make_user(pool, drawn)
            want = set()
            for pk, area_code, _ in all_grids:
                for role, area, grid in user_grants:
                    if role != Role.GRID_WORKER and area_code.startswith(area):
                        want.add(pk)
                    if role == Role.GRID_WORKER and grid == pk:
                        want.add(pk)
            got = set(Grid.objects.for_user(user).values_list("pk", flat=True)) & pool_ids
            assert got == want, drawn
            examples.append(1)
            transaction.set_rollback(True)

    check()
    assert len(examples) == EXAMPLES
