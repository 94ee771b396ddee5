"""Staff pages of the care workflow (thin: forms parse, services decide, selectors read)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from lianxin.core import audit
from lianxin.core.errors import ApplicationError
from lianxin.core.pagination import paginate
from lianxin.core.roles import Role
from lianxin.core.scoping import ancestors_of, scope_of
from lianxin.directory.selectors import organisation_list
from lianxin.registry.models import Household
from lianxin.registry.selectors import household_members, masked_id_number

from . import forms, pdf, selectors, services
from .models import (
    RECOGNITION_CRITERIA,
    Batch,
    CareAction,
    Escalation,
    Grade,
    JointMeeting,
    MeasureStatus,
    Stage,
)

SENSITIVE_CASE_FIELDS = ["investigation", "members.id_number"]


def _post_error(request: HttpRequest, exc: ApplicationError) -> None:
    messages.error(request, exc.message)


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


def _units(user: Any) -> list[tuple[int, str]]:
    return list(organisation_list(user=user).values_list("pk", "name")[:500])


def _leaders_for(area_code: str) -> list[tuple[int, str]]:
    """Users holding the leader role over the household's area (its own code or an ancestor)."""
    codes = [*ancestors_of(area_code), area_code]
    users = (
        get_user_model()
        .objects.filter(
            assignments__role=Role.LEADER,
            assignments__is_active=True,
            assignments__area_id__in=codes,
            is_active=True,
        )
        .distinct()
        .order_by("pk")[:200]
    )
    return [(u.pk, str(u)) for u in users]


# --- lists ------------------------------------------------------------------------------------


@login_required
def case_index(request: HttpRequest) -> HttpResponse:
    filters = {k: request.GET.get(k, "").strip() for k in ("stage", "grade", "q", "batch")}
    qs = selectors.case_list(
        user=request.user,
        stage=filters["stage"],
        grade=filters["grade"],
        search=filters["q"],
        batch_id=int(filters["batch"]) if filters["batch"].isdigit() else None,
    )
    context: dict[str, Any] = {
        "filters": filters,
        "stages": Stage.choices,
        "grades": Grade.choices,
    }
    context.update(paginate(request, qs))
    return render(request, "care/case_index.html", context)


@login_required
def todos(request: HttpRequest) -> HttpResponse:
    lists = selectors.grid_worker_todos(user=request.user)
    return render(
        request,
        "care/todos.html",
        {
            "to_investigate": lists["to_investigate"][:100],
            "to_visit": lists["to_visit"][:100],
        },
    )


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    queues = selectors.review_queue(user=request.user)
    return render(request, "care/review_queue.html", {k: v[:100] for k, v in queues.items()})


@login_required
def measure_queue(request: HttpRequest) -> HttpResponse:
    overdue = request.GET.get("overdue") == "1"
    status = request.GET.get("status", "")
    if status not in MeasureStatus.values:
        status = ""
    action = request.GET.get("action", "")
    if action not in CareAction.values:
        action = ""
    qs = selectors.measure_queue(
        user=request.user, overdue_only=overdue, status=status, action=action
    )
    context: dict[str, Any] = {
        "overdue": overdue,
        "status": status,
        "action": action,
        "statuses": MeasureStatus.choices,
        "actions": CareAction.choices,
        "today": timezone.localdate(),
    }
    context.update(paginate(request, qs))
    return render(request, "care/measure_queue.html", context)


@login_required
def leader_households(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"aggregates": selectors.area_aggregates(user=request.user)}
    context.update(paginate(request, selectors.leader_cases(user=request.user)))
    context["grade_labels"] = dict(Grade.choices)
    context["stage_labels"] = dict(Stage.choices)
    return render(request, "care/leader_households.html", context)


# --- discovery and investigation --------------------------------------------------------------


