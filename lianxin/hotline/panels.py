"""Home-page panels: the agent's day and the unit's queue."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from lianxin.core.workpanels import Panel

from . import selectors
from .models import WorkOrder


def agent_panels(user: Any) -> list[Panel]:
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    mine = WorkOrder.objects.for_user(user)
    return [
        Panel(
            title="12345热线",
            figures=[
                ("今日受理", mine.filter(received_at__gte=today).count()),
                ("待派单", selectors.agent_queue(user=user).count()),
                ("待回访", selectors.callback_queue(user=user).count()),
                ("已超期", mine.overdue().count()),
            ],
            links=[
                ("受理诉求", reverse("hotline:intake")),
                ("待派单", reverse("hotline:agent_queue")),
                ("待回访", reverse("hotline:callback_queue")),
                ("督办", reverse("hotline:supervision")),
            ],
            order=20,
        )
    ]


def unit_panels(user: Any) -> list[Panel]:
    queue = selectors.unit_queue(user=user)
    return [
        Panel(
            title="本单位工单",
            figures=[
                ("待办", queue.count()),
                ("待签收", queue.filter(status="dispatched").count()),
                ("已超期", queue.filter(due_at__lt=timezone.now()).count()),
            ],
            links=[("进入待办", reverse("hotline:unit_queue"))],
            order=20,
        )
    ]
