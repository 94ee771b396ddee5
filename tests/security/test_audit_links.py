"""AUD-02 without a queue of writers: audit rows are written without any lock (each carries its
own keyed digest) and one chainer links the committed rows into ``core.AuditLink``. Writers do
not wait for one another's open transactions; the chain holds every committed row exactly once;
editing, deleting, re-ordering and re-chaining are still detected; rows the chainer has not
linked for more than a minute are reported by ``lianxin audit verify``."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import threading
import time
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lianxin.core import audit
from lianxin.core.models import AppendOnlyError, AuditEvent, AuditLink

postgres_only = pytest.mark.skipif(
    "postgres" not in os.environ.get("DATABASE_URL", ""),
    reason="real concurrency needs PostgreSQL (SQLite has one writer at a time)",
)


def _sql(query, params=()):
    with connection.cursor() as cursor:
        cursor.execute(query, list(params))


def _rows(n=5):
    return [audit.record(actor=None, action=f"test.link.{i}", changes={"i": i}) for i in range(n)]


def _assert_every_committed_row_linked_once():
    links = list(AuditLink.objects.order_by("seq").values_list("seq", "event_id"))
    assert [seq for seq, _ in links] == list(range(1, len(links) + 1))
    assert sorted(event_id for _, event_id in links) == sorted(
        AuditEvent.objects.values_list("id", flat=True)
    )
    checked, broken = audit.verify_chain()
    assert broken == []
    assert checked == len(links)


# --- concurrency (PostgreSQL) ------------------------------------------------------------------


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_writer_does_not_wait_for_another_writers_open_transaction():
    """Writer A records and keeps its transaction open (the rest of a request, a long import);
    writer B records and commits meanwhile, at once, and its row is linked at once. A's row is
    linked when A commits: after B's, in commit order."""
    recorded, finished = threading.Event(), threading.Event()
    seen: dict[str, object] = {}

    def slow() -> None:
        try:
            with transaction.atomic():
                seen["slow"] = audit.record(actor=None, action="test.link.slow").pk
                recorded.set()
                finished.wait(timeout=5)
        finally:
            connections.close_all()

    def quick() -> None:
        try:
            recorded.wait(timeout=5)
            start = time.monotonic()
            event = audit.record(actor=None, action="test.link.quick")  # commits, then links
            seen["seconds"] = time.monotonic() - start
            seen["quick"] = event.pk
            seen["linked_at_once"] = AuditLink.objects.filter(event_id=event.pk).exists()
        finally:
            finished.set()
            connections.close_all()

    threads = [threading.Thread(target=slow), threading.Thread(target=quick)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen["seconds"] < 2, f"B waited {seen['seconds']:.1f} s for A's transaction"
    assert seen["linked_at_once"]
    order = list(AuditLink.objects.order_by("seq").values_list("event_id", flat=True))
    assert order == [seen["quick"], seen["slow"]]  # commit order, not id order
    assert seen["slow"] < seen["quick"]  # type: ignore[operator]
    _assert_every_committed_row_linked_once()


class _Rollback(Exception):
    pass


def _writers(threads_n: int, per: int, write: Any) -> None:
    """``write(index, j)`` ``per`` times in each of ``threads_n`` threads started together, each
    with its own connection; any error of a thread fails the test."""
    barrier = threading.Barrier(threads_n)
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            barrier.wait()
            for j in range(per):
                write(index, j)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_chain_every_committed_row_exactly_once():
    threads_n, per = 12, 6

    def write(index: int, j: int) -> None:
        try:
            with transaction.atomic():
                audit.record(actor=None, action=f"test.link.{index}.{j}")
                if j % 3 == 2:
                    audit.record_many([{"action": f"test.bulk.{index}.{j}"}] * 3)
                time.sleep(0.002 * (index % 3))
                if (index + j) % 4 == 0:
                    raise _Rollback
        except _Rollback:
            pass

    _writers(threads_n, per, write)
    # every writer's own chainer ran on commit: nothing is left for the scheduler
    assert not AuditEvent.objects.filter(link__isnull=True).exists()
    assert AuditEvent.objects.filter(action__startswith="test.bulk.").count() % 3 == 0
    rolled_back = sum(1 for i in range(threads_n) for j in range(per) if (i + j) % 4 == 0)
    assert AuditEvent.objects.filter(action__startswith="test.link.").count() == (
        threads_n * per - rolled_back
    )
    _assert_every_committed_row_linked_once()


# --- the background chainer (production: AUDIT_CHAIN_DELAY_SECONDS > 0) -------------------------


def _wait_until_linked(seconds: float = 5.0) -> float:
    start = time.monotonic()
    while AuditEvent.objects.filter(link__isnull=True).exists():
        assert time.monotonic() - start < seconds, "committed rows left unlinked"
        time.sleep(0.02)
    return time.monotonic() - start


@pytest.mark.django_db(transaction=True)
def test_the_background_chainer_links_committed_rows_within_its_delay(settings):
    """The writing request spends no statement on the chain; the process's chainer links the
    rows of every transaction that committed meanwhile, once each, within the delay."""
    settings.AUDIT_CHAIN_DELAY_SECONDS = 0.2
    try:
        with CaptureQueriesContext(connection) as ctx:
            rows = _rows(3)
            with transaction.atomic():
                audit.record_many([{"action": "test.link.bulk"}] * 4)
        assert not [q for q in ctx.captured_queries if "auditlink" in q["sql"]]
        assert AuditLink.objects.count() == 0  # not in the request
        assert _wait_until_linked() < 2
        linked = list(AuditLink.objects.order_by("seq").values_list("event_id", flat=True))
        assert linked[:3] == [r.pk for r in rows]
        _assert_every_committed_row_linked_once()
        # later rows: the thread is woken again
        later = _rows(2)
        _wait_until_linked()
        assert AuditLink.objects.filter(event_id__in=[r.pk for r in later]).count() == 2
        _assert_every_committed_row_linked_once()
    finally:
        audit._background.stop()


def test_a_process_links_what_its_chainer_has_not_yet_linked_when_it_stops(db):
    """Rows waiting for the background pass are linked by ``flush`` (registered at exit)."""
    waiting = audit._BackgroundChainer()
    waiting._pid, waiting._since = os.getpid(), 0  # woken, its pass not yet run
    left = AuditEvent(
        occurred_at=timezone.now(), action="test.link.left", key_id=audit.current_chain_key()[0]
    )
    left.hash = left.content_digest()
    left.save()  # a plain save: no chainer of its own
    assert AuditLink.objects.count() == 0
    waiting.flush()
    assert list(AuditLink.objects.values_list("event_id", flat=True)) == [left.pk]
    other = audit._BackgroundChainer()  # never woken in this process: nothing to link
    other.flush()
    assert other._since is None
    _assert_every_committed_row_linked_once()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_with_the_background_chainer_chain_every_row_once(settings):
    settings.AUDIT_CHAIN_DELAY_SECONDS = 0.1
    threads_n, per = 8, 6

    def write(index: int, j: int) -> None:
        with transaction.atomic():
            audit.record(actor=None, action=f"test.link.{index}.{j}")
        time.sleep(0.01 * (index % 3))

    try:
        _writers(threads_n, per, write)
        assert _wait_until_linked() < 2
        assert AuditEvent.objects.count() == threads_n * per
        _assert_every_committed_row_linked_once()
    finally:
        audit._background.stop()


# --- one chainer per transaction, after commit -------------------------------------------------


def test_one_chainer_runs_after_the_transaction_commits(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        _rows(3)
        audit.record_many([{"action": "test.link.bulk"}] * 4)
    assert len(callbacks) == 1
    assert AuditLink.objects.count() == AuditEvent.objects.count() == 7
    _assert_every_committed_row_linked_once()


def test_links_are_append_only(db):
    _rows(2)
    audit.chain()
    link = AuditLink.objects.first()
    link.link = "0" * 64
    with pytest.raises(AppendOnlyError):
        link.save()
    with pytest.raises(AppendOnlyError):
        link.delete()
    with pytest.raises(AppendOnlyError):
        AuditLink.objects.filter(pk=link.pk).update(link="0" * 64)
    with pytest.raises(AppendOnlyError):
        AuditLink.objects.all().delete()


# --- tampering -----------------------------------------------------------------------------------


def _edit_row(rows):
    _sql("UPDATE core_auditevent SET action = %s WHERE id = %s", ["test.forged", rows[2].pk])


def _delete_row(rows):
    _sql("DELETE FROM core_auditevent WHERE id = %s", [rows[2].pk])


def _delete_link(rows):
    _sql("DELETE FROM core_auditlink WHERE event_id = %s", [rows[2].pk])


def _delete_row_and_link(rows):
    _delete_link(rows)
    _delete_row(rows)


def _reorder_links(rows):
    """Swap the rows two links point to (their digests copied along)."""
    a, b = (AuditLink.objects.get(event_id=r.pk) for r in (rows[1], rows[3]))
    _sql(
        "UPDATE core_auditlink SET event_id = %s, digest = %s WHERE seq = %s",
        [-1, b.digest, a.seq],
    )
    _sql(
        "UPDATE core_auditlink SET event_id = %s, digest = %s WHERE seq = %s",
        [a.event_id, a.digest, b.seq],
    )
    _sql("UPDATE core_auditlink SET event_id = %s WHERE seq = %s", [b.event_id, a.seq])


def _rechain_without_key(rows):
    """Delete a row and its link, then re-sign the links after it without the chain key."""
    _delete_row_and_link(rows)
    links = list(AuditLink.objects.order_by("seq"))
    prev = ""
    for seq, link in enumerate(links, start=1):
        digest = hmac.new(
            b"not-the-key", f"{prev}|{seq}|{link.event_id}|{link.digest}".encode(), hashlib.sha256
        ).hexdigest()
        _sql(
            "UPDATE core_auditlink SET seq = %s, prev_link = %s, link = %s WHERE seq = %s",
            [seq, prev, digest, link.seq],
        )
        prev = digest


@pytest.mark.parametrize(
    "tamper",
    [
        _edit_row,
        _delete_row,
        _delete_link,
        _delete_row_and_link,
        _reorder_links,
        _rechain_without_key,
    ],
)
def test_tampering_with_rows_or_links_is_detected(db, tamper, settings, tmp_path):
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.log"
    rows = _rows()
    call_command("audit", "verify")
    tamper(rows)
    assert audit.verify_chain()[1] != []
    with pytest.raises(CommandError, match="审计日志被篡改"):
        call_command("audit", "verify")


def test_a_row_left_unlinked_for_over_a_minute_is_reported(db, settings, tmp_path):
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.log"
    fresh = audit.record(actor=None, action="test.link.fresh")  # not linked yet: no commit
    old = AuditEvent(
        occurred_at=timezone.now() - dt.timedelta(minutes=2),
        action="test.link.stale",
        key_id=audit.current_chain_key()[0],
    )
    old.hash = old.content_digest()
    old.save()
    assert audit.unlinked() == [old.pk]
    with pytest.raises(CommandError, match=f"1 条记录超过1分钟未入链.*首个ID {old.pk}"):
        call_command("audit", "verify")
    # verify linked it (its digest is right): the next verify passes
    assert AuditLink.objects.filter(event_id__in=[fresh.pk, old.pk]).count() == 2
    call_command("audit", "verify")


def test_checkpoints_anchor_the_link_chain_and_old_lines_still_verify(db, settings, tmp_path):
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.log"
    rows = _rows(3)
    # a line written before the link chain anchored the last row (its id and digest)
    key_id, key = audit.current_chain_key()
    at = timezone.now().isoformat(timespec="seconds")
    count = AuditEvent.objects.filter(id__lte=rows[-1].pk).count()
    message = f"{count}|{rows[-1].pk}|{rows[-1].hash}|{at}".encode()
    old_line = {"at": at, "count": count, "last_id": rows[-1].pk, "head": rows[-1].hash}
    old_line["mac"] = key_id + ":" + hmac.new(key, message, hashlib.sha256).hexdigest()
    settings.AUDIT_CHECKPOINT_FILE.write_text(json.dumps(old_line) + "\n")
    entry = audit.checkpoint_write()
    assert entry["last_seq"] == entry["count"] == AuditLink.objects.count() == 3
    assert entry["head"] == AuditLink.objects.get(seq=3).link
    assert audit.checkpoints_verify() == []
    _sql("DELETE FROM core_auditevent WHERE id = %s", [rows[-1].pk])
    problems = audit.checkpoints_verify()
    assert any("第1行" in p and "已不存在" in p for p in problems), problems
