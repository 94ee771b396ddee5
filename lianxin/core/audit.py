"""``audit.record()``: the one way to write an AuditEvent, inside the caller's transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import hmac
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from .context import current
from .models import AuditEvent, chain_key, current_chain_key

_CHAIN_LOCK_KEY = 7_345_001  # PostgreSQL advisory lock id serialising the hash chain

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
    """Append one audit row in the current transaction. ``action`` is ``app.entity.verb``."""
    ctx = current.get()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        event = AuditEvent(
            occurred_at=timezone.now(),
            actor=actor if getattr(actor, "pk", None) else None,
            actor_name=getattr(actor, "username", "") or "",
            action=action,
            target_type=target._meta.label if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            target_repr=(target_repr or (str(target) if target is not None else ""))[:200],
            area_code=area_code or str(getattr(target, "area_code", "") or ""),
            changes=seal(_plain(changes or {})),
            ip=ctx.ip,
            request_id=ctx.request_id,
            result=result,
            prev_hash=last or "",
            key_id=current_chain_key()[0],
        )
        event.hash = event.content_digest()
        event.save()
    return event


def record_many(entries: Iterable[dict[str, Any]], *, batch_size: int = 1000) -> int:
    """Append many audit rows at once (bulk imports), chained exactly like ``record()``. Each
    entry has the keyword arguments of ``record()`` (actor, action, target, changes, ...)."""
    ctx = current.get()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        prev = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or ""
        now = timezone.now()
        key_id = current_chain_key()[0]
        batch: list[AuditEvent] = []
        count = 0
        for entry in entries:
            actor, target = entry.get("actor"), entry.get("target")
            event = AuditEvent(
                occurred_at=now,
                actor=actor if getattr(actor, "pk", None) else None,
                actor_name=getattr(actor, "username", "") or "",
                action=entry["action"],
                target_type=target._meta.label if target is not None else "",
                target_id=str(target.pk) if target is not None else "",
                target_repr=(
                    entry.get("target_repr") or (str(target) if target is not None else "")
                )[:200],
                area_code=entry.get("area_code") or str(getattr(target, "area_code", "") or ""),
                changes=seal(_plain(entry.get("changes") or {})),
                ip=ctx.ip,
                request_id=ctx.request_id,
                result=entry.get("result", AuditEvent.Result.SUCCESS),
                prev_hash=prev,
                key_id=key_id,
            )
            event.hash = event.content_digest()
            prev = event.hash
            batch.append(event)
            if len(batch) >= batch_size:
                AuditEvent.objects.bulk_create(batch)
                count += len(batch)
                batch = []
        if batch:
            AuditEvent.objects.bulk_create(batch)
            count += len(batch)
    return count


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


def verify_chain(batch_size: int = 5000) -> tuple[int, list[int]]:
    """Walk the chain in id order; returns (rows checked, ids whose digest or link is wrong).
    Rows are HMAC-chained with a key of AUDIT_CHAIN_KEYS (AUD-02); legacy unkeyed SHA-256 rows
    (``key_id`` empty, written before the keyed chain) are accepted only before the first keyed
    row — an unkeyed row after it is a forgery."""
    broken: list[int] = []
    prev = ""
    checked = 0
    keyed_seen = False
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        checked += 1
        legacy_after_keyed = keyed_seen and not event.key_id
        keyed_seen = keyed_seen or bool(event.key_id)
        if (
            legacy_after_keyed
            or event.prev_hash != prev
            or not hmac.compare_digest(event.content_digest(), event.hash)
        ):
            broken.append(event.pk)
        prev = event.hash
    return checked, broken


# --- checkpoints outside the database (AUD-02) -------------------------------------------------


def _checkpoint_mac(count: int, last_id: int, head: str, at: str) -> str:
    key_id, key = current_chain_key()
    message = f"{count}|{last_id}|{head}|{at}".encode()
    return key_id + ":" + hmac.new(key, message, hashlib.sha256).hexdigest()


def checkpoint_write(path: Path | None = None) -> dict[str, Any]:
    """Append one checkpoint (row count, last id, head digest, keyed MAC) to the checkpoint file
    outside the database; the operator ships the file to WORM storage or syslog."""
    path = Path(path or settings.AUDIT_CHECKPOINT_FILE)
    last = AuditEvent.objects.order_by("-id").values("id", "hash").first() or {"id": 0, "hash": ""}
    count = AuditEvent.objects.filter(id__lte=last["id"]).count()
    at = timezone.now().isoformat(timespec="seconds")
    entry = {
        "at": at,
        "count": count,
        "last_id": last["id"],
        "head": last["hash"],
        "mac": _checkpoint_mac(count, last["id"], last["hash"], at),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, sort_keys=True) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return entry


def checkpoints_verify(path: Path | None = None) -> list[str]:
    """Problems found by comparing the database with the checkpoints: a checkpoint whose MAC is
    wrong, whose head row is gone or changed (truncation, re-chaining), or whose count of rows up
    to it differs (deletion)."""
    path = Path(path or settings.AUDIT_CHECKPOINT_FILE)
    if not path.exists():
        return []
    problems: list[str] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            cp = json.loads(line)
            count, last_id, head, at = int(cp["count"]), int(cp["last_id"]), cp["head"], cp["at"]
            key_id, _, mac = str(cp["mac"]).partition(":")
        except (ValueError, KeyError, TypeError):
            problems.append(f"检查点第{number}行格式错误")
            continue
        key = chain_key(key_id)
        expected = (
            hmac.new(key, f"{count}|{last_id}|{head}|{at}".encode(), hashlib.sha256).hexdigest()
            if key
            else ""
        )
        if not key or not hmac.compare_digest(expected, mac):
            problems.append(f"检查点第{number}行签名无效")
            continue
        if last_id == 0:
            continue
        row = AuditEvent.objects.filter(id=last_id).values_list("hash", flat=True).first()
        if row is None:
            problems.append(
                f"检查点第{number}行（{at}）的末条记录 {last_id} 已不存在（截断或删除）"
            )
        elif row != head:
            problems.append(f"检查点第{number}行（{at}）的末条记录 {last_id} 摘要不符（重写链）")
        actual = AuditEvent.objects.filter(id__lte=last_id).count()
        if actual != count:
            problems.append(
                f"检查点第{number}行（{at}）记录 {count} 条，现有 {actual} 条（删除或插入）"
            )
    return problems
