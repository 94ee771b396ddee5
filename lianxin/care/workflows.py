"""The care workflows, declared once (core.workflow): the case's six stages and a measure's
status. Each transition names its source states, its target, who may take it, its input form and
its service. The services check their call against this declaration (``check``), the case page
shows exactly the transitions ``available`` to the user, and the page and the API dispatch by
transition name. Nothing else says who may do what to a case or a measure."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.utils.module_loading import import_string

from lianxin.core import maker_checker
from lianxin.core.errors import AccessDenied, Conflict, InvalidTransition
from lianxin.core.roles import Role
from lianxin.core.scoping import scope_of
from lianxin.core.workflow import Transition, Workflow, all_of, any_of, transition_maker

from . import forms
from .models import Escalation, MeasureStatus, ReferralStatus, Stage
from .querysets import UNIT_ROLES

if TYPE_CHECKING:
    from lianxin.directory.models import Organisation

    from .models import CareCase, Measure, Referral

# --- who (predicates over the user and the case or measure) ------------------------------------


def covers(user: Any, area_code: str, roles: Iterable[str]) -> bool:
    """The user holds one of ``roles`` over an area that contains ``area_code``."""
    wanted = set(roles)
    return any(
        g.role in wanted and area_code.startswith(g.area_code) for g in scope_of(user).grants
    )


def acts_for_unit(user: Any, unit: Organisation) -> bool:
    """Does the user work for ``unit``? Staff assigned to it do; for a community or village
    committee (kind ``community``), so do that community's grid workers and community staff."""
    from lianxin.directory.models import OrgKind

    scope = scope_of(user)
    if unit.pk in scope.organisation_ids(UNIT_ROLES):
        return True
    if unit.kind == OrgKind.COMMUNITY:
        return any(
            g.role in (Role.GRID_WORKER, Role.COMMUNITY_STAFF)
            and unit.area_code.startswith(g.area_code)
            for g in scope.grants
        )
    return False


def _area_staff(*roles: str) -> Callable[[Any, Any], bool]:
    def predicate(user: Any, obj: Any) -> bool:
        return covers(user, obj.area_code, roles)

    predicate.__name__ = f"area_staff({', '.join(roles)})"
    return predicate


community_or_township = _area_staff(Role.COMMUNITY_STAFF, Role.TOWNSHIP_STAFF)
township = _area_staff(Role.TOWNSHIP_STAFF)
township_or_county = _area_staff(Role.TOWNSHIP_STAFF, Role.COUNTY_STAFF)


def grid_worker_of(user: Any, case: CareCase) -> bool:
    return case.grid_id is not None and case.grid_id in scope_of(user).grid_ids()


def frontline(user: Any, case: CareCase) -> bool:
    """The grid worker of the case's grid, or community/township staff of its area."""
    return grid_worker_of(user, case) or community_or_township(user, case)


def case_leader(user: Any, case: CareCase) -> bool:
    return case.leader_id is not None and case.leader_id == getattr(user, "pk", None)


def paired_unit_staff(user: Any, case: CareCase) -> bool:
    return case.paired_unit is not None and acts_for_unit(user, case.paired_unit)


def not_the_reviewer(user: Any, case: CareCase) -> bool:
    """Maker-checker: the township's recognition is not by the one who recorded the review."""
    from .models import CommunityReview

    reviewer = (
        CommunityReview.objects.filter(case_id=case.pk)
        .values_list("reviewer_id", flat=True)
        .first()
    )
    return reviewer is None or reviewer != getattr(user, "pk", None)


def not_the_planner(user: Any, case: CareCase) -> bool:
    """Maker-checker: the plan is approved by someone other than who wrote or changed it."""
    from .models import Plan

    plan = Plan.objects.filter(case_id=case.pk).only("created_by_id", "updated_by_id").first()
    me = getattr(user, "pk", None)
    return plan is None or me not in (plan.created_by_id, plan.updated_by_id)


def not_the_evaluator(user: Any, case: CareCase) -> bool:
    """Maker-checker: the evaluation is accepted by someone other than the evaluator."""
    pending = (
        case.evaluations.filter(accepted_at__isnull=True)
        .order_by("-pk")
        .values_list("evaluator_id", flat=True)
        .first()
    )
    return pending is None or pending != getattr(user, "pk", None)


