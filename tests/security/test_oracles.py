"""ORA-01: registering an ID number that lives in another area answers neutrally — neither
the household, nor the community, nor the name — and writes nothing."""

from __future__ import annotations

import pytest

from lianxin.core.errors import Conflict
from lianxin.core.roles import Role
from tests.security.seed import registry_ready, seed_all

pytestmark = pytest.mark.skipif(not registry_ready(), reason="registry not installed")


def test_registering_another_areas_id_number_is_answered_neutrally(world, client):
    from lianxin.registry.models import Household, Person

    seed = seed_all(world)
    b_person = next(p for p in seed.people if p.site == "b")
    b_household = seed.objects["households_b"][0]
    client.force_login(world.user(Role.COMMUNITY_STAFF, "a"))
    before = (Household.objects.count(), Person.objects.count())
    response = client.post(
        "/api/v1/households/",
        {
            "division_code": world.a.village.code,
            "members": [{"name": "冒名", "id_number": b_person.id_number, "relationship": "户主"}],
        },
        content_type="application/json",
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "该身份证号已登记，请联系上级核实" in body
    for secret in (b_household.number, world.b.village.short_name, b_person.name):
        assert secret not in body
    assert (Household.objects.count(), Person.objects.count()) == before


def test_own_area_conflicts_still_name_the_household(world):
    from lianxin.registry import services

    seed = seed_all(world)
    a_person = next(p for p in seed.people if p.site == "a")
    with pytest.raises(Conflict, match="已在住户"):
        services.household_register(
            actor=world.user(Role.COMMUNITY_STAFF, "a"),
            division=world.a.village,
            grid=None,
            members=[
                services.MemberInput(name="重复", id_number=a_person.id_number, relationship="户主")
            ],
        )
