"""AUD-02: the audit chain is keyed (HMAC, keys outside the database) and anchored by
checkpoints written to a file outside the database; `lianxin audit verify` detects deletion,
truncation and re-chaining done directly in the database."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from lianxin.core import audit
from lianxin.core.models import AuditEvent


@pytest.fixture
def checkpoints(settings, tmp_path):
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.log"
    return settings.AUDIT_CHECKPOINT_FILE


def _rows(n=6):
    return [audit.record(actor=None, action=f"test.row.{i}", changes={"i": i}) for i in range(n)]


def _sql(query, params=()):
    with connection.cursor() as cursor:
        cursor.execute(query, list(params))


def _rechain_without_key(from_id):
    """What an attacker with database access does: recompute every later digest (SHA-256, or
    HMAC with a key they do not have: either way not the real key)."""
    prev = (
        AuditEvent.objects.filter(id__lt=from_id)
        .order_by("-id")
        .values_list("hash", flat=True)
        .first()
        or ""
    )
    for event in AuditEvent.objects.filter(id__gte=from_id).order_by("id"):
        event.prev_hash = prev
        forged = AuditEvent(
            **{f.attname: getattr(event, f.attname) for f in AuditEvent._meta.concrete_fields}
        )
        forged.key_id = ""
        forged.prev_hash = prev
        digest = forged.content_digest()  # the legacy unkeyed rule
        _sql(
            "UPDATE core_auditevent SET prev_hash = %s, hash = %s, key_id = '' WHERE id = %s",
            [prev, digest, event.pk],
        )
        prev = digest


def test_rows_are_keyed_and_verify(world, checkpoints):
    rows = _rows(3)
    assert all(r.key_id for r in rows)
    call_command("audit", "checkpoint")
    call_command("audit", "verify")
    assert checkpoints.read_text().count("\n") == 1


def test_deleting_a_row_and_rechaining_is_detected(world, checkpoints):
    rows = _rows()
    _sql("DELETE FROM core_auditevent WHERE id = %s", [rows[2].pk])
    _rechain_without_key(rows[3].pk)
    with pytest.raises(CommandError, match="审计日志被篡改"):
        call_command("audit", "verify")


def test_truncating_the_tail_is_detected_by_the_checkpoint(world, checkpoints):
    rows = _rows()
    call_command("audit", "checkpoint")
    # the rows and their links: deleting the rows alone leaves links without rows (verify)
    _sql("DELETE FROM core_auditlink WHERE event_id >= %s", [rows[4].pk])
    _sql("DELETE FROM core_auditevent WHERE id >= %s", [rows[4].pk])
    assert audit.verify_chain()[1] == []  # the remaining chain is intact by itself …
    with pytest.raises(CommandError, match="已不存在"):  # … the checkpoint is not
        call_command("audit", "verify")


def test_rechaining_with_the_key_is_caught_by_the_count(world, checkpoints, settings):
    """Even an insider holding the chain key who deletes a row and re-signs the rest (the rows
    and the whole link chain) is caught by the checkpoint count and head."""
    rows = _rows()
    call_command("audit", "checkpoint")
    _sql("DELETE FROM core_auditevent WHERE id = %s", [rows[1].pk])
    prev = rows[0].hash
    for event in AuditEvent.objects.filter(id__gt=rows[0].pk).order_by("id"):
        event.prev_hash = prev
        digest = event.content_digest()
        _sql(
            "UPDATE core_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
            [prev, digest, event.pk],
        )
        prev = digest
    _sql("DELETE FROM core_auditlink")  # verify re-links every row, with the key
    assert audit.verify_chain()[1] == []
    problems = audit.checkpoints_verify()
    assert any("已不存在" in p for p in problems), problems  # the chain is one link shorter
    assert any("现有 5 条" in p for p in problems), problems
    audit.record(actor=None, action="test.row.after")  # the log goes on past the checkpoint
    audit.chain()
    problems = audit.checkpoints_verify()
    assert any("摘要不符" in p for p in problems), problems


def test_a_forged_checkpoint_line_is_refused(world, checkpoints):
    _rows(2)
    call_command("audit", "checkpoint")
    text = checkpoints.read_text().replace('"count": 2', '"count": 1')
    checkpoints.write_text(text)
    assert any("签名无效" in p for p in audit.checkpoints_verify())


def test_key_rotation_keeps_old_rows_verifiable(world, checkpoints, settings):
    _rows(2)
    settings.AUDIT_CHAIN_KEYS = ["a-new-key", *settings.AUDIT_CHAIN_KEYS]
    _rows(2)
    assert len(set(AuditEvent.objects.values_list("key_id", flat=True))) == 2
    assert audit.verify_chain()[1] == []
    settings.AUDIT_CHAIN_KEYS = ["a-new-key"]  # the old key dropped: its rows no longer verify
    assert audit.verify_chain()[1] != []


def test_legacy_rows_before_the_keyed_chain_still_verify(world, checkpoints):
    rows = _rows(2)
    # rows written before this change: unkeyed SHA-256
    _rechain_without_key(rows[0].pk)
    _rows(2)
    assert audit.verify_chain()[1] == []
