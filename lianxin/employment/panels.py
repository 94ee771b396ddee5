"""“我的工作” panels of the employment app (registered in apps.py)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from lianxin.core.workpanels import Panel

from . import selectors
from .models import MatchStatus


def staff_panel(user: Any) -> list[Panel]:
    f = selectors.my_figures(user=user)
    due = selectors.followups_due(user=user)
    return [
        Panel(
            "残疾人就业",
            figures=[
                ("待核实意向登记", f["submitted"]),
                ("求职中", f["seeking"]),
                ("待答复推荐", f["awaiting"]),
                ("在岗人数", f["employed"]),
                ("待回访", len(due)),
            ],
            links=[
                ("求职者", reverse("employment:seeker_list")),
                ("岗位", reverse("employment:post_list")),
                ("待回访", reverse("employment:followups_due")),
            ],
            order=60,
        )
    ]


def employer_panel(user: Any) -> list[Panel]:
    candidates = selectors.employer_candidates(user=user)
    return [
        Panel(
            "我的岗位",
            figures=[
                ("招聘中的岗位", selectors.employer_posts(user=user).filter(status="open").count()),
                (
                    "待答复的推荐",
                    candidates.filter(
                        status__in=[MatchStatus.PROPOSED, MatchStatus.SEEKER_ACCEPTED]
                    ).count(),
                ),
            ],
            links=[("查看岗位和推荐人选", reverse("employment:my_posts"))],
            order=60,
        )
    ]
