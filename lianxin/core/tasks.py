"""Background work over django-tasks: enqueue only after the transaction commits."""

from __future__ import annotations

from typing import Any

from django.db import transaction


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """Enqueue ``task`` once the current transaction commits (immediately outside one)."""
    transaction.on_commit(lambda: task.enqueue(*args, **kwargs))