RUNNING_STAGES = (Stage.PLANNED, Stage.TRACKING, Stage.CONTINUED)


def case_running(user: Any, measure: Measure) -> bool:
    """The measure's plan is approved (and the case not yet evaluated)."""
    return measure.case.stage in RUNNING_STAGES


def responsible_unit(user: Any, measure: Measure) -> bool:
    return acts_for_unit(user, measure.responsible_unit)


def no_open_escalation(user: Any, measure: Measure) -> bool:
    known = getattr(measure, "has_open_escalation", None)
    if known is not None:
        return not known
    return (
        not Escalation.objects.filter(measure_id=measure.pk)
        .exclude(status=Escalation.Status.RESOLVED)
        .exists()
    )


# --- the declarations ---------------------------------------------------------------------------


def _service_on(keyword: str) -> Callable[[str], Callable[..., Any]]:
    """Transition services are called with ``obj``; care's name it (``case=``, ``measure=``)."""

    def wrap(path: str) -> Callable[..., Any]:
        def call(*, actor: Any, obj: Any, **kwargs: Any) -> Any:
            return import_string(path)(actor=actor, **{keyword: obj}, **kwargs)

        call.__name__ = path.rsplit(".", 1)[-1]
        return call

    return wrap


def case_form_kwargs(user: Any, case: Any) -> dict[str, Any]:
    """A case form's pickers are the user's own (units, leaders, batches) and may depend on the
    case: pages and the API bind it with both (``Workflow.bind_form``/``run``)."""
    return {"user": user, "case": case}


S = Stage
PLAN_STAGES = (S.RECOGNISED, S.PLANNED, S.TRACKING, S.CONTINUED)
GRADABLE_STAGES = (
    S.INVESTIGATED,
    S.REVIEWED,
    S.RECOGNISED,
    S.PLANNED,
    S.TRACKING,
    S.EVALUATED,
    S.CONTINUED,
)
SVC = "lianxin.care.services."

case = transition_maker(wrap=_service_on("case"))
# the case's forms: pickers of the user's own (units, leaders, batches) for this case
case_form = transition_maker(wrap=_service_on("case"), form_kwargs=case_form_kwargs)

CASE_WORKFLOW = Workflow(
    "care.CareCase",
    field="stage",
    transitions=[
        # The investigation has its own page (drafts over several visits, photos).
        case("investigate", "提交入户调查", S.DISCOVERED, S.INVESTIGATED, allowed=frontline,
             service=SVC + "case_investigate"),
        case_form("review", "记录社区评议", S.INVESTIGATED, S.REVIEWED,
                  allowed=community_or_township, form=forms.ReviewForm,
                  service=SVC + "case_review_by_community"),
        case_form("recognise", "认定为关爱对象", S.REVIEWED, S.RECOGNISED,
                  allowed=all_of(township, not_the_reviewer), form=forms.RecogniseForm,
                  service=SVC + "case_recognise"),
        case_form("reject", "不予认定", S.REVIEWED, S.REJECTED, allowed=township,
                  form=forms.RejectForm, service=SVC + "case_reject", danger=True),
        case_form("plan", "保存方案", PLAN_STAGES, allowed=community_or_township,
                  form=forms.PlanForm, service=SVC + "plan_save"),
        case_form("measure", "添加措施", PLAN_STAGES, allowed=community_or_township,
                  form=forms.MeasureForm, service=SVC + "measure_add"),
        case("approve", "审定方案", S.RECOGNISED, S.PLANNED,
             allowed=all_of(township, not_the_planner), service=SVC + "plan_approve"),
        case_form("followup", "记录回访", RUNNING_STAGES, S.TRACKING,
                  allowed=any_of(frontline, case_leader, paired_unit_staff),
                  form=forms.FollowUpForm, service=SVC + "followup_record"),
        case_form("evaluate", "记录评估", S.TRACKING, S.EVALUATED, allowed=township,
                  form=forms.EvaluationForm, service=SVC + "case_evaluate"),
        # The target (closed or continued) is what the evaluation decided; the service sets it.
        case("accept", "验收", S.EVALUATED, allowed=all_of(township_or_county, not_the_evaluator),
             service=SVC + "case_accept"),
        case_form("grade", "调整分级", GRADABLE_STAGES, allowed=community_or_township,
                  form=forms.GradeForm, service=SVC + "case_set_grade"),
    ],
)  # fmt: skip

