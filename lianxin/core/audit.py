"""``audit.record()``: the one way to write an AuditEvent, inside the caller's transaction."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from .context import current
from .models import AuditEvent

_CHAIN_LOCK_KEY = 7_345_001  # PostgreSQL advisory lock id serialising the hash chain


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
            changes=_plain(changes or {}),
            ip=ctx.ip,
            request_id=ctx.request_id,
            result=result,
            prev_hash=last or "",
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
                target_repr=(entry.get("target_repr") or (str(target) if target is not None else ""))[:200],
                area_code=entry.get("area_code") or str(getattr(target, "area_code", "") or ""),
                changes=_plain(entry.get("changes") or {}),
                ip=ctx.ip,
                request_id=ctx.request_id,
                result=entry.get("result", AuditEvent.Result.SUCCESS),
                prev_hash=prev,
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
    """Walk the chain in id order; returns (rows checked, ids whose hash or link is wrong)."""
    broken: list[int] = []
    prev = ""
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        checked += 1
        if event.prev_hash != prev or event.content_digest() != event.hash:
            broken.append(event.pk)
        prev = event.hash
    return checked, broken
