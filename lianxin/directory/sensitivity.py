"""Sensitivity labels of the directory models' fields (ADR 0007, core.sensitivity)."""

from __future__ import annotations

from lianxin.core.sensitivity import I, N, P, S, register

LABELS = {
    "directory.Organisation": {
        "code": P,
        "name": P,
        "kind": I,
        "dept_type": I,
        "level": I,
        "area": I,
        "area_code": I,
        "parent": I,
        "credit_code": I,
        "contact_name": N,
        "contact_phone": S,
        "address": N,
        "is_handling_unit": I,
        "is_active": I,
    },
}

register(LABELS)
