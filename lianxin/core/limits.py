"""Limits that hold under concurrency (SECURITY.md PII-02, CONC-01).

``consume(key, limit=N, period=seconds)`` answers whether one more use of ``key`` fits in the
sliding window of ``period`` seconds, and records it if so. Reading a counter and then writing
it (what a cache-based limiter does) lets 40 parallel requests through a limit of 10; here
every consumer first UPDATEs the key's ``LimitBucket`` row — a row lock on PostgreSQL, the
database write lock on SQLite — so the count and the new use are decided one at a time.

Use it for every per-user or per-object limit (reveals of ID numbers, a card's monthly
redemptions, ratings …)::

    if not limits.consume(f"registry:reveal:{user.pk}", limit=10, period=3600):
        raise AccessDenied("…")

``consume`` runs in its own transaction (a savepoint when nested) and does not roll back the
caller's: a refusal is committed nowhere, a use is counted even if the caller then fails
(so failures cannot be used to probe beyond the limit).
"""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from .models import LimitBucket, LimitUse


def _bucket(key: str) -> LimitBucket:
    bucket = LimitBucket.objects.filter(key=key).first()
    if bucket is not None:
        return bucket
    try:
        with transaction.atomic():
            return LimitBucket.objects.create(key=key)
    except IntegrityError:  # created by a concurrent first use
        return LimitBucket.objects.get(key=key)


def consume(key: str, *, limit: int, period: int, now: dt.datetime | None = None) -> bool:
    """Count one use of ``key`` if fewer than ``limit`` uses fall in the last ``period``
    seconds; True when counted, False when the limit is reached (nothing written)."""
    if limit <= 0:
        return False
    now = now or timezone.now()
    bucket = _bucket(key)
    with transaction.atomic():
        # the lock: every consumer of this key queues here until the previous one commits
        LimitBucket.objects.filter(pk=bucket.pk).update(touched_at=now)
        since = now - dt.timedelta(seconds=period)
        LimitUse.objects.filter(bucket=bucket, at__lte=since).delete()
        used = LimitUse.objects.filter(bucket=bucket, at__gt=since).count()
        if used >= limit:
            return False
        LimitUse.objects.create(bucket=bucket, at=now)
        return True


def used(key: str, *, period: int, now: dt.datetime | None = None) -> int:
    """How many uses of ``key`` fall in the last ``period`` seconds (for messages)."""
    now = now or timezone.now()
    return LimitUse.objects.filter(
        bucket__key=key, at__gt=now - dt.timedelta(seconds=period)
    ).count()


def public_throttled(request: HttpRequest, scope: str, *, limit: int, period: int = 3600) -> bool:
    """For pages anyone may call (the citizens' forms and lookups, Open311): True once the
    caller's address has used ``scope`` more than ``limit`` times in the ``period`` seconds from
    its first use. A cache counter, cheap for anonymous floods and approximate under concurrency;
    limits that must hold exactly per user or object use ``consume``."""
    key = f"public:{scope}:{request.META.get('REMOTE_ADDR', '') or 'unknown'}"
    if cache.add(key, 1, timeout=period):
        return False
    try:
        return cache.incr(key) > limit
    except ValueError:  # the counter expired between add and incr: this use starts a new one
        cache.set(key, 1, timeout=period)
        return False
