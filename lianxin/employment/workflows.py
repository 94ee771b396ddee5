"""The employment workflows (core.workflow): a seeker's record, a match, a placement.

A match needs both sides: the seeker's answer (recorded by staff who talked to the person) and
the employer's (its own staff, or area staff on its behalf). Either side may decline, with a
reason; staff may withdraw a proposal; an accepted match becomes a placement."""

from __future__ import annotations

from typing import Any

from lianxin.core.roles import AREA_STAFF_ROLES
from lianxin.core.scoping import scope_of
from lianxin.core.workflow import Transition, Workflow, any_of

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

SEEKER_WORKFLOW = Workflow(
    "employment.JobSeeker",
    transitions=[
        Transition(
            "verify",
            "核实通过",
            sources=(S.SUBMITTED,),
            target=S.VERIFIED,
            allowed=seeker_staff,
            service="lianxin.employment.services.seeker_verify",
        ),
        Transition(
            "reject",
            "核实不通过",
            sources=(S.SUBMITTED,),
            target=S.REJECTED,
            allowed=seeker_staff,
            form=forms.ReasonForm,
            service="lianxin.employment.services.seeker_reject",
            danger=True,
        ),
        Transition(
            "close",
            "退出求职",
            sources=(S.VERIFIED,),
            target=S.CLOSED,
            allowed=seeker_staff,
            form=forms.ReasonForm,
            service="lianxin.employment.services.seeker_close",
            danger=True,
        ),
        Transition(
            "reopen",
            "重新求职",
            sources=(S.CLOSED,),
            target=S.VERIFIED,
            allowed=seeker_staff,
            service="lianxin.employment.services.seeker_reopen",
        ),
        # Internal steps taken by the placement services (no button: no service, no form).
        Transition(
            "place", "安置就业", sources=(S.VERIFIED,), target=S.PLACED, allowed=seeker_staff
        ),
        Transition(
            "resume", "恢复求职", sources=(S.PLACED,), target=S.VERIFIED, allowed=seeker_staff
        ),
    ],
)

MATCH_WORKFLOW = Workflow(
    "employment.Match",
    transitions=[
        Transition(
            "seeker_accept",
            "求职者同意",
            sources=(M.PROPOSED,),
            target=M.SEEKER_ACCEPTED,
            allowed=seeker_staff,
            service="lianxin.employment.services.match_answer",
        ),
        Transition(
            "seeker_confirm",
            "求职者同意",
            sources=(M.EMPLOYER_ACCEPTED,),
            target=M.ACCEPTED,
            allowed=seeker_staff,
            service="lianxin.employment.services.match_answer",
        ),
        Transition(
            "employer_accept",
            "用人单位同意",
            sources=(M.PROPOSED,),
            target=M.EMPLOYER_ACCEPTED,
            allowed=any_of(post_employer, match_staff),
            service="lianxin.employment.services.match_answer",
        ),
        Transition(
            "employer_confirm",
            "用人单位同意",
            sources=(M.SEEKER_ACCEPTED,),
            target=M.ACCEPTED,
            allowed=any_of(post_employer, match_staff),
            service="lianxin.employment.services.match_answer",
        ),
        Transition(
            "seeker_decline",
            "求职者婉拒",
            sources=(M.PROPOSED, M.EMPLOYER_ACCEPTED),
            target=M.DECLINED,
            allowed=seeker_staff,
            form=forms.ReasonForm,
            service="lianxin.employment.services.match_decline",
            danger=True,
        ),
        Transition(
            "employer_decline",
            "用人单位婉拒",
            sources=(M.PROPOSED, M.SEEKER_ACCEPTED),
            target=M.DECLINED,
            allowed=any_of(post_employer, match_staff),
            form=forms.ReasonForm,
            service="lianxin.employment.services.match_decline",
            danger=True,
        ),
        Transition(
            "withdraw",
            "撤回推荐",
            sources=(M.PROPOSED, M.SEEKER_ACCEPTED, M.EMPLOYER_ACCEPTED, M.ACCEPTED),
            target=M.WITHDRAWN,
            allowed=match_staff,
            form=forms.ReasonForm,
            service="lianxin.employment.services.match_withdraw",
            danger=True,
        ),
        Transition(
            "place",
            "办理上岗",
            sources=(M.ACCEPTED,),
            target=M.PLACED,
            allowed=seeker_staff,
            form=forms.MatchPlaceForm,
            service="lianxin.employment.services.match_place",
        ),
    ],
)

PLACEMENT_WORKFLOW = Workflow(
    "employment.Placement",
    transitions=[
        Transition(
            "end",
            "登记离岗",
            sources=(PlacementStatus.ACTIVE,),
            target=PlacementStatus.ENDED,
            allowed=any_of(seeker_staff, lambda u, o: covers(u, o.employer.area_code)),
            form=forms.PlacementEndForm,
            service="lianxin.employment.services.placement_end",
            danger=True,
        ),
    ],
)
