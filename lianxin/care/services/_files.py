"""Uploads of the care workflow (the investigation's photos, a measure's proof): the type is
read from the content, never the name; a file sent again (after a refused submission, or twice
in one) is stored once."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.files.uploadedfile import UploadedFile

from lianxin.core.servicekit import DOCUMENT_SIGNATURES, PHOTO_SIGNATURES, file_kind

__all__ = ["DOCUMENT_SIGNATURES", "PHOTO_SIGNATURES", "file_kind", "same_file"]

Stored = TypeVar("Stored")


def _digest(chunks: Any) -> str:
    h = hashlib.sha256()
    for chunk in chunks:
        h.update(chunk)
    return h.hexdigest()


def same_file(stored: Iterable[Stored], upload: UploadedFile) -> Stored | None:
    """The stored row (with a ``file``) whose content equals ``upload``, if any: a handful of
    files per record, compared by size, then by SHA-256."""
    size = upload.size
    candidates = [s for s in stored if s.file and s.file.size == size]  # type: ignore[attr-defined]
    if not candidates:
        return None
    upload.seek(0)
    wanted = _digest(upload.chunks())
    upload.seek(0)
    for row in candidates:
        with row.file.open("rb") as handle:  # type: ignore[attr-defined]
            if _digest(iter(lambda: handle.read(65536), b"")) == wanted:
                return row
    return None
