"""Test data for the offline app: an open alert of a resident of the grid, photo bytes, and a
submission as the phone sends it."""

from __future__ import annotations

import datetime as dt
import itertools
import struct
import uuid
import zlib
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lianxin.monitoring.models import Alert, Run
from lianxin.monitoring.tests.factories import resident

_seq = itertools.count(500)


def open_alert(site: Any, *, name: str = "王德福", grid: Any = None) -> Alert:
    """An open ``elderly_living_alone`` alert of a new resident (and household) of ``site``."""
    n = next(_seq)
    person = resident(site=site, name=name, birth=dt.date(1940, 1, 2), seq=n, grid=grid)
    run, _ = Run.objects.get_or_create(
        area=site.county,
        as_of=dt.date(2026, 11, 1),
        defaults={"status": Run.Status.DONE, "area_code": site.county.code},
    )
    return Alert.objects.create(
        run=run,
        person=person,
        rule="elderly_living_alone",
        detail=f"{name} 86岁，独居",
        evidence_hash=f"{n:064d}",
        area_code=person.area_code,
        grid=person.grid,
    )


def png_bytes(size: int = 4) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + b"\xb7\x28\x2e" * size for _ in range(size))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def photo(name: str = "门牌.png", size: int = 4) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(size), content_type="image/png")


def submission(kind: str, payload: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """The keyword arguments of ``submission_sync`` as the phone builds them."""
    data: dict[str, Any] = {
        "key": str(uuid.uuid4()),
        "kind": kind,
        "payload": payload,
        "typed_at": (timezone.now() - dt.timedelta(hours=2)).isoformat(),
    }
    data.update(extra)
    return data
