from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from lianxin.areas.models import Division
from lianxin.core.errors import ApplicationError
from lianxin.core.pagination import paginate
from lianxin.core.roles import Role
from lianxin.core.scoping import scope_of
from lianxin.registry.selectors import masked_id_number, person_get_for_user

from . import selectors, services
from .forms import ColumnMapForm, RosterUploadForm, RuleSettingForm, RunForm, VerifyForm
from .pipeline import RULES
from .querysets import COMPARISON_ROLES

RULE_TITLES = {r.code: r.title for r in RULES}


def _area_choices(user: Any, roles: tuple[str, ...] = COMPARISON_ROLES) -> list[tuple[str, str]]:
    codes = scope_of(user).area_prefixes(roles)
    return [(d.code, f"{d.short_name}（{d.code}）") for d in Division.objects.filter(code__in=codes).order_by("code")]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {
        "rosters": selectors.roster_import_list(user=request.user)[:20],
        "runs": selectors.run_list(user=request.user)[:20],
        "open_alerts": selectors.alert_list(user=request.user, status="open").count(),
        "open_reviews": selectors.review_list(user=request.user).count(),
        "rule_titles": RULE_TITLES,
    }
    return render(request, "monitoring/index.html", context)


@login_required
def roster_upload(request: HttpRequest) -> HttpResponse:
    areas = _area_choices(request.user)
    form = RosterUploadForm(request.POST or None, request.FILES or None, areas=areas)
    if request.method == "POST" and form.is_valid():
        area = Division.objects.get(code=form.cleaned_data["area_code"])
        try:
            item = services.roster_upload(actor=request.user, area=area, kind=form.cleaned_data["kind"], uploaded=form.cleaned_data["file"])
        except ApplicationError as exc:
            form.add_error("file", exc.message)
        else:
            if item.status == item.Status.READY:
                messages.success(request, f"名册已导入：{item.message}")
            else:
                messages.warning(request, "部分列无法自动识别，请确认列对应")
            return redirect("monitoring:roster_detail", pk=item.pk)
    return render(request, "monitoring/roster_upload.html", {"form": form, "has_areas": bool(areas)})


@login_required
def roster_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.roster_import_get_for_user(user=request.user, pk=pk)
    form = ColumnMapForm(request.POST or None, kind=item.kind, headers=item.headers, initial_map=item.column_map)
    if request.method == "POST" and form.is_valid():
        try:
            services.roster_map_columns(actor=request.user, item=item, column_map=form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "列对应已确认，名册可用于比对")
            return redirect("monitoring:roster_detail", pk=item.pk)
    return render(request, "monitoring/roster_detail.html", {"item": item, "form": form})


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    areas = _area_choices(request.user, (Role.COUNTY_STAFF, Role.CITY_STAFF, Role.REGION_STAFF))
    form = RunForm(request.POST or None, areas=areas)
    if request.method == "POST" and form.is_valid():
        area = Division.objects.get(code=form.cleaned_data["area_code"])
        try:
            run = services.run_request(actor=request.user, area=area, as_of=form.cleaned_data["as_of"], engine=form.cleaned_data["engine"])
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "比对已开始，完成后本页自动更新")
            return redirect("monitoring:run_detail", pk=run.pk)
    context = {"form": form, "can_run": bool(areas), **paginate(request, selectors.run_list(user=request.user), per_page=20)}
    return render(request, "monitoring/run_list.html", context)


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_get_for_user(user=request.user, pk=pk)
    by_rule_area = selectors.run_alerts_by_rule_and_area(user=request.user, run=run)
    townships = {d.code: d.short_name for d in Division.objects.filter(code__in={r["township"] for r in by_rule_area})}
    for row in by_rule_area:
        row["township_name"] = townships.get(row["township"], row["township"])
        row["rule_title"] = RULE_TITLES.get(row["rule"], row["rule"])
    chart = {
        "rules": [{"name": RULE_TITLES.get(k, k), "value": v} for k, v in (run.alerts_per_rule or {}).items()],
        "link": [
            {"name": "身份证号精确匹配", "value": (run.link_stats or {}).get("exact", 0)},
            {"name": "概率匹配", "value": (run.link_stats or {}).get("probabilistic", 0)},
            {"name": "待人工核对", "value": (run.link_stats or {}).get("review", 0)},
        ],
    }
    template = "monitoring/partials/run_status.html" if getattr(request, "htmx", False) else "monitoring/run_detail.html"
    return render(request, template, {"run": run, "by_rule_area": by_rule_area, "chart": chart, "rule_titles": RULE_TITLES})


@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    rule = request.GET.get("rule", "")
    qs = selectors.alert_list(user=request.user, status=status, rule=rule)
    context = {"status": status, "rule": rule, "rules": RULES, "rule_titles": RULE_TITLES, **paginate(request, qs)}
    return render(request, "monitoring/alert_list.html", context)


@login_required
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.alert_get_for_user(user=request.user, pk=pk)
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.alert_verify(
                actor=request.user, alert=alert, confirmed=data["result"] == "confirmed", note=data["note"], outcome=data["outcome"]
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "核实结果已保存")
            return redirect("monitoring:alert_detail", pk=alert.pk)
    return render(
        request,
        "monitoring/alert_detail.html",
        {"alert": alert, "form": form, "rule_title": RULE_TITLES.get(alert.rule, alert.rule), "masked_id": masked_id_number(user=request.user, person=alert.person)},
    )


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    context = paginate(request, selectors.review_list(user=request.user, status=request.GET.get("status", "open")))
    return render(request, "monitoring/review_list.html", context)


@login_required
@require_POST
def review_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.review_get_for_user(user=request.user, pk=pk)
    person = None
    if request.POST.get("person_id"):
        person = person_get_for_user(user=request.user, pk=int(request.POST["person_id"]))
    try:
        services.review_resolve(actor=request.user, item=item, person=person, note=request.POST.get("note", ""))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已处理")
    return redirect("monitoring:review_list")


@login_required
def rule_settings(request: HttpRequest) -> HttpResponse:
    setting = selectors.rule_setting()
    initial = {"large_medical_expense_yuan": setting.large_medical_expense_yuan, "elderly_age": setting.elderly_age, "match_threshold": setting.match_threshold}
    form = RuleSettingForm(request.POST or None, initial=initial)
    can_edit = scope_of(request.user).has_role(Role.REGION_STAFF)
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_settings_update(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "规则参数已更新")
            return redirect("monitoring:rule_settings")
    return render(request, "monitoring/rule_settings.html", {"form": form, "can_edit": can_edit, "rules": RULES})
