"""``audit.record()``: the one way to write an AuditEvent, inside the caller's transaction."""

from __future__ import annotations

import atexit
import datetime as dt
import decimal
import hashlib
import hmac
import itertools
import json
import logging
import os
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, models, transaction
from django.db.models import Count
from django.utils import timezone

from .context import current
from .models import AuditEvent, AuditLink, chain_key, current_chain_key

_CHAIN_LOCK_KEY = 7_345_001  # PostgreSQL advisory lock id: one chainer at a time (never writers)
#: how long a committed row may wait for the chainer before ``audit verify`` reports it
UNLINKED_GRACE = dt.timedelta(minutes=1)
log = logging.getLogger("lianxin.audit")

#: Keys of ``changes`` whose values are residents' data (names, addresses, tags and their
#: evidence, disability type and grade, assistance …): stored sealed (Fernet, the field keys of
#: ADR 0003), the row keeps the key with ``"***"`` (AUD-03). ``unsealed(event)`` gives them back
#: to the staff pages that may show them (a household's history); the audit administrator's
#: page shows the keys only.
SEALED_KEYS = frozenset(
    {
        "person_name", "name", "names", "members", "address", "tag", "tags", "evidence",
        "type", "grade", "disability", "disability_type", "assistance", "assistance_type",
        "destination", "kept_name", "from", "to", "changes", "caller_name", "text", "notes",
        "investigation", "description", "applicant_name", "household", "comment", "opinion",
        "participants", "goal", "status_text", "low_income", "dibao",
    }
)  # fmt: skip
SEALED = "_sealed"


def seal(changes: dict[str, Any]) -> dict[str, Any]:
    """``changes`` with the values of SEALED_KEYS replaced by ``"***"`` and kept encrypted."""
    hidden = {k: v for k, v in changes.items() if k in SEALED_KEYS and v not in ("", None, [], {})}
    if not hidden:
        return changes
    from .fields import fernet

    token = fernet().encrypt(json.dumps(hidden, ensure_ascii=False, default=str).encode())
    out = {k: ("***" if k in hidden else v) for k, v in changes.items()}
    out[SEALED] = token.decode()
    return out


def unsealed(event: AuditEvent) -> dict[str, Any]:
    """The event's changes with sealed values restored (for staff pages of the record's own
    area; never for the audit administrator)."""
    changes = dict(event.changes or {})
    token = changes.pop(SEALED, None)
    if not token:
        return changes
    from cryptography.fernet import InvalidToken

    from .fields import fernet

    try:
        changes.update(json.loads(fernet().decrypt(token.encode())))
    except (InvalidToken, ValueError):
        return changes  # a key no longer held: the values stay hidden
    return changes


