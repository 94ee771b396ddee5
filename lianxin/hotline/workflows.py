"""The work order's state machine, declared once (core.workflow; shared/contracts/hotline.md).

Each transition names its source states, its target (``None``: the state stays), who may take
it, its input form and its service. The services check this declaration (``services._allowed``
and ``services._move``), the order page shows a button for each transition
``WORKORDER_WORKFLOW.available`` returns, and the page and the API dispatch through
:func:`perform`. Transitions without a service (``handle``) are steps other services take."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lianxin.core.errors import AccessDenied, InvalidTransition, NotFound
from lianxin.core.roles import AREA_STAFF_ROLES, Role
from lianxin.core.scoping import scope_of
from lianxin.core.workflow import FormInvalid, Transition, Workflow

from . import forms
from .models import AssignmentRole, ExtensionStatus, Status, WorkOrder, WorkOrderAssignment

S = Status
#: States in which an order is still being worked on by a unit (assigned units may write notes).
NOTE_STATES = (S.DISPATCHED, S.ACCEPTED, S.HANDLING, S.REOPENED, S.REPLIED)
#: States in which the hotline may escalate or convene a consultation.
ACTIVE_STATES = (S.DISPATCHED, S.ACCEPTED, S.HANDLING, S.RETURNED, S.REOPENED)


def my_assignments(user: Any, order: WorkOrder) -> list[WorkOrderAssignment]:
    """The active assignments of the user's units on this order, lead first (kept on the order
    object for the request, so that the page's buttons cost one query)."""
    cache: dict[Any, list[WorkOrderAssignment]] = order.__dict__.setdefault(
        "_lianxin_my_assignments", {}
    )
    key = getattr(user, "pk", None)
    if key not in cache:
        units = scope_of(user).organisation_ids([Role.UNIT_STAFF]) if key else set()
        cache[key] = (
            list(
                WorkOrderAssignment.objects.filter(
                    order_id=order.pk, organisation_id__in=sorted(units), is_active=True
                )
                .select_related("organisation")
                .order_by("role")  # "lead" sorts before "support"
            )
            if units
            else []
        )
    return cache[key]


def forget_assignments(order: WorkOrder) -> None:
    order.__dict__.pop("_lianxin_my_assignments", None)


def _has(*roles: str) -> Any:
    def predicate(user: Any, order: Any) -> bool:
        return bool(getattr(user, "pk", None)) and scope_of(user).has_role(*roles)

    return predicate


agent = _has(Role.HOTLINE_AGENT)
hotline_or_leader = _has(Role.HOTLINE_AGENT, Role.LEADER)
supervisor = _has(Role.HOTLINE_AGENT, Role.LEADER, *AREA_STAFF_ROLES)


def assigned_unit(user: Any, order: WorkOrder) -> bool:
    """Staff of a unit the order is sent to (lead or support)."""
    return bool(my_assignments(user, order))


def lead_unit(user: Any, order: WorkOrder) -> bool:
    """Staff of the order's lead unit (主办)."""
    return any(a.role == AssignmentRole.LEAD for a in my_assignments(user, order))


def support_unit_not_signed(user: Any, order: WorkOrder) -> bool:
    """Staff of a supporting unit (协办) that has not signed yet."""
    mine = my_assignments(user, order)
    return (
        bool(mine)
        and all(a.role == AssignmentRole.SUPPORT for a in mine)
        and any(a.accepted_at is None for a in mine)
    )


def lead_unit_without_pending_extension(user: Any, order: WorkOrder) -> bool:
    """The lead unit, when no extension it asked for waits for a decision."""
    return (
        lead_unit(user, order)
        and not order.extensions.filter(status=ExtensionStatus.PENDING).exists()
    )


def agent_with_pending_extension(user: Any, order: WorkOrder) -> bool:
    return agent(user, order) and order.extensions.filter(status=ExtensionStatus.PENDING).exists()


def agent_for_linked_household(user: Any, order: WorkOrder) -> bool:
    """An agent, for a caller linked to a household of her own scope not yet referred to care
    (a household elsewhere is neither offered nor hinted at)."""
    if not agent(user, order) or order.household_id is None or order.referred_to_care:
        return False
    from lianxin.registry.models import Household

    from .selectors import caller_area_q

    return Household.objects.filter(caller_area_q(user=user), pk=order.household_id).exists()


#: The refusal when a transition's ``allowed`` says no (the service raises AccessDenied).
DENIED: dict[str, str] = {
    "accept": "该工单未派给您的单位，不能操作",
    "co_accept": "本单位不是该工单的协办单位，或已签收",
    "return": "只有主办单位可以执行此操作",
    "reply": "只有主办单位可以执行此操作",
    "request_extension": "只有主办单位可以申请延期，且须等待上一次申请审批",
    "note": "该工单未派给您的单位，不能操作",
    "attachment": "该工单未派给您的单位，不能操作",
    "supervise": "只有热线、包抓领导或主管部门可以督办",
    "escalate": "只有热线或包抓领导可以提级办理",
    "consult": "只有热线或包抓领导可以组织会商",
    "decide_extension": "只有12345坐席可以审批待审批的延期申请",
    "refer_care": "只有12345坐席可以转介，且来电人须已关联住户、未转介过",
}
DEFAULT_DENIED = "只有12345坐席可以执行此操作"

#: What the page says after a transition succeeded.
SUCCESS: dict[str, str] = {
    "dispatch": "已派单",
    "accept": "已签收",
    "co_accept": "已签收（协办）",
    "return": "已退单，等待热线审核",
    "review_return": "已审核并重新派单",
    "note": "已记录",
    "attachment": "已上传",
    "request_extension": "已提交延期申请",
    "decide_extension": "已审批",
    "reply": "已答复",
    "callback": "已回访",
    "close": "已办结",
    "reopen": "已重新办理",
    "merge": "已合并",
    "supervise": "已督办",
    "escalate": "已提级办理",
    "consult": "已发起会商",
    "refer_care": "已转介",
}

