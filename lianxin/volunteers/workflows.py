"""The two workflows of neighbourhood help, declared once (core.workflow).

Micro-wish::

    draft ─publish─▶ published ─claim─▶ claimed ─deliver─▶ delivered ─confirm─▶ confirmed
    claimed ─release / lapse─▶ published        draft | published ─cancel─▶ cancelled

Service task::

    open ─take─▶ taken ─check_in─▶ in_service ─check_out─▶ done ─confirm─▶ confirmed
    taken ─release─▶ open                        open | taken ─cancel─▶ cancelled

``claim`` and ``take`` are conditional UPDATEs (``Workflow.advance``): of fifty concurrent claims
exactly one wins; the others are refused with a Chinese message (the API answers 409)."""

from __future__ import annotations

from typing import Any

from lianxin.core.roles import Role
from lianxin.core.scoping import scope_of
from lianxin.core.workflow import Transition, Workflow, any_of

from .querysets import WALL_ROLES, wall_cities

FRONTLINE_STAFF = (Role.COMMUNITY_STAFF, Role.TOWNSHIP_STAFF)


def covers(user: Any, area_code: str, roles: tuple[str, ...] = FRONTLINE_STAFF) -> bool:
    return any(g.role in roles and area_code.startswith(g.area_code) for g in scope_of(user).grants)


def area_staff(user: Any, obj: Any) -> bool:
    """Community or township staff of the row's area."""
    return covers(user, obj.area_code)


def grid_worker(user: Any, obj: Any) -> bool:
    return obj.grid_id is not None and obj.grid_id in scope_of(user).grid_ids()


frontline = any_of(area_staff, grid_worker)


def wall_user(user: Any, obj: Any) -> bool:
    """A partner or volunteer of the wish's city."""
    return obj.area_code[:4] in wall_cities(scope_of(user))


def claimant(user: Any, obj: Any) -> bool:
    if obj.claimant_user_id is not None and obj.claimant_user_id == getattr(user, "pk", None):
        return True
    return obj.claimant_org_id is not None and obj.claimant_org_id in scope_of(
        user
    ).organisation_ids(WALL_ROLES)


def task_member(user: Any, obj: Any) -> bool:
    """An active volunteer of the team the task is offered to."""
    from .models import TeamMembership

    return (
        scope_of(user).has_role(Role.VOLUNTEER)
        and TeamMembership.objects.filter(
            team_id=obj.team_id, volunteer__user_id=user.pk, volunteer__is_active=True
        ).exists()
    )


def task_taker(user: Any, obj: Any) -> bool:
    return obj.volunteer_id is not None and obj.volunteer.user_id == getattr(user, "pk", None)


S = "lianxin.volunteers.services."

WISH_WORKFLOW = Workflow(
    "volunteers.Wish",
    transitions=[
        Transition(
            "publish",
            "发布到心愿墙",
            ("draft",),
            "published",
            area_staff,
            service=S + "wish_publish",
        ),
        Transition(
            "claim",
            "认领",
            ("published",),
            "claimed",
            wall_user,
            service=S + "wish_claim",
            refusal="该心愿已被认领，每个心愿只能认领一次",
        ),
        Transition(
            "release",
            "放弃认领",
            ("claimed",),
            "published",
            claimant,
            service=S + "wish_release",
            danger=True,
        ),
        Transition("lapse", "逾期退回", ("claimed",), "published", lambda u, o: False),
        Transition(
            "deliver", "登记送达", ("claimed",), "delivered", claimant, service=S + "wish_deliver"
        ),
        Transition(
            "confirm",
            "确认收到",
            ("delivered",),
            "confirmed",
            any_of(frontline, claimant),
            service=S + "wish_confirm",
        ),
        Transition(
            "cancel",
            "撤销心愿",
            ("draft", "published"),
            "cancelled",
            area_staff,
            service=S + "wish_cancel",
            danger=True,
        ),
    ],
)

TASK_WORKFLOW = Workflow(
    "volunteers.ServiceTask",
    transitions=[
        Transition(
            "take",
            "接单",
            ("open",),
            "taken",
            task_member,
            service=S + "task_take",
            refusal="该任务已被其他志愿者接单",
        ),
        Transition(
            "release",
            "退回任务",
            ("taken",),
            "open",
            task_taker,
            service=S + "task_release",
            danger=True,
        ),
        Transition(
            "check_in", "签到", ("taken",), "in_service", task_taker, service=S + "task_check_in"
        ),
        Transition(
            "check_out", "签退", ("in_service",), "done", task_taker, service=S + "task_check_out"
        ),
        Transition(
            "confirm", "确认服务", ("done",), "confirmed", frontline, service=S + "task_confirm"
        ),
        Transition(
            "cancel",
            "取消任务",
            ("open", "taken"),
            "cancelled",
            area_staff,
            service=S + "task_cancel",
            danger=True,
        ),
    ],
)
