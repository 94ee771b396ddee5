"""Staff pages of benefits and funds (thin: forms parse, services decide, selectors read).
Community staff file applications on a phone; departments review, approve, run payments and
close months; the union keeps its files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from lianxin.areas.models import Division
from lianxin.core import audit
from lianxin.core.errors import ApplicationError
from lianxin.core.pages import action_page, attempt, attempt_form
from lianxin.core.pagination import list_page, paginate
from lianxin.core.roles import AREA_STAFF_ROLES
from lianxin.core.scoping import scope_of
from lianxin.core.workflow import Workflow
from lianxin.directory.models import DeptType
from lianxin.registry.models import Household
from lianxin.registry.selectors import (
    household_get_for_user,
    household_label,
    household_members,
    masked_id_number,
)

from . import exports, forms, importing, selectors, services
from .models import (
    ApplicationSource,
    ApplicationStatus,
    EntitlementStatus,
    HardshipCause,
    UnionFileStatus,
)
from .standards import yuan
from .workflows import (
    APPLICATION_WORKFLOW,
    ENTITLEMENT_WORKFLOW,
    RUN_WORKFLOW,
    STOP_WORKFLOW,
    UNION_FILE_WORKFLOW,
)


def _fen(value: Any) -> int | None:
    return services._fen(value)


def _error(request: HttpRequest, exc: ApplicationError) -> None:
    messages.error(request, exc.message)


def _perform(request: HttpRequest, workflow: Any, obj: Any, action: str) -> None:
    if action not in {t.name for t in workflow.transitions}:
        raise Http404("没有这个操作")
    outcome = workflow.perform(request, obj, action)
    if outcome.ok:
        messages.success(request, f"已{workflow.transition(action).label}")
    else:
        errors = outcome.form.errors.as_text() if outcome.form is not None else ""
        messages.error(request, f"{outcome.error}{errors}")


def _action_page(
    name: str, get: Any, workflow: Workflow, back: str, **options: Any
) -> Callable[..., HttpResponse]:
    """A POST taking one transition (named by the URL), then back to the benefits page ``back``."""
    return action_page(name, get, workflow, _perform, f"benefits:{back}", **options)


def _area_choices(user: Any) -> list[tuple[str, str]]:
    codes = scope_of(user).area_prefixes()
    divisions = Division.objects.filter(code__in=codes) | Division.objects.filter(
        parent__code__in=codes, level__in=["county", "township"]
    )
    return [(d.code, d.name) for d in divisions.order_by("code")[:300]]


# --- applications ------------------------------------------------------------------------------


@login_required
def application_index(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    q = request.GET.get("q", "").strip()
    page = paginate(request, selectors.application_list(user=request.user, status=status, q=q))
    for a in page["object_list"]:
        a.household_label = household_label(a.household)  # head (masked) · address (#12)
    return render(
        request,
        "benefits/application_index.html",
        {**page, "status": status, "q": q, "statuses": ApplicationStatus.choices},
    )


@login_required
def application_new(request: HttpRequest) -> HttpResponse:
    """File an application (申请代办) on a phone: find the household by its number, pick the
    member and the policy, attach a photo of the form, submit."""
    number = (request.POST.get("household_number") or request.GET.get("household") or "").strip()
    household = (
        Household.objects.for_user(request.user).filter(number=number).first() if number else None
    )
    if number and household is None:
        messages.error(request, f"未找到户编号“{number}”，或不在您的管辖范围")
    persons = (
        [
            (m.person_id, f"{m.person.name}（{m.relationship}）")
            for m in household_members(household)
        ]
        if household
        else []
    )
    policies = (
        [
            (p.pk, f"{p.name}（{p.standard_display()}）")
            for p in selectors.policies_for_household(user=request.user, household=household)
        ]
        if household
        else []
    )
    form = forms.ApplicationForm(
        request.POST or None, request.FILES or None, persons=persons, policies=policies
    )
    if request.method == "POST" and household is not None and form.is_valid():
        data = form.cleaned_data
        policy = next(
            p
            for p in selectors.policies_for_household(user=request.user, household=household)
            if p.pk == data["policy"]
        )
        person = next(
            (m.person for m in household_members(household) if m.person_id == data["person"]), None
        )
        try:
            app = services.application_file(
                actor=request.user,
                policy=policy,
                household=household,
                person=person,
                source=ApplicationSource.PROXY if data["is_proxy"] else ApplicationSource.RESIDENT,
                reason=data["reason"],
                requested_fen=_fen(data["requested_yuan"]),
                standard_key=data["standard_key"],
                income_per_head_fen=_fen(data["income_per_head_yuan"]),
            )
            if data["document"]:
                services.application_add_document(
                    actor=request.user,
                    application=app,
                    upload=data["document"],
                    title=data["document_title"] or "申请材料",
                )
            if data["submit_now"]:
                services.application_submit(actor=request.user, obj=app)
        except ApplicationError as exc:
            _error(request, exc)
        else:
            messages.success(request, f"申请 {app.number} 已登记")
            return redirect("benefits:application_detail", pk=app.pk)
    return render(
        request,
        "benefits/application_new.html",
        {
            "form": form,
            "household": household,
            "household_label": household_label(household) if household else "",
            "number": number,
        },
    )


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    app = selectors.application_get_for_user(user=request.user, pk=pk)
    audit.record_view(actor=request.user, target=app, fields=["application", "documents"])
    unmet = services.unmet_conditions(
        policy=app.policy,
        household=app.household,
        person=app.person,
        as_of=timezone.localdate(),
        income_per_head_fen=app.income_per_head_fen,
    )
    forms_by_action = {
        t.name: APPLICATION_WORKFLOW.bind_form(t.name)
        for t in APPLICATION_WORKFLOW.available(request.user, app)
    }
    return render(
        request,
        "benefits/application_detail.html",
        {
            "app": app,
            "household_label": household_label(app.household),
            "workflow": APPLICATION_WORKFLOW,
            "action_forms": forms_by_action,
            "unmet": unmet,
            "documents": app.documents.all(),
            "document_form": forms.DocumentForm(),
            "person_id": masked_id_number(user=request.user, person=app.person)
            if app.person
            else "",
            "entitlement": getattr(app, "entitlement", None),
        },
    )


application_action = _action_page(
    "application_action",
    selectors.application_get_for_user,
    APPLICATION_WORKFLOW,
    "application_detail",
)


@login_required
@require_POST
def application_document_add(request: HttpRequest, pk: int) -> HttpResponse:
    app = selectors.application_get_for_user(user=request.user, pk=pk)
    attempt_form(
        request,
        forms.DocumentForm(request.POST, request.FILES),
        "请填写材料名称并选择文件",
        lambda data: services.application_add_document(
            actor=request.user, application=app, upload=data["file"], title=data["title"]
        ),
        "材料已上传",
    )
    return redirect("benefits:application_detail", pk=app.pk)


@login_required
def document(request: HttpRequest, pk: int) -> HttpResponseBase:
    doc = selectors.document_get_for_user(user=request.user, pk=pk)
    audit.record_view(actor=request.user, target=doc.application, fields=["document"])
    response = FileResponse(doc.file.open("rb"), content_type=doc.content_type)
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = "inline"
    return response


# --- alerts from monitoring --------------------------------------------------------------------


@login_required
def alert_inbox(request: HttpRequest) -> HttpResponse:
    """Confirmed alerts of the user's area that call for an entitlement change: open a
    prefilled application or a stop proposal."""
    from lianxin.monitoring import selectors as monitoring_selectors

    alerts = [
        a
        for a in monitoring_selectors.alert_list(user=request.user, status="confirmed")[:300]
        if a.rule in services.ENTITLED_ALERT_RULES + services.STOP_ALERT_RULES
    ]
    return render(
        request,
        "benefits/alert_inbox.html",
        {
            "alerts": alerts,
            "entitled": services.ENTITLED_ALERT_RULES,
            "stop": services.STOP_ALERT_RULES,
        },
    )


@login_required
@require_POST
def alert_open(request: HttpRequest, alert_id: int) -> HttpResponse:
    kind = request.POST.get("kind", "application")
    try:
        if kind == "stop":
            stops = services.stop_propose_from_alert(actor=request.user, alert_id=alert_id)
            messages.success(request, f"已生成{len(stops)}条停发建议")
            return redirect("benefits:stop_index")
        app = services.application_open_from_alert(actor=request.user, alert_id=alert_id)
    except ApplicationError as exc:
        _error(request, exc)
        return redirect("benefits:alert_inbox")
    messages.success(request, f"已生成预填申请 {app.number}，请补充材料后提交")
    return redirect("benefits:application_detail", pk=app.pk)


# --- policies ----------------------------------------------------------------------------------


@login_required
def policy_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "benefits/policy_index.html",
        {"policies": selectors.policy_list(user=request.user)},
    )


@login_required
def policy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The policy and, on request, its eligibility run over one community of the user's area."""
    from .eligibility import describe_rule

    policy = selectors.policy_get_for_user(user=request.user, pk=pk)
    area = request.GET.get("area", "").strip()
    run = None
    if area:
        if (
            not any(area.startswith(p) for p in scope_of(request.user).area_prefixes())
            or len(area) < 9
        ):
            messages.error(request, "请选择您管辖范围内的乡镇（街道）或社区（村）")
        else:
            run = selectors.eligibility_run(policy=policy, area_code=area)
            audit.record_view(
                actor=request.user, target=policy, fields=["eligibility_run"], reason=area
            )
    return render(
        request,
        "benefits/policy_detail.html",
        {
            "policy": policy,
            "rule": describe_rule(policy.rule),
            "run": run,
            "area": area,
            "areas": _area_choices(request.user),
        },
    )


