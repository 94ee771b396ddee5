"""“我的工作” panels of the care app (registered in apps.py)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from lianxin.core.roles import Role
from lianxin.core.scoping import scope_of
from lianxin.core.workpanels import Panel

from . import selectors


def grid_worker_panel(user: Any) -> list[Panel]:
    todos = selectors.grid_worker_todos(user=user)
    return [
        Panel(
            "关爱帮扶 · 我的待办",
            figures=[
                ("户待入户调查", todos["to_investigate"].count()),
                ("户待回访", todos["to_visit"].count()),
            ],
            links=[("查看待办", reverse("care:todos")), ("登记发现", reverse("care:discover"))],
            order=20,
        )
    ]


def review_panel(user: Any) -> list[Panel]:
    queues = selectors.review_queue(user=user)
    figures = [
        ("户待社区评议", queues["to_review"].count()),
        ("条转介待处理", selectors.referral_queue(user=user).count()),
    ]
    if scope_of(user).has_role(Role.TOWNSHIP_STAFF):
        figures += [
            ("户待认定", queues["to_recognise"].count()),
            ("户待定方案", queues["to_plan"].count()),
        ]
    return [
        Panel(
            "关爱帮扶 · 评议认定",
            figures=figures,
            links=[
                ("评议认定队列", reverse("care:review_queue")),
                ("转介待办", reverse("care:referral_queue")),
            ],
            order=21,
        )
    ]


def department_panel(user: Any) -> list[Panel]:
    if not selectors.unit_ids_of(user):
        return []
    return [
        Panel(
            "关爱帮扶 · 本单位措施",
            figures=[
                ("项待落实", selectors.measure_queue(user=user).count()),
                ("项已超期", selectors.measure_queue(user=user, overdue_only=True).count()),
            ],
            links=[
                ("本单位措施", reverse("care:measure_queue")),
                ("超期措施", reverse("care:measure_queue") + "?overdue=1"),
            ],
            order=22,
        )
    ]


def leader_panel(user: Any) -> list[Panel]:
    cases = selectors.leader_cases(user=user)
    aggregates = selectors.area_aggregates(user=user)
    return [
        Panel(
            "关爱帮扶 · 我包抓的住户",
            figures=[
                ("户包抓", cases.count()),
                ("户红色（辖区）", aggregates["by_grade"].get("red", 0)),
                ("项措施超期（辖区）", aggregates["overdue"]),
            ],
            links=[("我包抓的住户", reverse("care:leader_households"))],
            order=20,
        )
    ]
