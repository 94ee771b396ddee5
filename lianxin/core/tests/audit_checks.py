"""Checks on the audit trail that more than one test file makes."""

from __future__ import annotations

from typing import Any

import pytest

from lianxin.core.models import AppendOnlyError, AuditEvent


def assert_append_only(event: AuditEvent, rows: Any) -> None:
    """Saving ``event`` changed, deleting it, and updating or deleting the queryset ``rows`` (which
    holds it) are each refused; the stored row keeps its action."""
    action = AuditEvent.objects.get(pk=event.pk).action
    event.action = "tampered"
    for attempt in (event.save, event.delete, lambda: rows.update(action="tampered"), rows.delete):
        with pytest.raises(AppendOnlyError):
            attempt()
    assert AuditEvent.objects.get(pk=event.pk).action == action