M = MeasureStatus
OPEN = (M.PLANNED, M.IN_PROGRESS)
unit_or_township = any_of(responsible_unit, township)
measure = transition_maker(wrap=_service_on("measure"), service=SVC + "measure_{name}")
unit_while_running = all_of(responsible_unit, case_running)

MEASURE_WORKFLOW = Workflow(
    "care.Measure",
    transitions=[
        measure("start", "开始实施", M.PLANNED, M.IN_PROGRESS, allowed=unit_while_running),
        measure("implement", "确认落实", OPEN, M.IMPLEMENTED, allowed=unit_while_running,
                form=forms.EvidenceForm),
        measure("escalate", "提请会商/提级", OPEN, allowed=all_of(unit_or_township, no_open_escalation),
                form=forms.EscalationForm, service=SVC + "escalation_raise"),
        measure("cancel", "取消措施", OPEN, M.CANCELLED, allowed=unit_or_township,
                form=forms.ReasonForm, danger=True),
        measure("link", "关联承接", (*OPEN, M.IMPLEMENTED),
                allowed=any_of(responsible_unit, community_or_township), form=forms.LinkForm,
                service=SVC + "measure_link_delivery"),
    ],
)  # fmt: skip

# A referral handed to the household's area (issue #11, finding 7): its community or township
# staff accept it (→ a discovery on the household's case) or decline it with a reason.
R = ReferralStatus
referral = transition_maker(allowed=community_or_township, service=SVC + "referral_{name}")

REFERRAL_WORKFLOW = Workflow(
    "care.Referral",
    object_arg="referral",
    transitions=[
        referral("accept", "接收并转入案件", R.PENDING, R.ACCEPTED,
                 success="已接收转介，发现报告已转入住户的关爱帮扶案件"),
        referral("decline", "不予接收", R.PENDING, R.DECLINED, form=forms.DeclineForm,
                 danger=True, success="已不予接收，转介已退回"),
    ],
)  # fmt: skip


def check_referral(actor: Any, referral: Referral, name: str) -> Transition:
    try:
        return REFERRAL_WORKFLOW.check(actor, referral, name)
    except InvalidTransition as exc:
        status = ReferralStatus(referral.status).label
        raise InvalidTransition(
            f"该转介已处理（{status}），不能再{REFERRAL_WORKFLOW.transition(name).label}"
        ) from exc
    except AccessDenied as exc:
        raise AccessDenied("只有住户所在社区或乡镇(街道)工作人员可以处理该转介") from exc


# What the user is told when a transition is not theirs (``{unit}``: the measure's unit).
DENIED: dict[str, str] = {
    "investigate": "您不负责该住户，不能填写或提交入户调查",
    "review": "只有本社区或乡镇(街道)工作人员可以记录社区评议",
    "recognise": "该住户不在您所在乡镇(街道)的辖区内，不能认定",
    "reject": "该住户不在您所在乡镇(街道)的辖区内，不能作出认定结论",
    "plan": "只有本社区或乡镇(街道)工作人员可以制定方案",
    "measure": "只有本社区或乡镇(街道)工作人员可以添加措施",
    "approve": "该住户不在您所在乡镇(街道)的辖区内，不能审定方案",
    "followup": "您不负责该住户，不能记录回访",
    "evaluate": "该住户不在您所在乡镇(街道)的辖区内，不能评估",
    "accept": "只有乡镇(街道)或县(区)工作人员可以验收",
    "grade": "只有社区或乡镇(街道)工作人员可以调整分级",
    "start": "该措施的责任单位是{unit}，您不能开始实施",
    "implement": "该措施的责任单位是{unit}，您不能确认落实",
    "escalate": "该措施的责任单位是{unit}，您不能提请会商或提级",
    "cancel": "该措施的责任单位是{unit}，您不能取消",
    "link": "您不能修改该措施的承接关联",
}
# What the user is told when the stage does not allow it (no target to name).
NOT_NOW: dict[str, str] = {
    "plan": "认定之后才能制定和调整方案",
    "measure": "认定之后才能制定和调整方案",
    "followup": "方案审定后才能跟踪回访",
    "accept": "评估之后才能验收",
    "grade": "该阶段不能调整分级",
    "escalate": "已落实或已取消的措施不能提请会商或提级",
    "link": "已取消的措施不能修改承接关联",
}


