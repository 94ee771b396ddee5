"""The comparison's figures on the leaders' dashboard (core.indicators)."""

from __future__ import annotations

from django.db.models import QuerySet

from lianxin.core.indicators import Column, Indicator, register

from .models import Alert

COLUMNS = (
    Column("规则", lambda a: a.get_rule_display() if hasattr(a, "get_rule_display") else a.rule),
    Column("状态", lambda a: a.get_status_display()),
    Column("处理去向", lambda a: a.get_outcome_display()),
)


def alerts(area: str) -> QuerySet[Alert]:
    return Alert.objects.filter(area_code__startswith=area).order_by("pk")


def verified(area: str) -> QuerySet[Alert]:
    return alerts(area).exclude(status=Alert.Status.OPEN)


def to_care(area: str) -> QuerySet[Alert]:
    return alerts(area).filter(outcome=Alert.Outcome.CARE_DISCOVERY)


def to_entitlement(area: str) -> QuerySet[Alert]:
    return alerts(area).filter(outcome=Alert.Outcome.ENTITLEMENT_CHANGE)


def register_all() -> None:
    register(
        Indicator(
            "monitoring.alerts",
            "比对预警",
            "monitoring",
            rows=alerts,
            columns=COLUMNS,
            definition="比对产生的预警总数",
            order=1,
        )
    )
    register(
        Indicator(
            "monitoring.verified",
            "已核实预警",
            "monitoring",
            rows=verified,
            columns=COLUMNS,
            definition="网格员已核实（属实或不属实）的预警",
            order=2,
        )
    )
    register(
        Indicator(
            "monitoring.to_care",
            "转入关爱帮扶",
            "monitoring",
            rows=to_care,
            columns=COLUMNS,
            definition="核实属实并转为关爱对象发现的预警",
            order=3,
        )
    )
    register(
        Indicator(
            "monitoring.to_entitlement",
            "转待遇调整",
            "monitoring",
            rows=to_entitlement,
            columns=COLUMNS,
            definition="核实属实并转民政/残联调整待遇的预警",
            order=4,
        )
    )
