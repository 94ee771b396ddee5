"""The two status workflows of the love alliance (core.workflow): a partner's membership and a
love card's life. Pages, the API and the services read these declarations."""

from __future__ import annotations

from typing import Any

from lianxin.core.roles import AREA_STAFF_ROLES, Role
from lianxin.core.scoping import scope_of
from lianxin.core.workflow import Workflow, all_of, not_same_user, transition_maker

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


partner = transition_maker(
    allowed=approver_of_area, form=NoteForm, service="lianxin.resources.services.partner_{name}"
)
card = transition_maker(
    allowed=card_staff, form=ReasonForm, service="lianxin.resources.services.card_{name}"
)
# Maker-checker: who admits a partner is not who registered it.
checked = all_of(approver_of_area, not_same_user("created_by"))

PARTNER_WORKFLOW = Workflow(
    "resources.Partner",
    transitions=[
        partner("approve", "批准加入", "applied", "approved", allowed=checked),
        partner("reject", "不予通过", "applied", "rejected", allowed=checked, danger=True),
        partner("suspend", "暂停", "approved", "suspended", danger=True),
        partner("reinstate", "恢复", "suspended", "approved"),
    ],
)

CARD_WORKFLOW = Workflow(
    "resources.LoveCard",
    transitions=[
        card("suspend", "暂停使用", "active", "suspended", danger=True),
        card("restore", "恢复使用", "suspended", "active"),
        card("reissue", "挂失补办", "active", "lost", refusal="只有有效的爱心卡可以挂失补办"),
        card("cancel", "注销", ("active", "suspended"), "cancelled", danger=True),
    ],
)
