"""Area codes cannot go stale (issue #10): when a person moves, every row scoped below the
person follows in the same transaction, so a community sees a person's tag exactly when it sees
the person."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianxin.areas.models import Division
from lianxin.core.areascoped import area_refresh, area_scoped_models
from lianxin.core.roles import Role
from lianxin.registry import services
from lianxin.registry.models import Disability, Person, VulnerabilityTag

from .factories import household, make_id, person_of

VILLAGES = ("640104001007", "640104001002", "640104001003")  # 安秀, 崇安, 兴隆 (兴庆区)


def _setup(world):
    county = world.user(Role.COUNTY_STAFF, "a")
    homes = [
        household(
            division=Division.objects.get(code=code),
            members=[
                (f"户主{i}", make_id("640104"), "户主"),
                (f"成员{i}", make_id("640104"), "配偶"),
            ],
        )
        for i, code in enumerate(VILLAGES)
    ]
    staff = {}
    for code in VILLAGES:
        user = world.user(Role.COMMUNITY_STAFF, "a")
        user.assignments.update(area=Division.objects.get(code=code))
        user._lianxin_scope = None
        staff[code] = user
    return county, homes, staff


def _visible(model, user, person):
    return model.objects.for_user(user).filter(person=person).exists()


def test_moved_member_takes_tag_and_disability_along(world):
    """The leak the outside probe found: after member_move the old community still saw the tag."""
    county, homes, staff = _setup(world)
    person = person_of(homes[0], "成员0")
    services.tag_add(actor=county, person=person, tag="高龄独居", evidence="独居")
    services.disability_set(actor=county, person=person, disability_type="肢体", grade=2)

    services.member_move(
        actor=county, person=person, to_household=homes[1], relationship="其他", on=dt.date.today()
    )

    old, new = staff[VILLAGES[0]], staff[VILLAGES[1]]
    assert not Person.objects.for_user(old).filter(pk=person.pk).exists()
    assert not _visible(VulnerabilityTag, old, person)
    assert not _visible(Disability, old, person)
    assert Person.objects.for_user(new).filter(pk=person.pk).exists()
    assert _visible(VulnerabilityTag, new, person)
    assert _visible(Disability, new, person)


def test_area_refresh_reaches_grandchildren(world):
    """area_refresh walks every declared area_source below the parent (one UPDATE per model)."""
    declared = {m.__name__: m.area_source for m in area_scoped_models()}
    assert declared["VulnerabilityTag"] == "person"
    assert declared["Escalation"] == "measure"
    _county, homes, _staff = _setup(world)
    person = person_of(homes[0], "成员0")
    VulnerabilityTag.objects.create(person=person, tag="高龄独居", valid_from=dt.date.today())
    assert area_refresh(person, area_code="640104001002") == 1
    assert VulnerabilityTag.objects.get(person=person).area_code == "640104001002"


@pytest.mark.django_db(transaction=False)
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(moves=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), min_size=1, max_size=6))
def test_random_moves_keep_every_scoped_row_with_its_person(world, moves):
    county, homes, staff = _setup(world)
    movers = [person_of(h, f"成员{i}") for i, h in enumerate(homes)]
    for p in movers:
        services.tag_add(actor=county, person=p, tag="高龄独居", evidence="独居")
        services.disability_set(actor=county, person=p, disability_type="视力", grade=1)
    for who, where in moves:
        person = Person.objects.get(pk=movers[who].pk)
        current = services.current_household(person)
        if current is not None and current.pk != homes[where].pk:
            services.member_move(
                actor=county, person=person, to_household=homes[where], relationship="其他"
            )
    for p in movers:
        for user in staff.values():
            sees_person = Person.objects.for_user(user).filter(pk=p.pk).exists()
            assert _visible(VulnerabilityTag, user, p) == sees_person
            assert _visible(Disability, user, p) == sees_person
