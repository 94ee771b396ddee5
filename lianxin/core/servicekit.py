"""Small pieces that services of every app share (ARCHITECTURE.md "Workflows").

A transition service usually moves its object along the workflow and writes one audit row;
:func:`advance_audited` does both, so the service keeps only what is its own (the checks before,
the side effects after)::

    @transaction.atomic
    def wish_publish(*, actor, obj):
        return advance_audited(
            WISH_WORKFLOW, obj, "publish", actor=actor, action="volunteers.wish.publish",
            updates={"published_at": timezone.now()},
        )

A service that creates or changes one object without a transition ends with :func:`audited`,
which records the audit row and returns the object::

    return audited(wish, actor=actor, action="volunteers.wish.create", changes={"title": title})
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeVar

from django.db import models

from . import audit
from .errors import ApplicationError
from .workflow import Workflow

T = TypeVar("T")
M = TypeVar("M", bound=models.Model)


def advance_audited(
    workflow: Workflow,
    obj: Any,
    name: str,
    *,
    actor: Any,
    action: str,
    updates: Mapping[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
) -> Any:
    """Move ``obj`` along transition ``name`` (:meth:`Workflow.advance`, with ``updates``) and
    record ``action`` on it; returns the object as moved. Call inside the service's
    ``transaction.atomic``."""
    moved = workflow.advance(obj, name, actor=actor, updates=updates)
    audit.record(actor=actor, action=action, target=moved, changes=changes)
    return moved


def audited(obj: M, *, actor: Any, action: str, changes: dict[str, Any] | None = None) -> M:
    """Record ``action`` on ``obj`` (:func:`audit.record`) and return ``obj``: the ending of a
    service that creates or changes one object, ``return audited(obj, actor=..., action=...)``."""
    audit.record(actor=actor, action=action, target=obj, changes=changes)
    return obj


def required_text(value: str | None, message: str, *, min_length: int = 1) -> str:
    """``value`` stripped; ApplicationError(``message``) when shorter than ``min_length``."""
    text = (value or "").strip()
    if len(text) < min_length:
        raise ApplicationError(message)
    return text


def batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of ``size`` (the last one shorter), e.g. rows of a streamed export."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# --- uploads ----------------------------------------------------------------------------------

PHOTO_SIGNATURES = {
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
}
DOCUMENT_SIGNATURES = {**PHOTO_SIGNATURES, b"%PDF-": ("application/pdf", "pdf")}


def file_kind(
    upload: Any, signatures: Mapping[bytes, tuple[str, str]] = PHOTO_SIGNATURES
) -> tuple[str, str] | None:
    """(content type, suffix) of an upload by its first bytes, never its name: JPEG, PNG or WebP
    (and PDF with ``DOCUMENT_SIGNATURES``); None for anything else."""
    head = upload.read(16)
    upload.seek(0)
    for magic, kind in signatures.items():
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return ("image/webp", "webp")
    return None
