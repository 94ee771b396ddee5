"""Background work of neighbourhood help (run daily by the scheduler): claims not delivered in
time lapse back to the wall; points past the region's period expire."""

from __future__ import annotations

from django_tasks import task

from . import services


@task()
def lapse_overdue_claims() -> int:
    return services.wish_lapse_overdue()


@task()
def expire_points() -> int:
    return services.points_expire()
