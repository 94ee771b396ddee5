"""Hotline test data."""

from __future__ import annotations

from typing import Any

from lianxin.directory.demo import demo_org
from lianxin.directory.models import Organisation, OrgKind
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


def rate_on_the_public_page(client: Any, order: WorkOrder) -> WorkOrder:
    """The caller of 13995112233 rates ``order`` satisfied and resolved on the public rating
    page; ``order`` reloaded."""
    client.post(
        "/hotline/public/rate/",
        {
            "code": order.tracking_code,
            "phone_last4": "2233",
            "satisfaction": "satisfied",
            "resolved": "1",
        },
    )
    order.refresh_from_db()
    return order


def city_municipal_unit(world: Any) -> Organisation:
    """银川市市政管理局: the city-level unit above site A's municipal engineering office, the
    one an order is escalated to."""
    return demo_org(
        "6401-municipal_engineering",
        "银川市市政管理局",
        world.a.city,
        kind=OrgKind.HANDLING_UNIT,
        dept_type="municipal_engineering",
    )
