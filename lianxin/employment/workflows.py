"""The employment workflows (core.workflow): a seeker's record, a match, a placement.

A match needs both sides: the seeker's answer (recorded by staff who talked to the person) and
the employer's (its own staff, or area staff on its behalf). Either side may decline, with a
reason; staff may withdraw a proposal; an accepted match becomes a placement."""

from __future__ import annotations

from typing import Any

from lianxin.core.roles import AREA_STAFF_ROLES
from lianxin.core.scoping import scope_of
from lianxin.core.workflow import Workflow, any_of, transition_maker

from . import forms
from .models import MatchStatus, PlacementStatus, SeekerStatus
from .querysets import employer_org_ids


def covers(user: Any, area_code: str) -> bool:
    """Area staff whose division subtree holds ``area_code``."""
    return any(
        g.role in AREA_STAFF_ROLES and area_code.startswith(g.area_code)
        for g in scope_of(user).grants
    )


def seeker_staff(user: Any, obj: Any) -> bool:
    """Staff of the seeker's area (the seeker of a match or placement, or the seeker itself)."""
    return covers(user, obj.area_code)


def match_staff(user: Any, obj: Any) -> bool:
    """Staff of the seeker's area or of the employer's area."""
    return covers(user, obj.area_code) or covers(user, obj.post.area_code)


def post_employer(user: Any, obj: Any) -> bool:
    """The employer's own staff, for a match on one of its posts."""
    return obj.post.employer.organisation_id in employer_org_ids(scope_of(user))


S = SeekerStatus
M = MatchStatus
SVC = "lianxin.employment.services."
seeker = transition_maker(allowed=seeker_staff, service=SVC + "seeker_{name}")
seeker_side = transition_maker(allowed=seeker_staff, service=SVC + "match_answer")
employer_side = transition_maker(
    allowed=any_of(post_employer, match_staff), service=SVC + "match_answer"
)
REASON: dict[str, Any] = {"form": forms.ReasonForm, "danger": True}
DECLINE: dict[str, Any] = {"target": M.DECLINED, "service": SVC + "match_decline", **REASON}
WITHDRAW: dict[str, Any] = {"service": SVC + "match_withdraw", **REASON}
PLACE: dict[str, Any] = {"form": forms.MatchPlaceForm, "service": SVC + "match_place"}
OPEN = (M.PROPOSED, M.SEEKER_ACCEPTED, M.EMPLOYER_ACCEPTED, M.ACCEPTED)

SEEKER_WORKFLOW = Workflow(
    "employment.JobSeeker",
    transitions=[
        seeker("verify", "核实通过", S.SUBMITTED, S.VERIFIED),
        seeker("reject", "核实不通过", S.SUBMITTED, S.REJECTED, **REASON),
        seeker("close", "退出求职", S.VERIFIED, S.CLOSED, **REASON),
        seeker("reopen", "重新求职", S.CLOSED, S.VERIFIED),
        # Internal steps taken by the placement services (no button: no service, no form).
        seeker("place", "安置就业", S.VERIFIED, S.PLACED, service=None),
        seeker("resume", "恢复求职", S.PLACED, S.VERIFIED, service=None),
    ],
)

MATCH_WORKFLOW = Workflow(
    "employment.Match",
    transitions=[
        seeker_side("seeker_accept", "求职者同意", M.PROPOSED, M.SEEKER_ACCEPTED),
        seeker_side("seeker_confirm", "求职者同意", M.EMPLOYER_ACCEPTED, M.ACCEPTED),
        employer_side("employer_accept", "用人单位同意", M.PROPOSED, M.EMPLOYER_ACCEPTED),
        employer_side("employer_confirm", "用人单位同意", M.SEEKER_ACCEPTED, M.ACCEPTED),
        seeker_side("seeker_decline", "求职者婉拒", (M.PROPOSED, M.EMPLOYER_ACCEPTED), **DECLINE),
        employer_side(
            "employer_decline", "用人单位婉拒", (M.PROPOSED, M.SEEKER_ACCEPTED), **DECLINE
        ),
        seeker_side("withdraw", "撤回推荐", OPEN, M.WITHDRAWN, allowed=match_staff, **WITHDRAW),
        seeker_side("place", "办理上岗", M.ACCEPTED, M.PLACED, **PLACE),
    ],
)


def placement_staff(user: Any, placement: Any) -> bool:
    """Staff of the seeker's area or of the employer's area."""
    return seeker_staff(user, placement) or covers(user, placement.employer.area_code)


PLACEMENT_WORKFLOW = Workflow(
    "employment.Placement",
    transitions=[
        seeker(
            "end", "登记离岗", PlacementStatus.ACTIVE, PlacementStatus.ENDED,
            allowed=placement_staff, form=forms.PlacementEndForm,
            service=SVC + "placement_end", danger=True,
        ),
    ],
)  # fmt: skip