def summary(event: AuditEvent) -> str:
    """What the audit administrator sees of a change: the keys, and values only where they are
    not residents' data."""
    parts = []
    for key, value in (event.changes or {}).items():
        if key == SEALED:
            continue
        if key in SEALED_KEYS or value == ["***", "***"]:
            parts.append(f"{key}（已隐藏）")
        else:
            parts.append(f"{key}={value}"[:80])
    return "；".join(parts)


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date | decimal.Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def diff(instance: models.Model, before: dict[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    """``{field: [old, new]}`` for the fields that changed; sensitive fields are named, not shown."""
    changes: dict[str, Any] = {}
    sensitive = set(getattr(instance, "SENSITIVE_FIELDS", ()))
    for name in fields:
        old, new = before.get(name), getattr(instance, name)
        if old != new:
            changes[name] = ["***", "***"] if name in sensitive else [_plain(old), _plain(new)]
    return changes


def _event(entry: dict[str, Any], *, ctx: Any, now: dt.datetime, key_id: str) -> AuditEvent:
    actor, target = entry.get("actor"), entry.get("target")
    event = AuditEvent(
        occurred_at=now,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=getattr(actor, "username", "") or "",
        action=entry["action"],
        target_type=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=(entry.get("target_repr") or (str(target) if target is not None else ""))[:200],
        area_code=entry.get("area_code") or str(getattr(target, "area_code", "") or ""),
        changes=seal(_plain(entry.get("changes") or {})),
        ip=ctx.ip,
        request_id=ctx.request_id,
        result=entry.get("result", AuditEvent.Result.SUCCESS),
        key_id=key_id,
    )
    event.hash = event.content_digest()
    return event


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    area_code: str = "",
    changes: dict[str, Any] | None = None,
    result: str = AuditEvent.Result.SUCCESS,
    target_repr: str = "",
) -> AuditEvent:
    """Append one audit row in the current transaction. ``action`` is ``app.entity.verb``.
    No lock is taken: the row carries its own keyed digest, and the chainer links it into the
    chain once the transaction has committed."""
    entry = {"actor": actor, "action": action, "target": target, "area_code": area_code}
    entry |= {"changes": changes, "result": result, "target_repr": target_repr}
    event = _event(entry, ctx=current.get(), now=timezone.now(), key_id=current_chain_key()[0])
    event.save()
    _chain_after_commit(event.pk)
    return event


def record_many(entries: Iterable[dict[str, Any]], *, batch_size: int = 1000) -> int:
    """Append many audit rows at once (bulk imports), each digested like ``record()``'s and
    linked into the chain after commit. Each entry has the keyword arguments of ``record()``
    (actor, action, target, changes, ...)."""
    ctx, now, key_id = current.get(), timezone.now(), current_chain_key()[0]
    count = 0
    with transaction.atomic():
        batch: list[AuditEvent] = []
        for entry in entries:
            batch.append(_event(entry, ctx=ctx, now=now, key_id=key_id))
            if len(batch) >= batch_size:
                count += _bulk_insert(batch)
                batch = []
        if batch:
            count += _bulk_insert(batch)
    return count


def _bulk_insert(batch: list[AuditEvent]) -> int:
    created = AuditEvent.objects.bulk_create(batch)
    ids = [e.pk for e in created if e.pk is not None]
    _chain_after_commit(min(ids) if ids else 0)
    return len(batch)


def record_view(
    *, actor: Any, target: models.Model, fields: Iterable[str], reason: str = ""
) -> AuditEvent:
    """Log a view of sensitive data (ID number, disability, illness, assistance, children)."""
    return record(
        actor=actor,
        action=f"view.{target._meta.label_lower}",
        target=target,
        changes={"fields": sorted(fields), "reason": reason}
        if reason
        else {"fields": sorted(fields)},
    )


# --- the link chain (AuditLink) ----------------------------------------------------------------
#
# Writers never wait for one another: each AuditEvent row carries its own keyed digest. One
# chainer at a time (the advisory lock on PostgreSQL; SQLite's write lock, BEGIN IMMEDIATE)
# appends the committed, not yet linked rows to AuditLink in its own short transaction: after
# each writing transaction commits, every minute from the scheduler, and before ``audit
# verify`` and ``audit checkpoint``. The rows it links are committed ones, so a transaction left
# open (a long import) holds back only its own rows.


def link_digest(key: bytes, prev_link: str, seq: int, event_id: int, digest: str) -> str:
    """The link of the ``seq``-th event: HMAC over the previous link, the place, the event's id
    and its digest."""
    return hmac.new(
        key, f"{prev_link}|{seq}|{event_id}|{digest}".encode(), hashlib.sha256
    ).hexdigest()


class _ChainAfterCommit:
    """The chainer, once per writing transaction, after it commits: its rows and the rows of
    the transactions that committed beside it (ids from ``NEIGHBOURS`` before its first).

    With ``AUDIT_CHAIN_DELAY_SECONDS`` > 0 (production) it only wakes the process's background
    chainer (``_BackgroundChainer``), which links every row committed in the last
    ``AUDIT_CHAIN_DELAY_SECONDS`` in one pass: the request spends no statement on the chain
    (issue #15: 8 of an audited read's 17 statements were the chainer's). With 0 (the tests)
    it links inline and never waits: when another chainer holds the lock, that one looks again
    once it has let go (``chain``), and the scheduler's chainer links whatever is left."""

    NEIGHBOURS = 1000

    def __init__(self, first_id: int) -> None:
        self.first_id = first_id

    def __call__(self) -> None:
        since_id = max(self.first_id - self.NEIGHBOURS, 0)
        delay = float(getattr(settings, "AUDIT_CHAIN_DELAY_SECONDS", 0))
        if delay > 0:
            _background.wake(since_id, delay)
            return
        try:
            chain(since_id=since_id, wait_seconds=None)
        except DatabaseError:  # never fails the request: the scheduler's chainer links them
            log.warning("审计记录入链推迟到定时任务", exc_info=True)


class _BackgroundChainer:
    """One thread per process that links the committed rows a short while after they commit,
    at most once per ``delay``: the rows of all the transactions that committed meanwhile in
    one pass (a handful of statements however many requests wrote). A wake after a pass has
    taken its work starts another pass, so a committed row waits ``delay`` plus one pass at
    most while the process lives; a process that ends links what is left on its way out
    (``atexit``), and the scheduler's chainer links every minute whatever a killed process
    left. The pass waits for the chain lock (another process's chainer holds it for a few
    statements): it runs in no request."""

    WAIT_SECONDS = 10.0
    #: with no wake for this long the thread lets go of its database connection
    IDLE_SECONDS = 60.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._wanted = threading.Event()
        self._since: int | None = None
        self._delay = 0.0
        self._pid = 0
        self._stopping = False
        self._thread: threading.Thread | None = None

    def wake(self, since_id: int, delay: float) -> None:
        with self._lock:
            self._since = since_id if self._since is None else min(self._since, since_id)
            self._delay = delay
            if self._pid != os.getpid() or self._thread is None or not self._thread.is_alive():
                if self._pid == 0:
                    atexit.register(self.flush)
                self._pid, self._stopping = os.getpid(), False
                self._wanted = threading.Event()
                self._thread = threading.Thread(
                    target=self._run, name="lianxin-audit-chainer", daemon=True
                )
                self._thread.start()
        self._wanted.set()

    def _take(self) -> int | None:
        with self._lock:
            self._wanted.clear()
            since, self._since = self._since, None
        return since

    def _run(self) -> None:
        while not self._stopping:
            if not self._wanted.wait(timeout=self.IDLE_SECONDS):
                connection.close()
                continue
            if self._stopping:
                break
            time.sleep(self._delay)
            since = self._take()
            if since is None:
                continue
            close_old_connections()  # the thread's own connection, as a request's
            try:
                self._pass(since)
            finally:
                close_old_connections()
        connection.close()

    def stop(self) -> None:
        """Link what is left, end the thread and close its connection (tests; a new wake
        starts it again)."""
        thread = self._thread
        if thread is not None and thread.is_alive() and self._pid == os.getpid():
            self._stopping = True
            self._wanted.set()
            thread.join(timeout=self.WAIT_SECONDS + 5)
        self.flush()

    def _pass(self, since: int) -> None:
        try:
            chain(since_id=since, wait_seconds=self.WAIT_SECONDS)
        except DatabaseError:  # the scheduler's chainer links them within a minute
            log.warning("审计记录入链推迟到定时任务", exc_info=True)

    def flush(self) -> None:
        """Link at once what this process has not linked yet (at exit, and in tests)."""
        since = self._take() if self._pid == os.getpid() else None
        if since is not None:
            self._pass(since)


_background = _BackgroundChainer()


def _chain_after_commit(first_id: int) -> None:
    conn = transaction.get_connection()
    if conn.in_atomic_block:
        for _sids, func, _robust in conn.run_on_commit:
            if isinstance(func, _ChainAfterCommit):  # one chainer per transaction
                func.first_id = min(func.first_id, first_id)
                return
    transaction.on_commit(_ChainAfterCommit(first_id))


def _chain_lock(wait_seconds: float | None, *, asynchronous: bool) -> bool:
    """The chain lock for the rest of the current transaction (PostgreSQL; on SQLite the
    transaction's BEGIN IMMEDIATE already holds the write lock). Waits at most
    ``wait_seconds`` for another chainer, then raises (only chainers take it); ``None``: does
    not wait, answers False when another chainer holds it.

    ``asynchronous``: the chainer's own transaction commits without waiting for the disk
    (``synchronous_commit = off``), so the lock is held for a few statements only. Links lost
    in a crash are links of committed rows, which the next chainer links again; a checkpoint
    flushes them first (``_flush``)."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('synchronous_commit', %s, true), pg_try_advisory_xact_lock(%s)",
            ["off" if asynchronous else "on", _CHAIN_LOCK_KEY],
        )
        if cursor.fetchone()[1]:
            return True
        if wait_seconds is None:
            return False
        cursor.execute(
            "SELECT current_setting('lock_timeout'), set_config('lock_timeout', %s, true)",
            [f"{int(wait_seconds * 1000)}ms"],
        )
        previous = cursor.fetchone()[0]
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
    return True


def chain(
    *,
    since_id: int = 0,
    since: dt.datetime | None = None,
    wait_seconds: float | None = 10.0,
    batch_size: int = 1000,
    event_model: type[models.Model] = AuditEvent,
    link_model: type[models.Model] = AuditLink,
) -> int:
    """Link the committed audit rows not yet in the chain (id from ``since_id``, recorded from
    ``since``), in id order; returns how many were linked. The search runs without the lock; each
    batch is linked in one short transaction under it. Having let go of the lock, the chainer
    looks again (a few times at most) for rows committed meanwhile, whose own chainer found the
    lock taken and left them to it (``wait_seconds=None``). ``event_model``/``link_model`` let
    the migration that creates AuditLink link the rows written before it."""
    pending = event_model._default_manager.filter(link__isnull=True, id__gte=since_id)
    if since is not None:
        pending = pending.filter(occurred_at__gte=since)
    linked, after, again = 0, since_id - 1, 3
    while True:
        batch = list(
            pending.filter(id__gt=after).order_by("id").values_list("id", "hash")[:batch_size]
        )
        if not batch:
            return linked
        done = _link(batch, wait_seconds=wait_seconds, link_model=link_model)
        if done is None:  # another chainer holds the lock: it looks again when it lets go
            return linked
        linked += done
        if len(batch) == batch_size:
            after = batch[-1][0]
        elif again := again - 1:
            after = since_id - 1
        else:
            return linked


def _link(
    batch: list[tuple[int, str]], *, wait_seconds: float | None, link_model: type[models.Model]
) -> int | None:
    links = link_model._default_manager
    asynchronous = not connection.in_atomic_block  # never changes a caller's transaction
    with transaction.atomic():
        if not _chain_lock(wait_seconds, asynchronous=asynchronous):
            return None
        done = set(
            links.filter(event_id__in=[i for i, _ in batch]).values_list("event_id", flat=True)
        )
        seq, prev = links.order_by("-seq").values_list("seq", "link").first() or (0, "")
        key_id, key = current_chain_key()
        new = []
        for event_id, digest in batch:
            if event_id in done:  # linked by another chainer since the search
                continue
            seq += 1
            link = link_digest(key, prev, seq, event_id, digest)
            new.append(
                link_model(
                    seq=seq,
                    event_id=event_id,
                    digest=digest,
                    prev_link=prev,
                    link=link,
                    key_id=key_id,
                )
            )
            prev = link
        links.bulk_create(new)
    return len(new)


def unlinked(older_than: dt.timedelta = UNLINKED_GRACE) -> list[int]:
    """Ids of committed rows recorded more than ``older_than`` ago and still not in the chain:
    the chainer is not running (or a row was slipped in behind the application's back)."""
    rows = AuditEvent.objects.filter(link__isnull=True, occurred_at__lt=timezone.now() - older_than)
    return list(rows.order_by("id").values_list("id", flat=True)[:1000])


def verify_chain(batch_size: int = 5000) -> tuple[int, list[int]]:
    """Link what is committed, then walk the link chain in order; returns (links checked, ids of
    the events whose row, digest or link is wrong or missing). A row edited in place fails its
    own keyed digest (AUD-02); a deleted row leaves a link without its event; a deleted,
    inserted or re-ordered link breaks the chain of links; a re-signed chain is caught by the
    checkpoints outside the database. Legacy unkeyed SHA-256 rows (``key_id`` empty, written
    before the keyed chain) are accepted only before the first keyed row — an unkeyed row after
    it is a forgery — and rows of the old row-to-row chain must name the row before them."""
    chain()
    broken: list[int] = []
    checked = 0
    state = {"seq": 0, "link": "", "event_hash": "", "keyed": False}
    links = AuditLink.objects.order_by("seq").values_list(
        "seq", "event_id", "digest", "prev_link", "link", "key_id"
    )
    rows = links.iterator(chunk_size=batch_size)
    while chunk := list(itertools.islice(rows, batch_size)):
        events = AuditEvent.objects.in_bulk([row[1] for row in chunk])
        for seq, event_id, digest, prev_link, link, key_id in chunk:
            checked += 1
            if not _link_ok(
                state, events.get(event_id), seq, event_id, digest, prev_link, link, key_id
            ):
                broken.append(event_id)
    twice = AuditLink.objects.values("event_id").annotate(n=Count("seq")).filter(n__gt=1)
    broken.extend(row["event_id"] for row in twice)
    return checked, broken


def _link_ok(
    state: dict[str, Any],
    event: AuditEvent | None,
    seq: int,
    event_id: int,
    digest: str,
    prev_link: str,
    link: str,
    key_id: str,
) -> bool:
    key = chain_key(key_id)
    ok = (
        seq == state["seq"] + 1
        and prev_link == state["link"]
        and key is not None
        and hmac.compare_digest(link_digest(key, prev_link, seq, event_id, digest), link)
    )
    state["seq"], state["link"] = seq, link
    if event is None:
        return False
    legacy_after_keyed = state["keyed"] and not event.key_id
    ok = (
        ok
        and not legacy_after_keyed
        and event.prev_hash in ("", state["event_hash"])
        and event.hash == digest
        and hmac.compare_digest(event.content_digest(), event.hash)
    )
    state["keyed"] = state["keyed"] or bool(event.key_id)
    state["event_hash"] = event.hash
    return ok


# --- checkpoints outside the database (AUD-02) -------------------------------------------------
#
# A checkpoint anchors the head of the link chain: its place (``last_seq`` = ``count``, the
# links are numbered without gaps) and its link. Lines written before the link chain anchor the
# last row instead (``last_id``, ``head`` = that row's digest) and are checked as they were.


def _checkpoint_message(cp: dict[str, Any]) -> str:
    if "last_seq" in cp:
        return f"link|{int(cp['count'])}|{int(cp['last_seq'])}|{cp['head']}|{cp['at']}"
    return f"{int(cp['count'])}|{int(cp['last_id'])}|{cp['head']}|{cp['at']}"


def _mac(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def checkpoint_write(path: Path | None = None) -> dict[str, Any]:
    """Link what is committed, then append one checkpoint (the chain's length, its head link, a
    keyed MAC) to the checkpoint file outside the database; the operator ships the file to WORM
    storage or syslog."""
    path = Path(path or settings.AUDIT_CHECKPOINT_FILE)
    chain()
    _flush()
    seq, head = AuditLink.objects.order_by("-seq").values_list("seq", "link").first() or (0, "")
    entry: dict[str, Any] = {
        "at": timezone.now().isoformat(timespec="seconds"),
        "count": seq,
        "last_seq": seq,
        "head": head,
    }
    key_id, key = current_chain_key()
    entry["mac"] = key_id + ":" + _mac(key, _checkpoint_message(entry))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, sort_keys=True) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return entry


def _flush() -> None:
    """Links committed asynchronously reach the disk before a checkpoint anchors them: the
    commit of a transaction that has an id waits for the log up to it (PostgreSQL)."""
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT txid_current()")


def _anchored(cp: dict[str, Any]) -> tuple[str, str | None, int]:
    """(what the checkpoint anchors, its digest now or None when gone, the count up to it now)."""
    if "last_seq" in cp:
        last = int(cp["last_seq"])
        head = AuditLink.objects.filter(seq=last).values_list("link", flat=True).first()
        return f"链节 {last}", head, AuditLink.objects.filter(seq__lte=last).count()
    last = int(cp["last_id"])
    head = AuditEvent.objects.filter(id=last).values_list("hash", flat=True).first()
    return str(last), head, AuditEvent.objects.filter(id__lte=last).count()


def checkpoints_verify(path: Path | None = None) -> list[str]:
    """Problems found by comparing the database with the checkpoints: a checkpoint whose MAC is
    wrong, whose head is gone or changed (truncation, re-chaining), or whose count up to it
    differs (deletion)."""
    path = Path(path or settings.AUDIT_CHECKPOINT_FILE)
    if not path.exists():
        return []
    problems: list[str] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            cp = json.loads(line)
            count, head, at = int(cp["count"]), cp["head"], cp["at"]
            message = _checkpoint_message(cp)
            key_id, _, mac = str(cp["mac"]).partition(":")
        except (ValueError, KeyError, TypeError):
            problems.append(f"检查点第{number}行格式错误")
            continue
        key = chain_key(key_id)
        if not key or not hmac.compare_digest(_mac(key, message), mac):
            problems.append(f"检查点第{number}行签名无效")
            continue
        if int(cp.get("last_seq", cp.get("last_id", 0))) == 0:
            continue
        last, now_head, actual = _anchored(cp)
        if now_head is None:
            problems.append(f"检查点第{number}行（{at}）的末条记录 {last} 已不存在（截断或删除）")
        elif now_head != head:
            problems.append(f"检查点第{number}行（{at}）的末条记录 {last} 摘要不符（重写链）")
        if actual != count:
            problems.append(
                f"检查点第{number}行（{at}）记录 {count} 条，现有 {actual} 条（删除或插入）"
            )
    return problems
