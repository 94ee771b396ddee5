"""Follow-ups of work-order transitions, run after the transaction commits."""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger("lianxin.hotline")


@task()
def workorder_follow_up(order_id: int, action: str) -> None:
    """Notify whoever acts next (the unit after a dispatch, the hotline after a reply or a
    return). Notification channels (SMS, 政务微信) plug in here; today it is logged."""
    logger.info("workorder %s: %s", order_id, action)


@task()
def hotspots_refresh_task() -> int:
    from .services import hotspots_refresh

    return hotspots_refresh()
