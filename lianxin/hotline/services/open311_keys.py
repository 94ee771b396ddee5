"""API keys of Open311 clients (only the hash is kept)."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from lianxin.core import audit
from lianxin.directory.models import Organisation

from ..models import (
    Open311ApiKey,
)
from ._common import (
    _user,
)

# --- Open311 keys --------------------------------------------------------------------------


def open311_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def open311_key_create(
    *, actor: Any, name: str, hotline: Organisation
) -> tuple[Open311ApiKey, str]:
    """A new API key for an Open311 client; the key itself is returned once, only its hash kept."""
    key = "o311_" + secrets.token_urlsafe(24)
    record = Open311ApiKey.objects.create(
        name=name,
        prefix=key[:8],
        key_hash=open311_key_hash(key),
        hotline=hotline,
        created_by=_user(actor),
    )
    audit.record(actor=_user(actor), action="hotline.open311key.create", target=record)
    return record, key


def open311_key_check(key: str) -> Open311ApiKey | None:
    if not key:
        return None
    record = Open311ApiKey.objects.filter(key_hash=open311_key_hash(key), is_active=True).first()
    if record is not None:
        Open311ApiKey.objects.filter(pk=record.pk).update(last_used_at=timezone.now())
    return record
