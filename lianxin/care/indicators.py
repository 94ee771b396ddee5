"""Care's figures on the leaders' dashboard (core.indicators)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from lianxin.core.indicators import Column, Indicator, register

from .models import CareCase, Measure, MeasureStatus

CASE_COLUMNS = (
    Column("案件编号", lambda c: c.number),
    Column("阶段", lambda c: c.get_stage_display()),
    Column("分级", lambda c: c.get_grade_display() or "—"),
    Column("家庭人口", lambda c: c.person_count),
)
MEASURE_COLUMNS = (
    Column("措施", lambda m: m.title),
    Column("关爱行动", lambda m: m.get_action_display()),
    Column("状态", lambda m: m.get_status_display()),
    Column("完成时限", lambda m: f"{m.deadline:%Y-%m-%d}"),
)


def cases(area: str) -> QuerySet[CareCase]:
    return CareCase.objects.filter(area_code__startswith=area, batch__isnull=False).order_by("pk")


def measures(area: str) -> QuerySet[Measure]:
    return (
        Measure.objects.filter(area_code__startswith=area)
        .exclude(status=MeasureStatus.CANCELLED)
        .order_by("pk")
    )


def implemented(area: str) -> QuerySet[Measure]:
    return measures(area).filter(status=MeasureStatus.IMPLEMENTED)


def overdue(area: str) -> QuerySet[Measure]:
    return (
        Measure.objects.filter(area_code__startswith=area)
        .overdue(timezone.localdate())
        .order_by("deadline", "pk")
    )


def persons(area: str) -> int:
    from django.db.models import Sum

    return cases(area).aggregate(n=Sum("person_count"))["n"] or 0


def register_all() -> None:
    register(
        Indicator(
            "care.households",
            "批次帮扶户数",
            "care",
            rows=cases,
            columns=CASE_COLUMNS,
            counts_people=True,
            definition="纳入关爱批次的住户（案件）数",
            order=1,
        )
    )
    register(
        Indicator(
            "care.persons",
            "批次帮扶人数",
            "care",
            value=persons,
            unit="人",
            definition="纳入关爱批次住户的家庭人口之和",
            order=2,
        )
    )
    register(
        Indicator(
            "care.measures",
            "帮扶措施（计划）",
            "care",
            rows=measures,
            columns=MEASURE_COLUMNS,
            definition="已制定且未取消的帮扶措施数",
            order=3,
        )
    )
    register(
        Indicator(
            "care.implemented",
            "帮扶措施（已落实）",
            "care",
            rows=implemented,
            columns=MEASURE_COLUMNS,
            definition="状态为已落实的措施数",
            order=4,
        )
    )
    register(
        Indicator(
            "care.overdue",
            "逾期未落实措施",
            "care",
            rows=overdue,
            columns=MEASURE_COLUMNS,
            definition="超过完成时限仍为计划或实施中的措施",
            order=5,
        )
    )