def _makers(case: CareCase, name: str) -> tuple[list[Any], str]:
    """Who prepared what transition ``name`` checks (maker-checker, SECURITY.md MC-01)."""
    from .models import CommunityReview, Plan

    if name == "recognise":
        reviewers = CommunityReview.objects.filter(case_id=case.pk)
        return list(reviewers.values_list("reviewer_id", flat=True)), "社区评议和乡镇认定"
    if name == "approve":
        plan = Plan.objects.filter(case_id=case.pk).values_list("created_by_id", "updated_by_id")
        return [i for row in plan for i in row], "制定方案和审定方案"
    if name == "accept":
        pending = case.evaluations.filter(accepted_at__isnull=True).order_by("-pk")
        return list(pending.values_list("evaluator_id", flat=True)[:1]), "评估和验收"
    return [], ""


def check_case(actor: Any, case: CareCase, name: str) -> Transition:
    """The services' and the pages' check: the declaration's answer, in the words of the
    region's guide (a maker-checker refusal says so)."""
    makers, what = _makers(case, name)
    if makers and case.stage in CASE_WORKFLOW.transition(name).sources:
        maker_checker.require_other_user(checker=actor, makers=makers, what=what)
    try:
        return CASE_WORKFLOW.check(actor, case, name)
    except InvalidTransition as exc:
        t = CASE_WORKFLOW.transition(name)
        stage = Stage(case.stage).label
        if t.target is not None:
            message = f"案件当前处于「{stage}」阶段，不能进入「{Stage(t.target).label}」"
        else:
            message = f"案件当前处于「{stage}」阶段，{NOT_NOW.get(name, '不能' + t.label)}"
        raise InvalidTransition(message, extra={"stage": case.stage, "action": name}) from exc
    except AccessDenied as exc:
        raise AccessDenied(DENIED.get(name, str(exc.message))) from exc


def check_measure(actor: Any, measure: Measure, name: str) -> Transition:
    try:
        t = MEASURE_WORKFLOW.check(actor, measure, name)
    except InvalidTransition as exc:
        t = MEASURE_WORKFLOW.transition(name)
        status = MeasureStatus(measure.status).label
        if name in NOT_NOW:
            message = NOT_NOW[name]
        elif t.target is not None:
            message = f"措施当前状态为「{status}」，不能改为「{MeasureStatus(t.target).label}」"
        else:
            message = f"措施当前状态为「{status}」，不能{t.label}"
        raise InvalidTransition(message) from exc
    except AccessDenied as exc:
        if name in ("start", "implement") and responsible_unit(actor, measure):
            raise InvalidTransition("方案审定之后才能实施措施") from exc
        if name == "escalate" and unit_or_township(actor, measure):
            raise Conflict("该措施已有未决定的会商提级事项") from exc
        unit = measure.responsible_unit.name
        raise AccessDenied(DENIED.get(name, str(exc.message)).format(unit=unit)) from exc
    return t


# What the user is told after each transition.
DONE: dict[str, str] = {
    "investigate": "入户调查已提交",
    "review": "社区评议已记录",
    "recognise": "已认定为关爱对象",
    "reject": "已作出不予认定结论",
    "plan": "方案已保存",
    "measure": "措施已添加",
    "approve": "方案已审定",
    "followup": "回访已记录",
    "evaluate": "评估已记录",
    "accept": "已验收",
    "grade": "分级已调整",
    "start": "措施已开始实施",
    "implement": "措施已确认落实",
    "escalate": "已提请会商/提级",
    "cancel": "措施已取消",
    "link": "承接关联已保存",
}
