"""Sensitivity labels of the areas models' fields (ADR 0007, core.sensitivity)."""

from __future__ import annotations

from lianxin.core.sensitivity import I, N, P, S, register

LABELS = {
    "areas.Division": {
        "code": P,
        "name": P,
        "short_name": P,
        "level": P,
        "parent": P,
    },
    "areas.Grid": {
        "division": I,
        "area_code": I,
        "name": I,
        "is_active": I,
    },
    "areas.Building": {
        "grid": I,
        "area_code": I,
        "name": I,
        "party_member_household": N,
        "party_member_phone": S,
    },
}

register(LABELS)
