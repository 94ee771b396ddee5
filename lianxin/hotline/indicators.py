"""The hotline's figures on the leaders' dashboard (core.indicators): this year's requests,
overdue and supervised orders, and the three rates with the on-time rate as values."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from lianxin.core.indicators import Column, Indicator, register

from .models import OPEN_STATES, Status, WorkOrder
from .selectors import Rates, _rate_aggregates

COLUMNS = (
    Column("工单编号", lambda o: o.pk),
    Column("诉求类别", lambda o: o.dept_type),
    Column("状态", lambda o: o.get_status_display()),
    Column("受理时间", lambda o: f"{timezone.localtime(o.received_at):%Y-%m-%d %H:%M}"),
)


def _year_start() -> dt.datetime:
    today = timezone.localdate()
    return dt.datetime.combine(
        dt.date(today.year, 1, 1), dt.time.min, timezone.get_current_timezone()
    )


def orders(area: str) -> QuerySet[WorkOrder]:
    return (
        WorkOrder.objects.filter(area_code__startswith=area, received_at__gte=_year_start())
        .exclude(status=Status.MERGED)
        .order_by("pk")
    )


def overdue(area: str) -> QuerySet[WorkOrder]:
    return WorkOrder.objects.filter(
        area_code__startswith=area,
        status__in=sorted(OPEN_STATES),
        due_at__lt=timezone.now(),
        replied_at__isnull=True,
    ).order_by("due_at", "pk")


def supervised(area: str) -> QuerySet[WorkOrder]:
    return WorkOrder.objects.filter(
        area_code__startswith=area, supervised=True, status__in=sorted(OPEN_STATES)
    ).order_by("pk")


def _rates(area: str) -> Rates:
    return Rates(label="本年", **orders(area).aggregate(**_rate_aggregates(timezone.now())))


def _rate(name: str):  # type: ignore[no-untyped-def]
    def value(area: str) -> float | None:
        return getattr(_rates(area), name)

    return value


def register_all() -> None:
    register(
        Indicator(
            "hotline.orders",
            "本年受理诉求",
            "hotline",
            rows=orders,
            columns=COLUMNS,
            definition="本年受理的工单（不含被合并的重复件）",
            order=1,
        )
    )
    register(
        Indicator(
            "hotline.overdue",
            "超时未答复工单",
            "hotline",
            rows=overdue,
            columns=COLUMNS,
            definition="办理中、已过当前时限且未答复的工单",
            order=2,
        )
    )
    register(
        Indicator(
            "hotline.supervised",
            "督办中工单",
            "hotline",
            rows=supervised,
            columns=COLUMNS,
            definition="标记督办且尚未办结的工单",
            order=3,
        )
    )
    for key, label, definition in (
        ("response_rate", "响应率", "已签收或已答复的派单 ÷ 已派单"),
        ("resolution_rate", "解决率", "回访认定已解决 ÷ 已回访"),
        ("satisfaction_rate", "满意率", "满意与基本满意 ÷ 已回访"),
        ("on_time_rate", "按时办结率", "按时答复 ÷ 已答复"),
    ):
        register(
            Indicator(
                f"hotline.{key}",
                label,
                "hotline",
                value=_rate(key),
                unit="%",
                definition=f"本年：{definition}",
                order=10,
            )
        )
