"""The benefits workflows, declared once (core.workflow): applications, stop proposals, payment
runs, entitlements and union files. Pages show a button exactly when the service accepts it.

Who acts:
- frontline: community or township staff of the household's area, or its grid worker — file,
  submit and withdraw applications, re-verify entitlements;
- reviewer: township staff of the area, or staff of the policy's department covering the area;
- department: county, city or region staff whose organisation is of the policy's department
  type and whose area covers the row — approve, refuse, suspend, run payments;
- union: staff whose organisation is a trade union covering the file's area.

Maker-checker: the reviewer is not the filer; the approver is neither the filer nor the
reviewer; a payment run is approved by someone other than who prepared it; a stop proposal is
approved by someone other than who proposed it."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from lianxin.core.roles import Role
from lianxin.core.scoping import scope_of
from lianxin.core.workflow import (
    Transition,
    Workflow,
    all_of,
    any_of,
    not_same_user,
    transition_maker,
)

from .forms import yuan_field

DEPARTMENT_ROLES = (Role.COUNTY_STAFF, Role.CITY_STAFF, Role.REGION_STAFF)
FRONTLINE_ROLES = (Role.COMMUNITY_STAFF, Role.TOWNSHIP_STAFF)


def covers(user: Any, area_code: str, roles: tuple[str, ...]) -> bool:
    return any(g.role in roles and area_code.startswith(g.area_code) for g in scope_of(user).grants)


def department_org_ids(user: Any, department_type: str, area_code: str) -> list[int]:
    """The user's organisations of this department type whose assignment covers the area."""
    from lianxin.directory.models import Organisation

    grants = [
        g
        for g in scope_of(user).grants
        if g.role in DEPARTMENT_ROLES and g.organisation_id and area_code.startswith(g.area_code)
    ]
    if not grants:
        return []
    ids = {g.organisation_id for g in grants if g.organisation_id is not None}
    return list(
        Organisation.objects.filter(pk__in=ids, dept_type=department_type).values_list(
            "pk", flat=True
        )
    )


def is_department(user: Any, department_type: str, area_code: str) -> bool:
    return bool(department_org_ids(user, department_type, area_code))


def is_frontline(user: Any, area_code: str, grid_id: int | None) -> bool:
    if grid_id is not None and grid_id in scope_of(user).grid_ids():
        return True
    return covers(user, area_code, FRONTLINE_ROLES)


def _policy_of(obj: Any) -> Any:
    if hasattr(obj, "policy"):
        return obj.policy
    return obj.entitlement.policy


def _grid_of(obj: Any) -> int | None:
    household = obj.household if hasattr(obj, "household") else obj.entitlement.household
    return household.grid_id


def frontline(user: Any, obj: Any) -> bool:
    return is_frontline(user, obj.area_code, _grid_of(obj))


def department(user: Any, obj: Any) -> bool:
    return is_department(user, _policy_of(obj).department_type, obj.area_code)


def township_reviewer(user: Any, obj: Any) -> bool:
    return covers(user, obj.area_code, (Role.TOWNSHIP_STAFF,))


def nobody(user: Any, obj: Any) -> bool:
    return False


def union_staff(user: Any, obj: Any) -> bool:
    return is_department(user, "trade_union", obj.area_code)


# --- forms -----------------------------------------------------------------------------------


class NoteForm(forms.Form):
    note = forms.CharField(
        label="意见", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class ApproveForm(forms.Form):
    approved_yuan = yuan_field("核定金额（元，区间标准时填写）")
    note = forms.CharField(label="审批意见", max_length=300, required=False)


# --- declarations ----------------------------------------------------------------------------

SVC = "lianxin.benefits.services."
application = transition_maker(allowed=frontline, service=SVC + "application_{name}")
stop = transition_maker(service=SVC + "stop_{name}")
payment_run = transition_maker(allowed=department, service=SVC + "payment_run_{name}")
entitlement = transition_maker(allowed=department, service=SVC + "entitlement_{name}")
# Maker-checker: the reviewer is not the filer; the approver neither the filer nor the reviewer.
reviewer = all_of(any_of(township_reviewer, department), not_same_user("filed_by"))
approver = all_of(department, not_same_user("filed_by"), not_same_user("reviewed_by"))
stop_approver = all_of(department, not_same_user("proposed_by"))
run_approver = all_of(department, not_same_user("prepared_by"))

APPLICATION_WORKFLOW = Workflow(
    "benefits.Application",
    transitions=[
        application("submit", "提交", "draft", "submitted"),
        application(
            "withdraw", "撤回", ("draft", "submitted"), "withdrawn", form=ReasonForm, danger=True
        ),
        application("review", "审核通过", "submitted", "reviewed", allowed=reviewer, form=NoteForm),
        application("approve", "批准", "reviewed", "approved", allowed=approver, form=ApproveForm),
        application(
            "refuse", "不予批准", ("submitted", "reviewed"), "refused", allowed=reviewer,
            form=ReasonForm, danger=True,
        ),
    ],
)  # fmt: skip

STOP_WORKFLOW = Workflow(
    "benefits.StopProposal",
    transitions=[
        stop("approve", "批准停发", "proposed", "approved", allowed=stop_approver, form=NoteForm,
             danger=True),
        stop("dismiss", "继续享受", "proposed", "dismissed", allowed=stop_approver, form=ReasonForm),
    ],
)  # fmt: skip

RUN_WORKFLOW = Workflow(
    "benefits.PaymentRun",
    transitions=[
        payment_run("approve", "审批花名册", "prepared", "approved", allowed=run_approver),
        payment_run("book", "入账", "approved", "booked"),
        payment_run("cancel", "作废", ("prepared", "approved"), "cancelled", danger=True),
    ],
)

ENTITLEMENT_WORKFLOW = Workflow(
    "benefits.Entitlement",
    transitions=[
        entitlement("suspend", "暂停", "active", "suspended", form=ReasonForm, danger=True),
        entitlement("resume", "恢复", "suspended", "active", form=NoteForm),
        entitlement(
            "reverify", "年度复核", "active", None, allowed=any_of(frontline, department),
            form=NoteForm,
        ),
        # Taken only by services (a stop approved, a one-off grant paid): never a button.
        Transition("end", "终止", sources=("active", "suspended"), target="ended", allowed=nobody),
    ],
)  # fmt: skip


class UnionReasonForm(forms.Form):
    reason = forms.CharField(label="说明", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class AssistForm(forms.Form):
    policy: forms.ModelChoiceField = forms.ModelChoiceField(label="帮扶项目", queryset=None)
    standard_key = forms.CharField(label="档次", max_length=20, required=False)
    amount_yuan = yuan_field("金额（元，区间标准时填写）")
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from .models import Policy

        cast(forms.ModelChoiceField, self.fields["policy"]).queryset = Policy.objects.filter(
            department_type="trade_union", is_active=True
        )


union_file = transition_maker(allowed=union_staff, service=SVC + "union_file_{name}")
ON_FILE = ("opened", "assisted", "out")

UNION_FILE_WORKFLOW = Workflow(
    "benefits.UnionFile",
    transitions=[
        union_file("reverify", "年度复核", ON_FILE, None, form=NoteForm),
        union_file("out", "解困脱困", "assisted", "out", form=UnionReasonForm),
        union_file("close", "销档", ON_FILE, "closed", form=UnionReasonForm, danger=True),
        union_file("assist", "记录帮扶", ("opened", "assisted"), "assisted", form=AssistForm),
    ],
)
