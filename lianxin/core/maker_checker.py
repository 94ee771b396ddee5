"""Maker-checker (双人复核, SECURITY.md MC-01): the user who prepared something (a community
review, a plan, an application, a payment run) cannot also approve it.

Call ``maker_checker.require_other_user`` in the approving service, *after* locking the object (so that the
makers read are the committed ones on PostgreSQL and SQLite alike)::

    maker_checker.require_other_user(
        checker=actor, makers=[review.reviewer_id], what="社区评议和乡镇认定"
    )

``makers`` are users or user ids (None is ignored: a step recorded by the system has no maker).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .errors import AccessDenied


class MakerCheckerError(AccessDenied):
    code = "maker_checker"


def _id(user: Any) -> int | None:
    if user is None:
        return None
    return user if isinstance(user, int) else getattr(user, "pk", None)


def require_other_user(*, checker: Any, makers: Iterable[Any], what: str) -> None:
    """Raise ``MakerCheckerError`` when ``checker`` is one of ``makers``."""
    checker_id = _id(checker)
    maker_ids = {i for i in (_id(m) for m in makers) if i is not None}
    if checker_id is not None and checker_id in maker_ids:
        raise MakerCheckerError(f"{what}须由不同人员办理，您不能复核自己经办的事项")
