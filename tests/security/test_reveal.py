"""PII-02: a full ID number is revealed only to permitted roles (community, township and county
staff of the person's area), through a POST, every time with an audit row (who, whom, why,
result), at most LIANXIN_REVEAL_RATE per user; refusals are audited as denied and show no digit
beyond the mask."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import NoReverseMatch, reverse

from lianxin.core.models import AuditEvent
from lianxin.core.roles import REVEAL_ROLES, Role
from lianxin.core.tests.concurrency import race
from tests.security.seed import registry_ready, seed_all

pytestmark = pytest.mark.skipif(not registry_ready(), reason="registry not installed")


def _url(person_pk: int) -> str:
    try:
        return reverse("registry:person_reveal", kwargs={"pk": person_pk})
    except NoReverseMatch:
        pytest.skip("no reveal route")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def person(world):
    seed = seed_all(world)
    return next(p for p in seed.people if p.site == "b" and p.grid_id == world.b.grid.pk)


@pytest.mark.parametrize("role", sorted(REVEAL_ROLES))
def test_permitted_roles_see_the_number_and_each_reveal_is_audited(role, person, world, client):
    client.force_login(world.user(role, "b"))
    before = AuditEvent.objects.count()
    response = client.post(_url(person.pk), {"reason": "核实低保申请"})
    assert response.status_code == 200
    assert person.id_number in response.content.decode()
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.result, event.target_id) == (
        "registry.person.reveal_id",
        "success",
        str(person.pk),
    )
    assert event.changes.get("reason") == "核实低保申请"
    assert person.id_number not in str(event.changes)


@pytest.mark.parametrize("role", [r for r in Role if r not in REVEAL_ROLES], ids=lambda r: str(r))
def test_other_roles_are_refused_and_the_refusal_is_audited(role, person, world, client):
    client.force_login(world.user(role, "b"))
    before = AuditEvent.objects.count()
    response = client.post(_url(person.pk), {"reason": "想看"})
    assert response.status_code in (403, 404)
    assert person.id_number not in response.content.decode()
    added = AuditEvent.objects.count() - before
    if response.status_code == 403:  # the person is visible to the role, the reveal is not
        assert added == 1
        assert AuditEvent.objects.order_by("-id").first().result == "denied"
    else:
        assert added == 0


def test_reveal_is_post_only(person, world, client):
    client.force_login(world.user(Role.COMMUNITY_STAFF, "b"))
    assert client.get(_url(person.pk)).status_code == 405


def test_reveal_is_rate_limited(person, world, client, settings):
    settings.LIANXIN_REVEAL_RATE = "3/h"
    client.force_login(world.user(Role.COMMUNITY_STAFF, "b"))
    codes = [client.post(_url(person.pk), {"reason": "核实"}).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 403, 403]
    results = list(
        AuditEvent.objects.filter(action="registry.person.reveal_id")
        .order_by("id")
        .values_list("result", flat=True)
    )
    assert results[-5:] == ["success", "success", "success", "denied", "denied"]


def test_reveal_requires_a_reason(person, world, client):
    client.force_login(world.user(Role.COMMUNITY_STAFF, "b"))
    response = client.post(_url(person.pk), {"reason": " "})
    assert response.status_code == 400
    assert person.id_number not in response.content.decode()
    assert (
        AuditEvent.objects.filter(action="registry.person.reveal_id")
        .values_list("result", flat=True)
        .get()
        == "denied"
    )


POSTGRES = "postgres" in __import__("os").environ.get("DATABASE_URL", "")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not POSTGRES, reason="real concurrency needs PostgreSQL")
def test_fifty_parallel_reveals_hold_the_limit(world, settings):
    """PII-02 under concurrency: 50 threads released together by a barrier, limit 10/h:
    exactly 10 full numbers, 40 audited refusals (the old cache limiter let 30 of 40 through)."""

    from lianxin.registry import services
    from lianxin.registry.models import Person

    settings.LIANXIN_REVEAL_RATE = "10/h"
    seed = seed_all(world)
    target = Person.objects.get(pk=next(p.pk for p in seed.people if p.site == "b"))
    staff = world.user(Role.COMMUNITY_STAFF, "b")
    n = 50
    results = race(
        lambda i: services.person_id_reveal(actor=staff, person=target, reason="核实低保申请"),
        n,
        ok="revealed",
        refused=lambda exc: "refused",
    )
    assert results.count("revealed") == 10
    assert results.count("refused") == 40
    rows = AuditEvent.objects.filter(action="registry.person.reveal_id", target_id=str(target.pk))
    assert rows.filter(result="success").count() == 10
    assert rows.filter(result="denied").count() == 40
