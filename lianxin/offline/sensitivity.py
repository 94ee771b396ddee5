"""Sensitivity labels of the offline app's fields (ADR 0007), registered from
``OfflineConfig.ready()``. The server side of the phone's outbox: what was typed is kept
(encrypted) only for a submission its worker gave up."""

from __future__ import annotations

from lianxin.core.sensitivity import I, N, S, register

LABELS = {
    "offline.Submission": {
        "area_code": I,
        "key": I,
        "user": N,
        "kind": I,
        "status": I,
        "typed_at": I,
        "synced_at": I,
        "household_number": I,
        "target_type": I,
        "target_id": I,
        "summary": N,
        "payload": S,
    },
}

register(LABELS)