_SVC = "lianxin.hotline.services."


def _t(
    name: str,
    label: str,
    sources: tuple[str, ...],
    target: str | None,
    allowed: Any,
    form: type[forms.OrderForm] | None = None,
    service: str = "",
    *,
    danger: bool = False,
) -> Transition:
    """One row of the table: the service is ``services.<service>`` (``workorder_<name>`` by
    default); a row without a form takes no input."""
    return Transition(
        name,
        label,
        sources=sources,
        target=target,
        allowed=allowed,
        form=form,
        service=_SVC + (service or f"workorder_{name}"),
        danger=danger,
    )


F = forms
SENT = (S.RECEIVED, S.DISPATCHED, S.RETURNED, S.REOPENED)  # may still be merged
EVERY_STATE_BUT_MERGED = tuple(s for s in Status.values if s != S.MERGED)

# fmt: off
WORKORDER_WORKFLOW = Workflow(
    "hotline.WorkOrder",
    object_arg="order",
    labels=dict(Status.choices),
    transitions=[
        # name, label, sources, target, who, input form, service
        _t("dispatch", "派单", (S.RECEIVED, S.REOPENED), S.DISPATCHED, agent, F.DispatchForm),
        _t("review_return", "退单审核", (S.RETURNED,), S.DISPATCHED, agent, F.ReviewReturnForm),
        _t("accept", "签收", (S.DISPATCHED,), S.ACCEPTED, lead_unit),
        _t("co_accept", "协办签收", (S.DISPATCHED, S.ACCEPTED, S.HANDLING), None,
           support_unit_not_signed, service="workorder_accept"),
        _t("return", "退单", (S.DISPATCHED, S.ACCEPTED), S.RETURNED, lead_unit, F.ReasonForm,
           danger=True),
        # the lead unit's first note moves the order into handling (a step, no button)
        Transition("handle", "办理", sources=(S.ACCEPTED, S.HANDLING), target=S.HANDLING,
                   allowed=lead_unit),
        _t("note", "办理记录", NOTE_STATES, None, assigned_unit, F.NoteForm,
           "workorder_add_note"),
        _t("attachment", "上传附件", NOTE_STATES, None, assigned_unit, F.AttachmentForm,
           "workorder_add_attachment"),
        _t("request_extension", "申请延期", (S.ACCEPTED, S.HANDLING), None,
           lead_unit_without_pending_extension, F.ExtensionRequestForm),
        _t("decide_extension", "审批延期", (S.ACCEPTED, S.HANDLING), None,
           agent_with_pending_extension, F.DecideExtensionForm),
        _t("reply", "答复", (S.ACCEPTED, S.HANDLING), S.REPLIED, lead_unit, F.ReplyForm),
        _t("callback", "回访", (S.REPLIED,), S.CALLBACK, agent, F.CallbackForm),
        _t("close", "办结", (S.CALLBACK, S.RECEIVED), S.CLOSED, agent, F.NoteOnlyForm),
        _t("reopen", "重新办理", (S.CALLBACK, S.CLOSED), S.REOPENED, agent, F.ReasonForm),
        _t("merge", "合并", SENT, S.MERGED, agent, F.MergeForm),
        _t("supervise", "督办", (S.RECEIVED, *ACTIVE_STATES), None, supervisor, F.NoteOnlyForm),
        _t("escalate", "提级办理", ACTIVE_STATES, S.DISPATCHED, hotline_or_leader,
           F.EscalateForm),
        _t("consult", "会商", ACTIVE_STATES, None, hotline_or_leader, F.ConsultForm),
        _t("refer_care", "转介关爱帮扶", EVERY_STATE_BUT_MERGED, None,
           agent_for_linked_household, F.ReferCareForm, "workorder_refer_to_care"),
    ],
)
# fmt: on

#: The transitions a user can ask for (a page button, an API route): those with a service.
ACTION_NAMES = tuple(t.name for t in WORKORDER_WORKFLOW.transitions if t.service)


def check(
    user: Any, order: WorkOrder, action: str, *, who: bool = True, state: bool = True
) -> Transition:
    """The declaration's answer with the hotline's Chinese refusals: who may (AccessDenied),
    then from which state (InvalidTransition). ``who=False``: a step another service takes."""
    t = WORKORDER_WORKFLOW.transition(action)
    if who and not t.allowed(user, order):
        raise AccessDenied(DENIED.get(action, DEFAULT_DENIED))
    if state and order.status not in t.sources:
        label = Status(order.status).label if order.status in Status.values else order.status
        raise InvalidTransition(f"工单当前状态为「{label}」，不能{t.label}")
    return t


def perform(
    *, user: Any, order: WorkOrder, action: str, data: Mapping[str, Any], files: Any = None
) -> Any:
    """Run one action for a page or the API on an order fetched through ``for_user``: the
    declaration's check, the action's form, its service. Raises the domain error on refusal
    (``FormInvalid`` carries the form with its field errors)."""
    if action not in ACTION_NAMES:
        raise NotFound("不支持的操作")
    check(user, order, action)
    try:
        return WORKORDER_WORKFLOW.run(
            action,
            actor=user,
            obj=order,
            data=data,
            files=files,
            form_kwargs={"order": order, "user": user},
        )
    except FormInvalid as exc:
        # the field errors themselves are the message (the API's ``detail``, the page's alert)
        exc.message = "；".join(str(m) for errors in exc.form.errors.values() for m in errors)
        raise
