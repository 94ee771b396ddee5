"""Micro-wishes and volunteer services on the leaders' dashboard (core.indicators)."""

from __future__ import annotations

from django.db.models import QuerySet

from lianxin.core.indicators import Column, Indicator, register

from .models import ServiceTask, TaskStatus, Wish, WishStatus

WISH_COLUMNS = (Column("心愿", lambda w: w.title), Column("状态", lambda w: w.get_status_display()))
TASK_COLUMNS = (
    Column("服务", lambda t: t.get_kind_display()),
    Column("状态", lambda t: t.get_status_display()),
)


def wishes_open(area: str) -> QuerySet[Wish]:
    return Wish.objects.filter(area_code__startswith=area, status=WishStatus.PUBLISHED).order_by(
        "pk"
    )


def wishes_done(area: str) -> QuerySet[Wish]:
    return Wish.objects.filter(area_code__startswith=area, status=WishStatus.CONFIRMED).order_by(
        "pk"
    )


def tasks_done(area: str) -> QuerySet[ServiceTask]:
    return ServiceTask.objects.filter(
        area_code__startswith=area, status=TaskStatus.CONFIRMED
    ).order_by("pk")


def register_all() -> None:
    register(
        Indicator(
            "volunteers.wishes_open",
            "待认领微心愿",
            "volunteers",
            rows=wishes_open,
            columns=WISH_COLUMNS,
            definition="已发布、尚无人认领的微心愿",
            order=1,
        )
    )
    register(
        Indicator(
            "volunteers.wishes_done",
            "已实现微心愿",
            "volunteers",
            rows=wishes_done,
            columns=WISH_COLUMNS,
            definition="受助人或网格员确认收到的微心愿",
            order=2,
        )
    )
    register(
        Indicator(
            "volunteers.tasks_done",
            "志愿服务（已确认）",
            "volunteers",
            rows=tasks_done,
            columns=TASK_COLUMNS,
            definition="签退并经确认的志愿服务任务",
            order=3,
        )
    )