# --- entitlements and stops ----------------------------------------------------------------------


@login_required
def entitlement_index(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    due = request.GET.get("due") == "1"
    return list_page(
        request,
        "benefits/entitlement_index.html",
        selectors.entitlement_list(user=request.user, status=status, due=due),
        status=status,
        due=due,
        statuses=EntitlementStatus.choices,
    )


@login_required
def entitlement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    e = selectors.entitlement_get_for_user(user=request.user, pk=pk)
    audit.record_view(actor=request.user, target=e, fields=["entitlement"])
    entries = selectors.ledger_list(user=request.user).filter(entitlement=e)[:100]
    forms_by_action = {
        t.name: ENTITLEMENT_WORKFLOW.bind_form(t.name)
        for t in ENTITLEMENT_WORKFLOW.available(request.user, e)
    }
    return render(
        request,
        "benefits/entitlement_detail.html",
        {
            "e": e,
            "workflow": ENTITLEMENT_WORKFLOW,
            "action_forms": forms_by_action,
            "entries": entries,
            "stop_form": forms.StopForm(initial={"end_on": timezone.localdate()}),
            "stops": e.stops.all(),
            "shares": e.shares.select_related("source"),
            "person_id": masked_id_number(user=request.user, person=e.person) if e.person else "",
        },
    )


entitlement_action = _action_page(
    "entitlement_action",
    selectors.entitlement_get_for_user,
    ENTITLEMENT_WORKFLOW,
    "entitlement_detail",
)


@login_required
@require_POST
def stop_propose(request: HttpRequest, pk: int) -> HttpResponse:
    e = selectors.entitlement_get_for_user(user=request.user, pk=pk)
    attempt_form(
        request,
        forms.StopForm(request.POST),
        "请填写停发理由和日期",
        lambda data: services.stop_propose(actor=request.user, entitlement=e, **data),
        "停发建议已提交，待第二人审批",
    )
    return redirect("benefits:entitlement_detail", pk=e.pk)


@login_required
def stop_index(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "proposed")
    stops = list(selectors.stop_list(user=request.user, status=status)[:200])
    rows = [
        (
            s,
            {
                t.name: STOP_WORKFLOW.bind_form(t.name)
                for t in STOP_WORKFLOW.available(request.user, s)
            },
        )
        for s in stops
    ]
    return render(request, "benefits/stop_index.html", {"rows": rows, "status": status})


stop_action = _action_page(
    "stop_action", selectors.stop_get_for_user, STOP_WORKFLOW, "stop_index", back_pk=None
)


# --- payment runs, the ledger, closed months ---------------------------------------------------


def _department_choices(user: Any) -> list[tuple[str, str]]:
    return [
        (d, DeptType(d).label) for d in selectors.department_types_of(user) if d in DeptType.values
    ]


@login_required
def run_index(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    month = services.month_start(today)
    policies = [(p.pk, p.name) for p in selectors.policy_list(user=user).filter(is_active=True)]
    areas = _area_choices(user)
    departments = _department_choices(user)
    counties = [(c, n) for c, n in areas if len(c) == 6]
    shown = counties or [(c, n) for c, n in areas if len(c) < 6]
    totals = selectors.monthly_summaries(
        department_types=[d for d, _ in departments],
        area_codes=[c for c, _ in shown],
        month=month,
    )
    summaries = [
        {"department": label, "area": name, "rows": totals[dept, code]}
        for dept, label in departments
        for code, name in shown
    ]
    page = paginate(request, selectors.run_list(user=user).order_by("-month", "-id"))
    return render(
        request,
        "benefits/run_index.html",
        {
            **page,
            "month": month,
            "run_form": forms.RunForm(policies=policies, areas=areas, initial={"month": month}),
            "close_form": forms.CloseForm(
                departments=departments, counties=counties, initial={"month": month}
            ),
            "summaries": summaries,
            "closes": selectors.month_close_list(user=user)[:24],
            "sources": selectors.source_list(user=user),
        },
    )


@login_required
@require_POST
def run_prepare(request: HttpRequest) -> HttpResponse:
    user = request.user
    policies = {p.pk: p for p in selectors.policy_list(user=user).filter(is_active=True)}
    areas = _area_choices(user)
    form = forms.RunForm(
        request.POST, policies=[(k, p.name) for k, p in policies.items()], areas=areas
    )
    if not form.is_valid():
        messages.error(request, "请选择政策、区域和月份")
        return redirect("benefits:run_index")
    try:
        run = services.payment_run_prepare(
            actor=user,
            policy=policies[form.cleaned_data["policy"]],
            area=Division.objects.get(code=form.cleaned_data["area"]),
            month=form.cleaned_data["month"],
        )
    except ApplicationError as exc:
        _error(request, exc)
        return redirect("benefits:run_index")
    messages.success(
        request, f"花名册已编制：{run.line_count}人，合计{yuan(run.total_fen)}元，待第二人审批"
    )
    return redirect("benefits:run_detail", pk=run.pk)


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_get_for_user(user=request.user, pk=pk)
    lines = run.lines.select_related("entitlement__person", "entitlement__household").order_by(
        "pk"
    )[:500]
    audit.record_view(actor=request.user, target=run, fields=["payroll"])
    return render(
        request, "benefits/run_detail.html", {"run": run, "lines": lines, "workflow": RUN_WORKFLOW}
    )


run_action = _action_page("run_action", selectors.run_get_for_user, RUN_WORKFLOW, "run_detail")


def _month_param(request: HttpRequest) -> dt.date | None:
    text = request.GET.get("month", "")
    try:
        return dt.date.fromisoformat(text + "-01") if len(text) == 7 else None
    except ValueError:
        return None


@login_required
def ledger_index(request: HttpRequest) -> HttpResponse:
    month = _month_param(request)
    source = request.GET.get("source", "")
    page = paginate(
        request, selectors.ledger_list(user=request.user, month=month, source_id=source)
    )
    return render(
        request,
        "benefits/ledger_index.html",
        {
            **page,
            "month": request.GET.get("month", ""),
            "source": source,
            "sources": selectors.source_list(user=request.user),
        },
    )


@login_required
@require_POST
def ledger_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.ledger_get_for_user(user=request.user, pk=pk)
    attempt_form(
        request,
        forms.ReverseForm(request.POST),
        "请填写冲正原因",
        lambda data: services.ledger_reverse(
            actor=request.user, entry=entry, reason=data["reason"]
        ),
        "已做冲正分录",
    )
    return redirect("benefits:ledger_index")


@login_required
def ledger_export(request: HttpRequest) -> HttpResponseBase:
    """The live monthly ledger of the user's area as .xlsx (``?format=csv``: CSV, UTF-8 with
    BOM), masked by the user's tier."""
    month = _month_param(request) or services.month_start(timezone.localdate())
    if not scope_of(request.user).area_prefixes(AREA_STAFF_ROLES):
        raise PermissionDenied("您没有导出台账的权限")
    as_csv = request.GET.get("format") == "csv"
    entries = selectors.ledger_list(user=request.user, month=month)
    if as_csv:
        handle, count = exports.ledger_csv(user=request.user, entries=entries)
    else:
        handle, count = exports.ledger_xlsx(
            user=request.user, entries=entries, title=f"{month:%Y年%m月}资金台账"
        )
    audit.record(
        actor=request.user,
        action="export.benefits.ledger",
        target_repr=f"{month:%Y-%m}",
        area_code=",".join(scope_of(request.user).area_prefixes()),
        changes={"rows": count, "format": "csv" if as_csv else "xlsx"},
    )
    suffix = "csv" if as_csv else "xlsx"
    response = FileResponse(handle, as_attachment=True, filename=f"资金台账{month:%Y%m}.{suffix}")
    response["Content-Type"] = (
        "text/csv; charset=utf-8"
        if as_csv
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return response


@login_required
@require_POST
def month_close(request: HttpRequest) -> HttpResponse:
    user = request.user
    areas = _area_choices(user)
    form = forms.CloseForm(
        request.POST,
        departments=_department_choices(user),
        counties=[(c, n) for c, n in areas if len(c) == 6],
    )
    if not form.is_valid():
        messages.error(request, "请选择部门、县（区）和月份")
        return redirect("benefits:run_index")
    try:
        record = services.month_close(
            actor=user,
            department_type=form.cleaned_data["department_type"],
            county=Division.objects.get(code=form.cleaned_data["county"]),
            month=form.cleaned_data["month"],
        )
        messages.success(
            request, f"{record.month:%Y年%m月}已关账，台账已存档（{record.row_count}行）"
        )
    except ApplicationError as exc:
        _error(request, exc)
    return redirect("benefits:run_index")


@login_required
def month_close_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    record = selectors.month_close_get_for_user(user=request.user, pk=pk)
    audit.record(
        actor=request.user,
        action="export.benefits.month_close",
        target=record,
        changes={"sha256": record.sha256},
    )
    response = FileResponse(
        record.file.open("rb"),
        as_attachment=True,
        filename=f"月度台账{record.month:%Y%m}-{record.area_code}.xlsx",
    )
    response["Content-Type"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return response


@login_required
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A funding source's sub-ledger within the user's area and its totals."""
    source = selectors.source_get_for_user(user=request.user, pk=pk)
    totals = selectors.source_totals(user=request.user, source=source)
    return list_page(
        request,
        "benefits/source_detail.html",
        selectors.ledger_list(user=request.user, source_id=str(source.pk)),
        source=source,
        totals=totals,
    )


@login_required
def household_benefits(request: HttpRequest, pk: int) -> HttpResponse:
    """What a household receives and has received, and from whom."""
    household = household_get_for_user(user=request.user, pk=pk)
    audit.record_view(actor=request.user, target=household, fields=["benefits"])
    return render(
        request,
        "benefits/household_benefits.html",
        {
            "household": household,
            "entitlements": selectors.entitlements_of_household(
                user=request.user, household=household
            ),
            "payments": selectors.household_payments(user=request.user, household=household),
        },
    )


# --- import --------------------------------------------------------------------------------------


@login_required
def entitlement_import(request: HttpRequest) -> HttpResponse:
    policies = {
        p.pk: p
        for p in selectors.policy_list(user=request.user).filter(is_active=True, subject="person")
    }
    form = forms.ImportForm(
        request.POST or None,
        request.FILES or None,
        policies=[(k, p.name) for k, p in policies.items()],
    )
    report = None
    if request.method == "POST" and form.is_valid():
        policy = policies[form.cleaned_data["policy"]]
        if not selectors.department_types_of(
            request.user
        ) or policy.department_type not in selectors.department_types_of(request.user):
            messages.error(request, "只有该政策的主管部门可以导入待遇名册")
        else:
            try:
                report = importing.entitlements_import(
                    actor=request.user,
                    policy=policy,
                    upload=form.cleaned_data["file"],
                    confirm=form.cleaned_data["confirm"],
                )
            except ApplicationError as exc:
                _error(request, exc)
    return render(request, "benefits/entitlement_import.html", {"form": form, "report": report})


# --- union files ---------------------------------------------------------------------------------


UNION_QUERIES = [
    ("", "全部"),
    ("never_assisted", "从未帮扶"),
    ("unchanged", "一年未变化"),
    ("due", "到期待复核"),
]


@login_required
def union_index(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("query", "")
    status = request.GET.get("status", "")
    page = paginate(
        request, selectors.union_file_list(user=request.user, query=query, status=status)
    )
    return render(
        request,
        "benefits/union_index.html",
        {
            **page,
            "query": query,
            "status": status,
            "queries": UNION_QUERIES,
            "statuses": UnionFileStatus.choices,
        },
    )


@login_required
def union_new(request: HttpRequest) -> HttpResponse:
    number = (request.POST.get("household_number") or request.GET.get("household") or "").strip()
    household = (
        Household.objects.for_user(request.user).filter(number=number).first() if number else None
    )
    workers = (
        [(m.person_id, m.person.name) for m in household_members(household)] if household else []
    )
    form = forms.UnionFileForm(
        request.POST or None, workers=workers, initial={"household_number": number}
    )
    unions = selectors.union_orgs_of(user=request.user)
    if request.method == "POST" and form.is_valid():
        worker = (
            next(
                (
                    m.person
                    for m in household_members(household)
                    if m.person_id == form.cleaned_data["worker"]
                ),
                None,
            )
            if household
            else None
        )
        if household is None or worker is None or not unions:
            messages.error(request, "请填写本辖区的户编号并选择职工（仅工会工作人员可建档）")
        else:
            try:
                file = services.union_file_open(
                    actor=request.user,
                    union=unions.first(),
                    household=household,
                    worker=worker,
                    difficulty_class=form.cleaned_data["difficulty_class"],
                    causes=form.cleaned_data["causes"],
                    employer=form.cleaned_data["employer"],
                )
            except ApplicationError as exc:
                _error(request, exc)
            else:
                return redirect("benefits:union_detail", pk=file.pk)
    return render(
        request,
        "benefits/union_new.html",
        {"form": form, "household": household, "causes": HardshipCause.choices},
    )


@login_required
def union_detail(request: HttpRequest, pk: int) -> HttpResponse:
    file = selectors.union_file_get_for_user(user=request.user, pk=pk)
    audit.record_view(actor=request.user, target=file, fields=["union_file"])
    forms_by_action = {
        t.name: UNION_FILE_WORKFLOW.bind_form(t.name)
        for t in UNION_FILE_WORKFLOW.available(request.user, file)
    }
    year = timezone.localdate().year
    return render(
        request,
        "benefits/union_detail.html",
        {
            "file": file,
            "workflow": UNION_FILE_WORKFLOW,
            "action_forms": forms_by_action,
            "assistance": file.assistance.select_related("entitlement__policy"),
            "plan": selectors.union_plan(file=file),
            "year": year,
            "plan_form": forms.PlanItemForm(initial={"deadline": dt.date(year, 12, 31)}),
            "care_measures": selectors.care_measures_of(
                user=request.user, household=file.household
            ),
            "payments": selectors.household_payments(user=request.user, household=file.household),
        },
    )


union_action = _action_page(
    "union_action", selectors.union_file_get_for_user, UNION_FILE_WORKFLOW, "union_detail"
)


@login_required
@require_POST
def union_plan_add(request: HttpRequest, pk: int) -> HttpResponse:
    file = selectors.union_file_get_for_user(user=request.user, pk=pk)
    attempt_form(
        request,
        forms.PlanItemForm(request.POST),
        "请填写措施、责任人和期限",
        lambda data: services.union_plan_add(
            actor=request.user, file=file, year=data["deadline"].year, **data
        ),
        "已加入年度帮扶计划",
    )
    return redirect("benefits:union_detail", pk=file.pk)


@login_required
@require_POST
def union_plan_done(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    file = selectors.union_file_get_for_user(user=request.user, pk=pk)
    item = file.plan_items.filter(pk=item_pk).first()
    if item is None:
        raise Http404("未找到")
    attempt(request, lambda: services.union_plan_done(actor=request.user, item=item), "已标记完成")
    return redirect("benefits:union_detail", pk=file.pk)
