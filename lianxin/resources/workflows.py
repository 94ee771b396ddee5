"""The two status workflows of the love alliance (core.workflow): a partner's membership and a
love card's life. Pages, the API and the services read these declarations."""

from __future__ import annotations

from typing import Any

from lianxin.core.roles import AREA_STAFF_ROLES, Role
from lianxin.core.scoping import scope_of
from lianxin.core.workflow import Transition, Workflow, all_of, not_same_user

from .forms import NoteForm, ReasonForm

# Civil-affairs staff who admit partners to the alliance of their area.
APPROVER_ROLES = frozenset(
    {Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF, Role.CITY_STAFF, Role.REGION_STAFF}
)
# Staff who issue, suspend and reissue cards of the households of their area.
CARD_STAFF_ROLES = AREA_STAFF_ROLES


def covers(user: Any, area_code: str, roles: frozenset[str]) -> bool:
    """The user holds one of ``roles`` over a subtree containing ``area_code``."""
    return any(g.role in roles and area_code.startswith(g.area_code) for g in scope_of(user).grants)


def approver_of_area(user: Any, obj: Any) -> bool:
    return covers(user, obj.area_code, APPROVER_ROLES)


def card_staff(user: Any, obj: Any) -> bool:
    return covers(user, obj.area_code, CARD_STAFF_ROLES)


def _service(name: str) -> str:
    return f"lianxin.resources.services.{name}"


PARTNER_WORKFLOW = Workflow(
    "resources.Partner",
    transitions=[
        Transition(
            "approve",
            "批准加入",
            sources=("applied",),
            target="approved",
            allowed=all_of(approver_of_area, not_same_user("created_by")),
            form=NoteForm,
            service=_service("partner_approve"),
        ),
        Transition(
            "reject",
            "不予通过",
            sources=("applied",),
            target="rejected",
            allowed=all_of(approver_of_area, not_same_user("created_by")),
            form=NoteForm,
            service=_service("partner_reject"),
            danger=True,
        ),
        Transition(
            "suspend",
            "暂停",
            sources=("approved",),
            target="suspended",
            allowed=approver_of_area,
            form=NoteForm,
            service=_service("partner_suspend"),
            danger=True,
        ),
        Transition(
            "reinstate",
            "恢复",
            sources=("suspended",),
            target="approved",
            allowed=approver_of_area,
            form=NoteForm,
            service=_service("partner_reinstate"),
        ),
    ],
)

CARD_WORKFLOW = Workflow(
    "resources.LoveCard",
    transitions=[
        Transition(
            "suspend",
            "暂停使用",
            sources=("active",),
            target="suspended",
            allowed=card_staff,
            form=ReasonForm,
            service=_service("card_suspend"),
            danger=True,
        ),
        Transition(
            "restore",
            "恢复使用",
            sources=("suspended",),
            target="active",
            allowed=card_staff,
            form=ReasonForm,
            service=_service("card_restore"),
        ),
        Transition(
            "reissue",
            "挂失补办",
            sources=("active",),
            target="lost",
            allowed=card_staff,
            form=ReasonForm,
            service=_service("card_reissue"),
            refusal="只有有效的爱心卡可以挂失补办",
        ),
        Transition(
            "cancel",
            "注销",
            sources=("active", "suspended"),
            target="cancelled",
            allowed=card_staff,
            form=ReasonForm,
            service=_service("card_cancel"),
            danger=True,
        ),
    ],
)
