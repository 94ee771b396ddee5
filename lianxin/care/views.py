"""Staff pages of the care workflow (thin: forms parse, services decide, selectors read)."""

from __future__ import annotations

from typing import Any, cast

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from lianxin.core import audit
from lianxin.core.errors import AccessDenied, ApplicationError, Conflict, InvalidTransition
from lianxin.core.pagination import list_filters, list_page
from lianxin.core.scoping import scope_of
from lianxin.core.workflow import FormInvalid, Outcome, Workflow
from lianxin.registry.models import Household
from lianxin.registry.selectors import (
    household_label,
    household_list,
    household_members,
    masked_id_number,
)

from . import exports, forms, pdf, selectors, services
from .models import (
    CareAction,
    DiscoverySource,
    Escalation,
    Grade,
    JointMeeting,
    MeasureStatus,
    ReferralStatus,
    Stage,
)
from .templatetags.care_tags import form_kwargs
from .workflows import (
    CASE_WORKFLOW,
    DONE,
    MEASURE_WORKFLOW,
    REFERRAL_WORKFLOW,
    check_case,
    check_measure,
    check_referral,
)

SENSITIVE_CASE_FIELDS = ["investigation", "members.id_number"]


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


# --- lists ------------------------------------------------------------------------------------


def _case_list(request: HttpRequest) -> tuple[dict[str, str], Any]:
    filters = list_filters(request, "stage", "grade", "q", "batch")
    return filters, selectors.case_list(
        user=request.user,
        stage=filters["stage"],
        grade=filters["grade"],
        search=filters["q"],
        batch_id=int(filters["batch"]) if filters["batch"].isdigit() else None,
    )


@login_required
def case_export(request: HttpRequest) -> HttpResponseBase:
    _filters, qs = _case_list(request)
    return exports.xlsx_response(
        request,
        title="关爱帮扶案件",
        headers=exports.CASE_HEADERS,
        rows=exports.case_rows(qs),
        name="care-cases",
        action="care.case.export",
    )


@login_required
def measure_export(request: HttpRequest) -> HttpResponseBase:
    _context, qs = _measure_list(request)
    overdue = request.GET.get("overdue") == "1"
    return exports.xlsx_response(
        request,
        title="超期措施" if overdue else "帮扶措施",
        headers=exports.MEASURE_HEADERS,
        rows=exports.measure_rows(qs),
        name="care-overdue-measures" if overdue else "care-measures",
        action="care.measure.export",
    )


@login_required
def batch_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    batch = selectors.batch_get_for_user(user=request.user, pk=pk)
    level = "community" if request.GET.get("level") == "community" else "township"
    breakdown = selectors.batch_breakdown(user=request.user, batch=batch, level=level)

    def rows() -> Any:
        for a in breakdown["areas"]:
            yield [
                a["area"], a["households"], a["persons"], a["planned"], a["implemented"],
                f"{a['rate']}%" if a["rate"] is not None else "—", a["overdue"],
            ]  # fmt: skip
        yield []
        yield ["按阶段", "户数"]
        for st in breakdown["stages"]:
            yield [st["stage"], st["households"]]

    return exports.xlsx_response(
        request,
        title=f"{batch.name}进度"[:31],
        headers=exports.BREAKDOWN_HEADERS,
        rows=rows(),
        name="care-batch-progress",
        action="view.care.batch.export",
    )


@login_required
def case_index(request: HttpRequest) -> HttpResponse:
    filters, qs = _case_list(request)
    return list_page(
        request,
        "care/case_index.html",
        qs,
        filters=filters,
        stages=Stage.choices,
        grades=Grade.choices,
    )


@login_required
def todos(request: HttpRequest) -> HttpResponse:
    lists = selectors.grid_worker_todos(user=request.user)
    context = {}
    for key in ("to_investigate", "to_visit"):
        cases = list(lists[key].select_related("household__head")[:100])
        for c in cases:  # the template reads the label beside each case
            cast(Any, c).household_label = household_label(c.household)
        context[key] = cases
    return render(request, "care/todos.html", context)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    queues = selectors.review_queue(user=request.user)
    return render(request, "care/review_queue.html", {k: v[:100] for k, v in queues.items()})


