import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lianxin.core import audit
from lianxin.core.models import AuditEvent, AuditLink
from lianxin.core.roles import Role
from lianxin.core.tests.audit_checks import assert_append_only


def test_record_chains_rows(world):
    user = world.user(Role.COMMUNITY_STAFF, "a")
    first = audit.record(
        actor=user, action="test.thing.do", target=world.a.grid, changes={"x": [1, 2]}
    )
    second = audit.record(actor=user, action="test.thing.redo", target=world.a.grid)
    assert first.key_id  # the row carries its own keyed digest
    assert first.hash == first.content_digest()
    audit.chain()  # what runs once the transaction commits
    links = list(AuditLink.objects.filter(event__in=[first, second]).order_by("seq"))
    assert [link.event_id for link in links] == [first.pk, second.pk]
    assert links[1].prev_link == links[0].link
    assert links[1].seq == links[0].seq + 1
    assert [link.digest for link in links] == [first.hash, second.hash]
    assert first.area_code == world.a.village.code
    assert first.target_type == "areas.Grid"
    assert audit.verify_chain()[1] == []


def test_audit_rows_cannot_be_changed_or_deleted(world):
    event = audit.record(actor=None, action="test.thing.do")
    assert_append_only(event, AuditEvent.objects.all())
    assert AuditEvent.objects.get(pk=event.pk).action == "test.thing.do"


def test_verify_detects_tampering_done_in_sql(world):
    audit.record(actor=None, action="test.a")
    middle = audit.record(actor=None, action="test.b")
    audit.record(actor=None, action="test.c")
    call_command("audit", "verify")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET action = %s WHERE id = %s", ["test.forged", middle.pk]
        )
    with pytest.raises(CommandError, match="审计日志被篡改"):
        call_command("audit", "verify")


def test_sensitive_fields_are_named_not_shown_in_diffs(world):
    from lianxin.areas.models import Building

    building = Building(grid=world.a.grid, name="1号楼", party_member_phone="13800000000")
    changes = audit.diff(
        building,
        {"party_member_phone": "13900000000", "name": "2号楼"},
        ["party_member_phone", "name"],
    )
    assert changes == {"party_member_phone": ["***", "***"], "name": ["2号楼", "1号楼"]}


def test_nul_bytes_in_parameters_are_refused(world, client):
    client.force_login(world.user(Role.COMMUNITY_STAFF, "a"))
    api = client.get("/api/v1/directory/organisations/", {"search": "a\x00b"})
    assert api.status_code == 400
    assert api.json() == {"code": "invalid", "detail": "请求中含有非法字符（NUL）"}
    page = client.post("/accounts/login/", {"username": "x\x00", "password": "y"})
    assert page.status_code == 400
