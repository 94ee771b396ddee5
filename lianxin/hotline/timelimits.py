"""Time limits of shared/contracts/hotline.md: dispatch and reply deadlines by urgency, in hours
for urgent matters and in working days (Chinese calendar) otherwise. A deployment overrides them
with ``LIANXIN_HOTLINE_TIME_LIMITS`` (by urgency or channel) and
``LIANXIN_HOTLINE_TIME_LIMITS_BY_TYPE`` (by department type)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings

from lianxin.core.workdays import add_hours, add_working_days

Limit = tuple[str, float]  # ("hours", 2) or ("working_days", 7)

DEFAULT_LIMITS: dict[str, dict[str, Limit]] = {
    "emergency": {"dispatch": ("hours", 1), "reply": ("hours", 2)},
    "utility_outage": {"dispatch": ("hours", 2), "reply": ("hours", 24)},
    "general": {"dispatch": ("working_days", 1), "reply": ("working_days", 7)},
    "complex": {"dispatch": ("working_days", 1), "reply": ("working_days", 15)},
    # CPPCC members' notes (社情民意信息) have their own, longer reply deadline
    "cppcc": {"dispatch": ("working_days", 1), "reply": ("working_days", 20)},
}


def limits_for(*, urgency: str, channel: str = "", dept_type: str = "") -> dict[str, Limit]:
    """The dispatch and reply limits that apply: the type's own, then the channel's (CPPCC
    notes), then the urgency's."""
    table: dict[str, Any] = {
        **DEFAULT_LIMITS,
        **getattr(settings, "LIANXIN_HOTLINE_TIME_LIMITS", {}),
    }
    by_type: dict[str, Any] = getattr(settings, "LIANXIN_HOTLINE_TIME_LIMITS_BY_TYPE", {})
    base = dict(table.get(urgency) or table["general"])
    if channel == "cppcc" and urgency in ("general", "complex"):
        base.update(table["cppcc"])
    if dept_type in by_type:
        base.update(by_type[dept_type])
    return base


def deadline(start: dt.datetime, limit: Limit) -> dt.datetime:
    unit, amount = limit
    if unit == "hours":
        return add_hours(start, amount)
    return add_working_days(start, int(amount))


def describe(limit: Limit) -> str:
    unit, amount = limit
    return f"{amount:g}小时" if unit == "hours" else f"{int(amount)}个工作日"
