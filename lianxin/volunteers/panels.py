"""“我的工作” panels: a volunteer lands on his tasks, a partner on the wish wall and its claims."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from lianxin.core.workpanels import Panel

from . import selectors
from .models import TaskStatus, WishStatus


def volunteer_panel(user: Any) -> list[Panel]:
    profile = selectors.profile_of(user)
    tasks = selectors.my_tasks(user=user)
    figures: list[tuple[str, Any]] = [
        ("我的进行中任务", len(tasks["mine"])),
        ("队伍待接任务", len(tasks["offered"])),
        ("心愿墙待认领", selectors.wall(user=user).count()),
    ]
    if profile is not None:
        balance = selectors.balance_of(profile)
        figures += [("累计服务小时", f"{balance.minutes / 60:.1f}"), ("积分余额", balance.points)]
    return [
        Panel(
            "志愿服务 · 我的任务",
            figures=figures,
            links=[
                ("我的任务", reverse("volunteers:my_tasks")),
                ("时长与积分", reverse("volunteers:my_record")),
                ("心愿墙", reverse("volunteers:wall")),
            ],
            order=5,
        )
    ]


def partner_panel(user: Any) -> list[Panel]:
    figures = selectors.wall_figures(user=user)
    return [
        Panel(
            "爱心联盟 · 微心愿",
            figures=[("心愿墙待认领", figures["published"]), ("我认领未完成", figures["mine"])],
            links=[
                ("心愿墙", reverse("volunteers:wall")),
                ("我的认领", reverse("volunteers:my_claims")),
                ("积分消费登记", reverse("volunteers:points_spend")),
            ],
            order=5,
        )
    ]


def staff_panel(user: Any) -> list[Panel]:
    wishes = selectors.wish_list(user=user)
    tasks = selectors.task_list(user=user)
    return [
        Panel(
            "微心愿与志愿服务",
            figures=[
                ("心愿待发布", wishes.filter(status=WishStatus.DRAFT).count()),
                ("心愿待确认", wishes.filter(status=WishStatus.DELIVERED).count()),
                ("服务待确认", tasks.filter(status=TaskStatus.DONE).count()),
            ],
            links=[
                ("微心愿管理", reverse("volunteers:wish_list")),
                ("志愿服务任务", reverse("volunteers:task_list")),
                ("重点人员“四个一”", reverse("volunteers:roster")),
            ],
            order=40,
        )
    ]