@login_required
def discover(request: HttpRequest) -> HttpResponse:
    households = Household.objects.for_user(request.user).order_by("number")
    form = forms.DiscoveryForm(
        request.POST or None, initial={"household_number": request.GET.get("household", "")}
    )
    if request.method == "POST" and form.is_valid():
        household = households.filter(number=form.cleaned_data["household_number"].strip()).first()
        if household is None:
            form.add_error("household_number", "未找到该户编号，或不在您负责的范围内")
        else:
            try:
                case = services.case_discover(
                    actor=request.user,
                    household=household,
                    source=form.cleaned_data["source"],
                    description=form.cleaned_data["description"],
                    applicant_name=form.cleaned_data["applicant_name"],
                )
            except ApplicationError as exc:
                _post_error(request, exc)
            else:
                messages.success(request, f"已登记发现，案件编号 {case.number}，请继续入户调查")
                return redirect("care:investigate", pk=case.pk)
    return render(
        request,
        "care/discover.html",
        {"form": form, "household_numbers": households.values_list("number", flat=True)[:200]},
    )


@login_required
def investigate(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    inv = getattr(case, "investigation", None)
    if request.method == "POST":
        form = forms.InvestigationForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                submit = request.POST.get("submit") == "1"
                if submit:
                    photo = form.cleaned_data.get("photo")
                    if photo:
                        services.investigation_add_photo(
                            actor=request.user,
                            case=case,
                            upload=photo,
                            caption=form.cleaned_data["photo_caption"],
                        )
                    services.case_investigate(
                        actor=request.user, case=case, data=form.service_data()
                    )
                    messages.success(request, "入户调查已提交")
                    return redirect("care:case_detail", pk=case.pk)
                services.investigation_save(actor=request.user, case=case, data=form.service_data())
                photo = form.cleaned_data.get("photo")
                if photo:
                    services.investigation_add_photo(
                        actor=request.user,
                        case=case,
                        upload=photo,
                        caption=form.cleaned_data["photo_caption"],
                    )
                messages.success(request, "草稿已保存")
                return redirect("care:investigate", pk=case.pk)
            except ApplicationError as exc:
                _post_error(request, exc)
    else:
        form = forms.InvestigationForm(initial=forms.InvestigationForm.initial_from(inv))
        if inv is not None:  # a saved investigation: health, disability and care notes
            audit.record_view(actor=request.user, target=case, fields=["investigation"])
    photos = list(inv.photos.all()) if inv is not None else []
    return render(
        request,
        "care/investigate.html",
        {"case": case, "form": form, "photos": photos, "editable": case.stage == Stage.DISCOVERED},
    )


@login_required
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.photo_get_for_user(user=request.user, pk=pk)
    audit.record_view(actor=request.user, target=item.investigation.case, fields=["photo"])
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


# --- the case ---------------------------------------------------------------------------------


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    audit.record_view(actor=request.user, target=case, fields=SENSITIVE_CASE_FIELDS)
    members = [
        {
            "name": m.person.name,
            "relationship": m.relationship,
            "id_number": masked_id_number(user=request.user, person=m.person),
            "birth_date": m.person.birth_date,
        }
        for m in household_members(case.household)
    ]
    units = (
        _units(request.user)
        if case.stage in (Stage.RECOGNISED, Stage.PLANNED, Stage.TRACKING, Stage.CONTINUED)
        else []
    )
    batches = [
        (b.pk, b.name) for b in Batch.objects.for_user(request.user).filter(is_open=True)[:50]
    ]
    plan = getattr(case, "plan", None)
    context = {
        "case": case,
        "members": members,
        "investigation": getattr(case, "investigation", None),
        "review": getattr(case, "community_review", None),
        "recognition": getattr(case, "recognition", None),
        "plan": plan,
        "measures": selectors.case_measures(case),
        "followups": case.followups.select_related("visitor")[:50],
        "evaluations": case.evaluations.all()[:10],
        "timeline": selectors.case_timeline(case),
        "today": timezone.localdate(),
        "review_form": forms.ReviewForm(),
        "recognise_form": forms.RecogniseForm(criteria=RECOGNITION_CRITERIA, batches=batches),
        "reject_form": forms.RejectForm(),
        "plan_form": forms.PlanForm(
            initial={
                "goal": plan.goal if plan else "",
                "leader": case.leader_id,
                "paired_unit": case.paired_unit_id,
            },
            leaders=_leaders_for(case.area_code) if units else [],
            units=units,
        ),
        "measure_form": forms.MeasureForm(units=units),
        "followup_form": forms.FollowUpForm(initial={"visited_on": timezone.localdate()}),
        "evaluation_form": forms.EvaluationForm(),
        "grade_form": forms.GradeForm(),
        "escalation_form": forms.EscalationForm(),
        "Stage": {s.name: s.value for s in Stage},
        "can": _abilities(request.user),
    }
    return render(request, "care/case_detail.html", context)


def _abilities(user: Any) -> dict[str, bool]:
    """Which forms the page offers (the services decide; this only spares useless forms)."""
    roles = scope_of(user).roles
    frontline = bool(roles & {Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.TOWNSHIP_STAFF})
    area = bool(roles & {Role.COMMUNITY_STAFF, Role.TOWNSHIP_STAFF})
    township = Role.TOWNSHIP_STAFF in roles
    return {
        "review": area,
        "recognise": township,
        "plan": area,
        "approve": township,
        "followup": frontline
        or bool(roles & {Role.LEADER, Role.COUNTY_STAFF, Role.CITY_STAFF, Role.UNIT_STAFF}),
        "evaluate": township,
        "accept": township or Role.COUNTY_STAFF in roles,
        "grade": area,
    }


def _measure_progress(request: HttpRequest) -> dict[int, str]:
    progress = {}
    for key, value in request.POST.items():
        if key.startswith("progress_") and key[9:].isdigit() and value.strip():
            progress[int(key[9:])] = value
    return progress


def _case_action(request: HttpRequest, case: Any, action: str) -> str:
    """Runs one case action; returns the success message. Raises ApplicationError."""
    user = request.user
    post = request.POST
    if action == "review":
        form = forms.ReviewForm(post)
        form.is_valid()
        d = form.cleaned_data
        services.case_review_by_community(
            actor=user,
            case=case,
            held_on=d.get("held_on"),
            participants=d.get("participants", ""),
            opinion=d.get("opinion", ""),
            recommends=d.get("recommends", True),
        )
        return "社区评议已记录"
    if action == "recognise":
        form = forms.RecogniseForm(
            post,
            criteria=RECOGNITION_CRITERIA,
            batches=list(Batch.objects.for_user(user).values_list("pk", "name")),
        )
        form.is_valid()
        batch_id = form.cleaned_data.get("batch")
        batch = Batch.objects.for_user(user).filter(pk=batch_id).first() if batch_id else None
        services.case_recognise(
            actor=user,
            case=case,
            batch=batch,
            checklist=form.checklist(),
            note=form.cleaned_data.get("note", ""),
        )
        return "已认定为关爱对象"
    if action == "reject":
        services.case_reject(actor=user, case=case, reason=post.get("reason", ""))
        return "已作出不予认定结论"
    if action == "plan":
        units = _units(user)
        form = forms.PlanForm(post, leaders=_leaders_for(case.area_code), units=units)
        form.is_valid()
        leader_id = form.cleaned_data.get("leader")
        unit_id = form.cleaned_data.get("paired_unit")
        services.plan_save(
            actor=user,
            case=case,
            goal=form.cleaned_data.get("goal", ""),
            leader=get_user_model().objects.filter(pk=leader_id).first() if leader_id else None,
            paired_unit=organisation_list(user=user).filter(pk=unit_id).first()
            if unit_id
            else None,
        )
        return "方案已保存"
    if action == "measure":
        form = forms.MeasureForm(post, units=_units(user))
        form.is_valid()
        d = form.cleaned_data
        orgs = organisation_list(user=user)
        services.measure_add(
            actor=user,
            case=case,
            action=d.get("action", ""),
            title=d.get("title", ""),
            responsible_unit=orgs.filter(pk=d["responsible_unit"]).first()
            if d.get("responsible_unit")
            else None,
            paired_unit=orgs.filter(pk=d["paired_unit"]).first() if d.get("paired_unit") else None,
            deadline=d.get("deadline"),
            budget_fen=forms.yuan_to_fen(d.get("budget_yuan")),
        )
        return "措施已添加"
    if action == "approve":
        services.plan_approve(actor=user, case=case)
        return "方案已审定"
    if action == "followup":
        form = forms.FollowUpForm(post)
        form.is_valid()
        services.followup_record(
            actor=user,
            case=case,
            visited_on=form.cleaned_data.get("visited_on"),
            notes=form.cleaned_data.get("notes", ""),
            measure_progress=_measure_progress(request),
        )
        return "回访已记录"
    if action == "evaluate":
        form = forms.EvaluationForm(post)
        form.is_valid()
        d = form.cleaned_data
        services.case_evaluate(
            actor=user,
            case=case,
            evaluated_on=d.get("evaluated_on"),
            outcome=d.get("outcome", ""),
            decision=d.get("decision", ""),
        )
        return "评估已记录"
    if action == "accept":
        services.case_accept(actor=user, case=case)
        return "已验收"
    if action == "grade":
        form = forms.GradeForm(post)
        form.is_valid()
        services.case_set_grade(
            actor=user,
            case=case,
            grade=form.cleaned_data.get("grade", ""),
            reason=form.cleaned_data.get("reason", ""),
        )
        return "分级已调整"
    raise Http404("未知操作")


@login_required
@require_POST
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    try:
        messages.success(request, _case_action(request, case, action))
    except ApplicationError as exc:
        _post_error(request, exc)
    return redirect("care:case_detail", pk=case.pk)


@login_required
@require_POST
def measure_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    measure = selectors.measure_get_for_user(user=request.user, pk=pk)
    post = request.POST
    try:
        if action == "start":
            services.measure_start(actor=request.user, measure=measure)
            messages.success(request, "措施已开始实施")
        elif action == "implement":
            services.measure_implement(
                actor=request.user, measure=measure, evidence=post.get("evidence", "")
            )
            messages.success(request, "措施已确认落实")
        elif action == "cancel":
            services.measure_cancel(
                actor=request.user, measure=measure, reason=post.get("reason", "")
            )
            messages.success(request, "措施已取消")
        elif action == "escalate":
            services.escalation_raise(
                actor=request.user,
                measure=measure,
                kind=post.get("kind", ""),
                reason=post.get("reason", ""),
            )
            messages.success(request, "已提请会商/提级")
        elif action == "link":
            services.measure_link_delivery(
                actor=request.user,
                measure=measure,
                delivery_type=post.get("delivery_type", "").strip(),
                delivery_id=post.get("delivery_id", "").strip(),
                label=post.get("label", ""),
            )
            messages.success(request, "承接关联已保存")
        else:
            raise Http404("未知操作")
    except ApplicationError as exc:
        _post_error(request, exc)
    return _back(request, reverse("care:case_detail", args=[measure.case_id]))


# --- the printable plan -----------------------------------------------------------------------


def _plan_context(request: HttpRequest, pk: int) -> dict[str, Any]:
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    audit.record_view(actor=request.user, target=case, fields=["plan"])
    return {
        "case": case,
        "plan": getattr(case, "plan", None),
        "members": [
            {"name": m.person.name, "relationship": m.relationship}
            for m in household_members(case.household)
        ],
        "investigation": getattr(case, "investigation", None),
        "measures": [
            m for m in selectors.case_measures(case) if m.status != MeasureStatus.CANCELLED
        ],
        "printed_at": timezone.localtime(),
    }


@login_required
def plan_print(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "care/plan_print.html", _plan_context(request, pk))


@login_required
def plan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    context = _plan_context(request, pk)
    if not pdf.available():
        messages.warning(request, "本机未安装 PDF 组件（fpdf2）或中文字体，请使用“打印”另存为 PDF")
        return render(request, "care/plan_print.html", context)
    content = pdf.plan_pdf(context)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="plan-{context["case"].number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- batches ----------------------------------------------------------------------------------


@login_required
def batch_index(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {}
    context.update(paginate(request, selectors.batch_list(user=request.user)))
    return render(request, "care/batch_index.html", context)


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_get_for_user(user=request.user, pk=pk)
    progress = selectors.batch_progress(user=request.user, batch=batch)
    chart = {
        "labels": [r["label"] for r in progress["by_action"]],
        "planned": [r["planned"] for r in progress["by_action"]],
        "implemented": [r["implemented"] for r in progress["by_action"]],
    }
    return render(
        request, "care/batch_detail.html", {"batch": batch, "progress": progress, "chart": chart}
    )


# --- joint meetings ---------------------------------------------------------------------------


def _meeting_areas(user: Any) -> list[tuple[str, str]]:
    from lianxin.areas.models import Division

    codes = scope_of(user).area_prefixes(list(services.MEETING_ROLES))
    return [
        (d.code, d.short_name) for d in Division.objects.filter(code__in=codes).order_by("code")
    ]


@login_required
def meeting_index(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {
        "open_escalations": selectors.open_escalations(user=request.user)[:100]
    }
    context.update(paginate(request, selectors.meeting_list(user=request.user)))
    return render(request, "care/meeting_index.html", context)


@login_required
def meeting_create(request: HttpRequest) -> HttpResponse:
    areas = _meeting_areas(request.user)
    form = forms.MeetingForm(request.POST or None, areas=areas)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.joint_meeting_schedule(
                actor=request.user,
                area_code=form.cleaned_data.get("area_code", ""),
                title=form.cleaned_data.get("title", ""),
                scheduled_on=form.cleaned_data.get("scheduled_on"),
            )
        except ApplicationError as exc:
            _post_error(request, exc)
        else:
            messages.success(request, "联席会议已排期，议程已生成")
            return redirect("care:meeting_detail", pk=meeting.pk)
    return render(request, "care/meeting_form.html", {"form": form, "areas": areas})


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(user=request.user, pk=pk)
    units = _units(request.user) if meeting.status == JointMeeting.Status.HELD else []
    return render(
        request,
        "care/meeting_detail.html",
        {
            "meeting": meeting,
            "agenda": selectors.meeting_agenda(user=request.user, meeting=meeting),
            "decided": meeting.decided_measures.select_related("responsible_unit", "case")[:200],
            "minutes_form": forms.MinutesForm(
                initial={"held_on": meeting.held_on, "minutes": meeting.minutes}
            ),
            "decision_form": forms.DecisionForm(units=units),
            "units": units,
            "actions": CareAction.choices,
            "Status": JointMeeting.Status,
            "resolved": Escalation.Status.RESOLVED,
        },
    )


@login_required
@require_POST
def meeting_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(user=request.user, pk=pk)
    try:
        if action == "minutes":
            form = forms.MinutesForm(request.POST)
            form.is_valid()
            services.joint_meeting_record_minutes(
                actor=request.user,
                meeting=meeting,
                held_on=form.cleaned_data.get("held_on"),
                minutes=form.cleaned_data.get("minutes", ""),
            )
            messages.success(request, "会议纪要已记录")
        elif action == "decide":
            form = forms.DecisionForm(request.POST, units=_units(request.user))
            form.is_valid()
            d = form.cleaned_data
            escalation = (
                selectors.meeting_agenda(user=request.user, meeting=meeting)
                .filter(pk=d.get("escalation") or 0)
                .first()
            )
            if escalation is None:
                raise ApplicationError("请选择本次会议议程中的事项")
            unit_id = d.get("responsible_unit")
            services.joint_meeting_decide(
                actor=request.user,
                meeting=meeting,
                escalation=escalation,
                decision=d.get("decision", ""),
                action=d.get("action", ""),
                title=d.get("title", ""),
                responsible_unit=organisation_list(user=request.user).filter(pk=unit_id).first()
                if unit_id
                else None,
                deadline=d.get("deadline"),
                budget_fen=forms.yuan_to_fen(d.get("budget_yuan")),
            )
            messages.success(request, "会议决定已形成措施")
        elif action == "close":
            services.joint_meeting_close(actor=request.user, meeting=meeting)
            messages.success(request, "联席会议已闭环")
        else:
            raise Http404("未知操作")
    except ApplicationError as exc:
        _post_error(request, exc)
    return redirect("care:meeting_detail", pk=meeting.pk)
