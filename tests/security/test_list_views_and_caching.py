"""#11 finding 8: answers with personal data carry ``Cache-Control: no-store``; the persons
list API and the household list write an audit row."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lianxin.core.models import AuditEvent
from lianxin.core.roles import Role
from tests.security.seed import registry_ready, seed_all

pytestmark = pytest.mark.skipif(not registry_ready(), reason="registry not installed")


def test_personal_answers_are_not_stored(world, client):
    seed_all(world)
    client.force_login(world.user(Role.COMMUNITY_STAFF, "b"))
    for url in (
        reverse("registry:household_list"),
        reverse("registry:household_export") + "?format=csv",
        "/api/v1/persons/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


@pytest.mark.parametrize(
    ("url", "action"),
    [
        ("/api/v1/persons/", "view.registry.person_list"),
        ("/registry/", "view.registry.household_list"),
    ],
)
def test_list_views_are_audited(world, client, url, action):
    seed_all(world)
    user = world.user(Role.COMMUNITY_STAFF, "b")
    client.force_login(user)
    assert client.get(url).status_code == 200
    event = AuditEvent.objects.filter(action=action).get()
    assert event.actor == user
    assert event.changes["count"] > 0
