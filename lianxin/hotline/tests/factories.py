"""Hotline test data."""

from __future__ import annotations

from typing import Any

from lianxin.hotline import services
from lianxin.hotline.models import WorkOrder


def intake(world: Any, actor: Any, text: str, **more: Any) -> tuple[WorkOrder, bool]:
    """``services.workorder_intake`` of a street-lighting order in site A's village, called in
    from 13995112233, unless ``more`` says otherwise."""
    fields: dict[str, Any] = {
        "caller_phone": "13995112233",
        "area_code": world.a.village.code,
        "dept_type": "municipal_engineering",
    }
    fields.update(more)
    return services.workorder_intake(actor=actor, text=text, **fields)
