"""AUD-03: the audit administrator sees who did what to which record, never the values.
Residents' data in audit rows is stored sealed (Fernet); /audit/ shows keys and masked labels;
the staff's own history pages still read the values."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from lianxin.core import audit
from lianxin.core.models import AuditEvent
from lianxin.core.roles import Role
from tests.security.seed import registry_ready, seed_all

pytestmark = pytest.mark.skipif(not registry_ready(), reason="registry not installed")

EVIDENCE = "低保证编号NX2026-778，长期卧床"


def test_audit_admin_sees_no_sensitive_values(world, client):
    from lianxin.registry import services
    from lianxin.registry.models import Person

    seed = seed_all(world)
    seeded = next(p for p in seed.people if p.site == "a")
    person = Person.objects.get(pk=seeded.pk)
    staff = world.user(Role.COMMUNITY_STAFF, "a")
    services.tag_add(actor=staff, person=person, tag="重病", evidence=EVIDENCE)
    services.disability_set(
        actor=staff, person=person, disability_type="视力", grade=1, issued_on=dt.date(2020, 1, 1)
    )
    rows = " ".join(str(e.changes) + e.target_repr for e in AuditEvent.objects.all())
    assert EVIDENCE not in rows  # sealed in the database, not only hidden on the page
    client.force_login(world.user(Role.AUDIT_ADMIN, "a"))
    page = client.get("/audit/", {"action": "registry."}).content.decode()
    assert "registry.tag.add" in page or "registry.person" in page  # who did what is there
    for value in (EVIDENCE, "长期卧床", "重病", seeded.name, "视力"):
        assert value not in page, value
    # the staff's own history of the person still reads the evidence
    client.force_login(staff)
    history = client.get(reverse("registry:person_detail", args=[person.pk])).content.decode()
    assert "长期卧床" in history


def test_sealed_values_round_trip_and_the_chain_verifies(world):
    event = audit.record(actor=None, action="test.x", changes={"evidence": "卧床", "format": "csv"})
    assert event.changes["evidence"] == "***"
    assert event.changes["format"] == "csv"
    assert audit.unsealed(AuditEvent.objects.get(pk=event.pk))["evidence"] == "卧床"
    assert "卧床" not in audit.summary(event)
    assert audit.verify_chain()[1] == []
