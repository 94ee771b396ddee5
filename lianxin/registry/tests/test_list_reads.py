"""The household list reads what it shows (issue #15, load test): the heads' names, not their
encrypted ID and phone numbers (each one a decryption per row); the villages as plain values."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lianxin.core.roles import Role
from lianxin.registry.tests import factories as f


def test_household_list_does_not_read_the_heads_encrypted_numbers(world, client):
    worker = world.user(Role.COMMUNITY_STAFF, "a")
    for i in range(3):
        f.household(
            actor=worker, division=world.a.village, members=[(f"户主{i}", f.make_id(), "户主")]
        )
    client.force_login(worker)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("registry:household_list"))
    assert page.status_code == 200
    body = page.content.decode()
    assert all(f"户主{i}" in body for i in range(3))
    listing = [q["sql"] for q in ctx.captured_queries if 'FROM "registry_household"' in q["sql"]]
    assert listing
    assert not [sql for sql in listing if '"registry_person"."id_number"' in sql]
    assert not [sql for sql in listing if '"registry_person"."phone"' in sql]