def _measure_list(request: HttpRequest) -> tuple[dict[str, Any], Any]:
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
    return {"overdue": overdue, "status": status, "action": action}, qs


@login_required
def measure_queue(request: HttpRequest) -> HttpResponse:
    filters, qs = _measure_list(request)
    return list_page(
        request,
        "care/measure_queue.html",
        qs,
        **filters,
        statuses=MeasureStatus.choices,
        actions=CareAction.choices,
        today=timezone.localdate(),
        measure_workflow=MEASURE_WORKFLOW,
    )


@login_required
def leader_households(request: HttpRequest) -> HttpResponse:
    return list_page(
        request,
        "care/leader_households.html",
        selectors.leader_cases(user=request.user),
        aggregates=selectors.area_aggregates(user=request.user),
        grade_labels=dict(Grade.choices),
        stage_labels=dict(Stage.choices),
    )


# --- discovery and investigation --------------------------------------------------------------


@login_required
def discover(request: HttpRequest) -> HttpResponse:
    households = Household.objects.for_user(request.user).filter(is_active=True)
    number = request.POST.get("household_number") or request.GET.get("household", "")
    chosen = households.select_related("head").filter(number=number.strip()).first()
    source = request.GET.get("source", "")
    form = forms.DiscoveryForm(
        request.POST or None,
        initial={
            "household_number": chosen.number if chosen else "",
            "source": source if source in DiscoverySource.values else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        if chosen is None:
            form.add_error("household_number", "未找到该户，或不在您负责的范围内；请先查找住户")
        else:
            try:
                case = services.case_discover(
                    actor=request.user,
                    household=chosen,
                    source=form.cleaned_data["source"],
                    description=form.cleaned_data["description"],
                    applicant_name=form.cleaned_data["applicant_name"],
                )
            except ApplicationError as exc:
                _explain(form, exc)
            else:
                messages.success(request, f"已登记发现，案件编号 {case.number}，请继续入户调查")
                return redirect("care:investigate", pk=case.pk)
    search = request.GET.get("q", "").strip()[:40]
    found = (
        [
            {"household": h, "label": household_label(h)}
            for h in household_list(user=request.user, search=search)[:20]
        ]
        if search
        else []
    )
    return render(
        request,
        "care/discover.html",
        {
            "form": form,
            "chosen": chosen,
            "chosen_label": household_label(chosen) if chosen else "",
            "search": search,
            "found": found,
            "source": source,
        },
    )


def _add_photo(request: HttpRequest, case: Any, form: forms.InvestigationForm) -> None:
    """The photo the investigation form carries, if any."""
    photo = form.cleaned_data.get("photo")
    if photo:
        services.investigation_add_photo(
            actor=request.user, case=case, upload=photo, caption=form.cleaned_data["photo_caption"]
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
                    _add_photo(request, case, form)
                    services.case_investigate(
                        actor=request.user, case=case, data=form.service_data()
                    )
                    messages.success(request, "入户调查已提交")
                    return redirect("care:case_detail", pk=case.pk)
                services.investigation_save(actor=request.user, case=case, data=form.service_data())
                _add_photo(request, case, form)
                messages.success(request, "草稿已保存")
                return redirect("care:investigate", pk=case.pk)
            except ApplicationError as exc:
                _explain(form, exc)
    else:
        form = forms.InvestigationForm(initial=forms.InvestigationForm.initial_from(inv))
        if inv is not None:  # a saved investigation: health, disability and care notes
            audit.record_view(actor=request.user, target=case, fields=["investigation"])
    photos = list(inv.photos.all()) if inv is not None else []
    return render(
        request,
        "care/investigate.html",
        {
            "case": case,
            "form": form,
            "photos": photos,
            "editable": case.stage == Stage.DISCOVERED,
            "household_label": household_label(case.household),
        },
        status=400 if form.errors else 200,
    )


@login_required
def photo(request: HttpRequest, pk: int) -> HttpResponseBase:
    item = selectors.photo_get_for_user(user=request.user, pk=pk)
    audit.record_view(actor=request.user, target=item.investigation.case, fields=["photo"])
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def measure_proof(request: HttpRequest, pk: int) -> FileResponse:
    """A measure's proof (photo or PDF), for those who can see the case; audited as a view."""
    item = selectors.proof_get_for_user(user=request.user, pk=pk)
    audit.record_view(
        actor=request.user, target=item.measure.case, fields=[f"measure.{item.measure_id}.proof"]
    )
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    suffix = (item.file.name or "").rsplit(".", 1)[-1]
    response["Content-Disposition"] = f'inline; filename="proof-{item.pk}.{suffix}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- the case ---------------------------------------------------------------------------------


def _case_context(request: HttpRequest, case: Any) -> dict[str, Any]:
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
    measures = list(selectors.case_measures(case))
    titles = {m.pk: m.title for m in measures}
    for m in measures:
        m.case = case
    followups = list(case.followups.select_related("visitor")[:50])
    for fu in followups:  # the progress of each measure noted on the visit
        fu.progress = [
            (titles.get(int(k), "措施"), note)
            for k, note in (fu.measure_progress or {}).items()
            if str(k).isdigit()
        ]
    investigation = getattr(case, "investigation", None)
    return {
        "case": case,
        "household_label": household_label(case.household),
        "members": members,
        "investigation": investigation,
        "photos": list(investigation.photos.order_by("pk")) if investigation is not None else [],
        "review": getattr(case, "community_review", None),
        "recognition": getattr(case, "recognition", None),
        "plan": getattr(case, "plan", None),
        "measures": measures,
        "followups": followups,
        "evaluations": case.evaluations.all()[:10],
        "timeline": selectors.case_timeline(case),
        "today": timezone.localdate(),
        "workflow": CASE_WORKFLOW,
        "measure_workflow": MEASURE_WORKFLOW,
        "open_actions": (),
        "bound_forms": {},
    }


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    return render(request, "care/case_detail.html", _case_context(request, case))


def _explain(form: Any, exc: ApplicationError) -> None:
    """A refusal on the form, once: each missing item next to its field (``IncompleteRecord``
    names fields by their labels), whatever has no field above the form."""
    by_label = {}
    for name, field in form.fields.items():  # "家庭月收入（元）" answers "家庭月收入（分）"
        by_label[str(field.label)] = name
        by_label.setdefault(str(field.label).split("（")[0], name)
    missing = exc.extra.get("missing") if isinstance(exc.extra, dict) else None
    unplaced = []
    for label in missing if isinstance(missing, list) else []:
        name = by_label.get(label) or by_label.get(label.split("（")[0])
        if name is None:
            unplaced.append(label)
        elif isinstance(form.fields[name], django_forms.BooleanField):
            form.add_error(name, "须核对确认此项")
        else:
            form.add_error(name, f"请填写{label}")
    if missing is None:
        form.add_error(None, exc.message)
    elif unplaced:
        form.add_error(None, exc.message.split("：", 1)[0] + "：" + "、".join(unplaced))


def _perform(request: HttpRequest, workflow: Workflow, obj: Any, name: str) -> Outcome:
    """Runs transition ``name`` with the POSTed input. On a refusal the bound form comes back
    with the errors next to the fields; a refusal without a form comes back as ``error``."""
    if name not in {t.name for t in workflow.transitions}:
        raise Http404("没有这个操作")
    kwargs = form_kwargs(obj, workflow.transition(name))
    check = (
        check_case
        if workflow is CASE_WORKFLOW
        else check_referral
        if workflow is REFERRAL_WORKFLOW
        else check_measure
    )
    try:
        check(request.user, obj, name)  # the refusal in the services' words
        result = workflow.run_posted(request, obj, name, form_kwargs=kwargs)
    except FormInvalid as exc:
        return Outcome(ok=False, form=exc.form, error=exc.message)
    except (AccessDenied, InvalidTransition, Conflict) as exc:  # not about the input
        return Outcome(ok=False, error=exc.message)
    except ApplicationError as exc:
        form = workflow.bind_form(
            name, request.POST, request.FILES, user=request.user, obj=obj, **kwargs
        )
        if form is None:
            return Outcome(ok=False, error=exc.message)
        form.is_valid()
        _explain(form, exc)
        return Outcome(ok=False, form=form, error=exc.message)
    return Outcome(ok=True, result=result)


def _summary(outcome: Outcome) -> str:
    """A refusal as one message (for a page that cannot show the form again)."""
    if outcome.form is None:
        return outcome.error
    errors = [str(e) for e in outcome.form.non_field_errors()]
    errors += [
        f"{outcome.form.fields[n].label}：{e[0]}"
        for n, e in outcome.form.errors.items()
        if n != "__all__"
    ]
    return "；".join(errors) or outcome.error


def _show_again(request: HttpRequest, case: Any, obj: Any, name: str, form: Any) -> HttpResponse:
    """The case page again with the refused form open and its errors (HTTP 400)."""
    context = _case_context(request, case)
    context["bound_forms"] = {f"{obj._meta.model_name}-{obj.pk}-{name}": form}
    context["open_actions"] = (name,)
    for m in context["measures"]:
        m.has_errors = m.pk == obj.pk and obj._meta.model_name == "measure"
    return render(request, "care/case_detail.html", context, status=400)


@login_required
@require_POST
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    outcome = _perform(request, CASE_WORKFLOW, case, action)
    if outcome.ok:
        messages.success(request, DONE.get(action, "已办理"))
        return redirect("care:case_detail", pk=case.pk)
    if outcome.form is not None:
        case = selectors.case_get_for_user(user=request.user, pk=pk)
        return _show_again(request, case, case, action, outcome.form)
    messages.error(request, outcome.error)
    return redirect("care:case_detail", pk=case.pk)


@login_required
@require_POST
def measure_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    measure = selectors.measure_get_for_user(user=request.user, pk=pk)
    outcome = _perform(request, MEASURE_WORKFLOW, measure, action)
    if outcome.ok:
        messages.success(request, DONE.get(action, "已办理"))
    elif outcome.form is not None and selectors.case_visible(user=request.user, pk=measure.case_id):
        case = selectors.case_get_for_user(user=request.user, pk=measure.case_id)
        return _show_again(request, case, measure, action, outcome.form)
    else:
        messages.error(request, _summary(outcome))
    return _back(request, reverse("care:case_detail", args=[measure.case_id]))


# --- referrals handed to the user's area -------------------------------------------------------


def _referral_page(
    request: HttpRequest, bound: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    pending = list(selectors.referral_queue(user=request.user)[:200])
    bound = bound or {}
    refused = {int(key.split("-")[1]) for key in bound}  # its form open, with the errors
    decided = selectors.referral_queue(user=request.user, status="").exclude(
        status=ReferralStatus.PENDING
    )[:20]
    return render(
        request,
        "care/referral_queue.html",
        {
            "pending": pending,
            "refused": refused,
            "decided": decided,
            "referral_workflow": REFERRAL_WORKFLOW,
            "bound_forms": bound,
        },
        status=status,
    )


@login_required
def referral_queue(request: HttpRequest) -> HttpResponse:
    return _referral_page(request)


@login_required
@require_POST
def referral_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    referral = selectors.referral_get_for_user(user=request.user, pk=pk)
    outcome = _perform(request, REFERRAL_WORKFLOW, referral, action)
    if outcome.ok:
        messages.success(request, REFERRAL_WORKFLOW.transition(action).success)
        if action == "accept":
            return redirect("care:case_detail", pk=outcome.result.pk)
        return redirect("care:referral_queue")
    if outcome.form is not None:
        return _referral_page(request, {f"referral-{pk}-{action}": outcome.form}, status=400)
    messages.error(request, outcome.error)
    return redirect("care:referral_queue")


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
    return list_page(request, "care/batch_index.html", selectors.batch_list(user=request.user))


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.batch_get_for_user(user=request.user, pk=pk)
    progress = selectors.batch_progress(user=request.user, batch=batch)
    level = "community" if request.GET.get("level") == "community" else "township"
    breakdown = selectors.batch_breakdown(user=request.user, batch=batch, level=level)
    chart = {
        "labels": [r["label"] for r in progress["by_action"]],
        "planned": [r["planned"] for r in progress["by_action"]],
        "implemented": [r["implemented"] for r in progress["by_action"]],
    }
    return render(
        request,
        "care/batch_detail.html",
        {"batch": batch, "progress": progress, "chart": chart, "breakdown": breakdown},
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
    return list_page(
        request,
        "care/meeting_index.html",
        selectors.meeting_list(user=request.user),
        open_escalations=selectors.open_escalations(user=request.user)[:100],
    )


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
            _explain(form, exc)
        else:
            messages.success(request, "联席会议已排期，议程已生成")
            return redirect("care:meeting_detail", pk=meeting.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "care/meeting_form.html", {"form": form, "areas": areas}, status=status)


def _meeting_page(
    request: HttpRequest, meeting: Any, bound: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    units = (
        selectors.unit_choices(request.user) if meeting.status == JointMeeting.Status.HELD else []
    )
    bound = bound or {}
    agenda = list(selectors.meeting_agenda(user=request.user, meeting=meeting))
    for e in agenda:  # each item's decision form (the refused one with its errors)
        cast(Any, e).form = bound.get(f"decide-{e.pk}") or forms.DecisionForm(
            user=request.user,
            initial={"escalation": e.pk},
            auto_id=f"id_e{e.pk}_%s",
        )
    return render(
        request,
        "care/meeting_detail.html",
        {
            "meeting": meeting,
            "agenda": agenda,
            "decided": meeting.decided_measures.select_related("responsible_unit", "case")[:200],
            "minutes_form": bound.get("minutes")
            or forms.MinutesForm(initial={"held_on": meeting.held_on, "minutes": meeting.minutes}),
            "units": units,
            "Status": JointMeeting.Status,
            "resolved": Escalation.Status.RESOLVED,
        },
        status=status,
    )


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(user=request.user, pk=pk)
    return _meeting_page(request, meeting)


@login_required
@require_POST
def meeting_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(user=request.user, pk=pk)
    form: Any = None
    key = action
    try:
        if action == "minutes":
            form = forms.MinutesForm(request.POST)
            if form.is_valid():
                services.joint_meeting_record_minutes(
                    actor=request.user, meeting=meeting, **form.cleaned_data
                )
                messages.success(request, "会议纪要已记录")
        elif action == "decide":
            escalation_id = request.POST.get("escalation", "")
            key = f"decide-{escalation_id}"
            form = forms.DecisionForm(
                request.POST, user=request.user, auto_id=f"id_e{escalation_id}_%s"
            )
            if form.is_valid():
                d = dict(form.cleaned_data)
                escalation = (
                    selectors.meeting_agenda(user=request.user, meeting=meeting)
                    .filter(pk=d.pop("escalation") or 0)
                    .first()
                )
                if escalation is None:
                    raise ApplicationError("请选择本次会议议程中的事项")
                services.joint_meeting_decide(
                    actor=request.user, meeting=meeting, escalation=escalation, **d
                )
                messages.success(request, "会议决定已形成措施")
        elif action == "close":
            services.joint_meeting_close(actor=request.user, meeting=meeting)
            messages.success(request, "联席会议已闭环")
        else:
            raise Http404("未知操作")
    except (AccessDenied, InvalidTransition, Conflict) as exc:
        messages.error(request, exc.message)
    except ApplicationError as exc:
        if form is None:
            messages.error(request, exc.message)
        else:
            _explain(form, exc)
    if form is not None and form.errors:
        return _meeting_page(request, meeting, {key: form}, status=400)
    return redirect("care:meeting_detail", pk=meeting.pk)
