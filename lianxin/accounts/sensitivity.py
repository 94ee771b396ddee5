"""Sensitivity labels of the accounts models' fields (ADR 0007, core.sensitivity)."""

from __future__ import annotations

from lianxin.core.sensitivity import I, N, S, register

LABELS = {
    "accounts.User": {
        "password": S,
        "last_login": I,
        "is_superuser": I,
        "username": N,
        "first_name": N,
        "last_name": N,
        "email": N,
        "is_staff": I,
        "is_active": I,
        "date_joined": I,
        "display_name": N,
        "groups": I,
        "user_permissions": I,
    },
    "accounts.Assignment": {
        "user": N,
        "role": I,
        "area": I,
        "grid": I,
        "organisation": I,
        "is_active": I,
    },
}

register(LABELS)
