from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from lianxin.areas.models import Division
from lianxin.core.errors import ApplicationError
from lianxin.core.pagination import list_page, paginate
from lianxin.core.roles import Role
from lianxin.core.scoping import scope_of
from lianxin.registry.selectors import masked_id_number, person_get_for_user

from . import selectors, services
from .forms import (
    ColumnMapForm,
    ColumnNameForm,
    RosterUploadForm,
    RuleSettingForm,
    RunForm,
    VerifyForm,
)
from .models import RosterKind
from .pipeline import RULES
from .pipeline.rosters import ROSTER_TITLES
from .querysets import COMPARISON_ROLES
from .workflows import ALERT_WORKFLOW, transition_for

RULE_TITLES = {r.code: r.title for r in RULES}


def _area_choices(user: Any, roles: tuple[str, ...] = COMPARISON_ROLES) -> list[tuple[str, str]]:
    codes = scope_of(user).area_prefixes(roles)
    return [
        (d.code, f"{d.short_name}（{d.code}）")
        for d in Division.objects.filter(code__in=codes).order_by("code")
    ]


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


def _department_choices(user: Any) -> list[tuple[str, str]]:
    from lianxin.directory.selectors import organisation_list

    return [
        (str(o.pk), o.name) for o in organisation_list(user=user).exclude(kind="merchant")[:300]
    ]


@login_required
def roster_upload(request: HttpRequest) -> HttpResponse:
    areas = _area_choices(request.user)
    departments = _department_choices(request.user) if areas else []
    form = RosterUploadForm(
        request.POST or None, request.FILES or None, areas=areas, departments=departments
    )
    if request.method == "POST" and form.is_valid():
        area = Division.objects.get(code=form.cleaned_data["area_code"])
        department = None
        if form.cleaned_data.get("department"):
            from lianxin.directory.selectors import organisation_get_for_user

            department = organisation_get_for_user(
                user=request.user, pk=int(form.cleaned_data["department"])
            )
        try:
            item = services.roster_upload(
                actor=request.user, area=area, kind=form.cleaned_data["kind"], uploaded=form.cleaned_data["file"],
                department=department, assistance_type=form.cleaned_data.get("assistance_type", ""),
            )  # fmt: skip
        except ApplicationError as exc:
            form.add_error("file", exc.message)
        else:
            if item.status == item.Status.READY and item.remembered:
                messages.success(request, f"已按该部门上次确认的格式自动导入：{item.message}")
            elif item.status == item.Status.READY:
                messages.success(request, f"名册已导入：{item.message}")
            else:
                messages.info(request, "请核对下面建议的列对应，无误后点“确认并导入”")
            return redirect("monitoring:roster_detail", pk=item.pk)
    return render(
        request,
        "monitoring/roster_upload.html",
        {"form": form, "has_areas": bool(areas), "kinds": RosterKind.choices},
    )


@login_required
def roster_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.roster_import_get_for_user(user=request.user, pk=pk)
    form = ColumnMapForm(
        request.POST or None, kind=item.kind, headers=item.headers, initial_map=item.column_map
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.roster_map_columns(actor=request.user, item=item, column_map=form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, "列对应已确认，名册可用于比对；该部门下次上传同样格式的文件将自动对应"
            )
            return redirect("monitoring:roster_detail", pk=item.pk)
    layout = item.layout or {}
    return render(
        request,
        "monitoring/roster_detail.html",
        {
            "item": item,
            "form": form,
            "notes": layout.get("notes", []),
            "questions": layout.get("questions", []),
        },
    )


@login_required
def roster_template(request: HttpRequest, kind: str) -> HttpResponse:
    """The standard template of a roster kind, for departments that can choose their layout."""
    from .templates_xlsx import write_roster_template

    if kind not in dict(RosterKind.choices):
        raise Http404
    response = HttpResponse(
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    title = dict(RosterKind.choices)[kind].split("（")[0]
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(title + '模板.xlsx')}"
    write_roster_template(kind, response)
    return response


@login_required
def column_names(request: HttpRequest) -> HttpResponse:
    """The dictionary of column names: what each standard column may be written as; city and
    region staff (and the system administrator) add and retire names."""
    from lianxin.core.spreadsheet import seed_dictionary
    from lianxin.core.spreadsheet.names import current_dictionary

    dictionary = current_dictionary()
    can_edit = scope_of(request.user).has_role(
        Role.REGION_STAFF, Role.CITY_STAFF, Role.SYSTEM_ADMIN
    )
    columns = [(k, c.label) for k, c in dictionary.columns.items() if k != "serial"]
    form = ColumnNameForm(request.POST or None, columns=columns)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        try:
            if request.POST.get("retire"):
                services.column_name_retire(
                    actor=request.user,
                    column=request.POST.get("column", ""),
                    name=request.POST["retire"],
                )
                messages.success(request, "已停用该写法")
                return redirect("monitoring:column_names")
            if form.is_valid():
                data = form.cleaned_data
                services.column_name_add(
                    actor=request.user,
                    column=data["column"],
                    name=data["name"],
                    weak=data["weak"],
                    note=data["note"],
                )
                messages.success(request, "已加入列名词典")
                return redirect("monitoring:column_names")
        except ApplicationError as exc:
            form.add_error(None, exc.message)
    seed = seed_dictionary()
    by_column: dict[str, list[dict[str, Any]]] = {k: [] for k, _ in columns}
    for name, key in sorted(dictionary.names.items()):
        if name.isascii() and seed.names.get(name) == key:
            continue  # the template's English names, accepted but not shown
        if key in by_column:
            by_column[key].append(
                {"name": name, "weak": False, "seed": seed.names.get(name) == key}
            )
    for name, key in sorted(dictionary.weak.items()):
        if key in by_column:
            by_column[key].append({"name": name, "weak": True, "seed": seed.weak.get(name) == key})
    rows = [{"key": k, "label": label, "names": by_column[k]} for k, label in columns]
    changes = [
        {"revision": c.revision, "name": c.name, "column_label": dictionary.label(c.column), "is_active": c.is_active,
         "created_by": c.created_by, "created_at": c.created_at}
        for c in selectors.column_name_changes()[:50]
    ]  # fmt: skip
    return render(
        request,
        "monitoring/column_names.html",
        {
            "rows": rows,
            "form": form,
            "can_edit": can_edit,
            "revision": dictionary.revision,
            "changes": changes,
        },
    )


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    areas = _area_choices(request.user, (Role.COUNTY_STAFF, Role.CITY_STAFF, Role.REGION_STAFF))
    form = RunForm(request.POST or None, areas=areas)
    if request.method == "POST" and form.is_valid():
        area = Division.objects.get(code=form.cleaned_data["area_code"])
        try:
            run = services.run_request(
                actor=request.user, area=area, as_of=form.cleaned_data["as_of"]
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "比对已开始，完成后本页自动更新")
            return redirect("monitoring:run_detail", pk=run.pk)
    context = {
        "form": form,
        "can_run": bool(areas),
        **paginate(request, selectors.run_list(user=request.user), per_page=20),
    }
    return render(request, "monitoring/run_list.html", context)


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_get_for_user(user=request.user, pk=pk)
    by_rule_area = selectors.run_alerts_by_rule_and_area(user=request.user, run=run)
    townships = {
        d.code: d.short_name
        for d in Division.objects.filter(code__in={r["township"] for r in by_rule_area})
    }
    for row in by_rule_area:
        row["township_name"] = townships.get(row["township"], row["township"])
        row["rule_title"] = RULE_TITLES.get(row["rule"], row["rule"])
    chart = {
        "rules": [
            {"name": RULE_TITLES.get(k, k), "value": v}
            for k, v in (run.alerts_per_rule or {}).items()
        ],
        "link": [
            {"name": "身份证号精确匹配", "value": (run.link_stats or {}).get("exact", 0)},
            {"name": "概率匹配", "value": (run.link_stats or {}).get("probabilistic", 0)},
            {"name": "待人工核对", "value": (run.link_stats or {}).get("review", 0)},
        ],
    }
    per_roster = [
        (ROSTER_TITLES.get(k, k), v)
        for k, v in ((run.link_stats or {}).get("per_roster") or {}).items()
    ]
    template = (
        "monitoring/partials/run_status.html"
        if getattr(request, "htmx", False)
        else "monitoring/run_detail.html"
    )
    return render(
        request,
        template,
        {
            "run": run,
            "by_rule_area": by_rule_area,
            "chart": chart,
            "rule_titles": RULE_TITLES,
            "per_roster": per_roster,
        },
    )


@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    rule = request.GET.get("rule", "")
    return list_page(
        request,
        "monitoring/alert_list.html",
        selectors.alert_list(user=request.user, status=status, rule=rule),
        status=status,
        rule=rule,
        rules=RULES,
        rule_titles=RULE_TITLES,
    )


@login_required
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.alert_get_for_user(user=request.user, pk=pk)
    actions = ALERT_WORKFLOW.available(request.user, alert)
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            name = transition_for(confirmed=data["result"] == "confirmed", outcome=data["outcome"])
            ALERT_WORKFLOW.run(name, actor=request.user, obj=alert, data={"note": data["note"]})
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, ALERT_WORKFLOW.transition(name).success)
            return redirect("monitoring:alert_detail", pk=alert.pk)
    return render(
        request,
        "monitoring/alert_detail.html",
        {
            "alert": alert, "form": form, "actions": actions,
            "rule_title": RULE_TITLES.get(alert.rule, alert.rule),
            "masked_id": masked_id_number(user=request.user, person=alert.person),
        },
    )  # fmt: skip


def _source_title(source: str) -> str:
    return ROSTER_TITLES.get(source, source)


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    context = paginate(
        request, selectors.review_list(user=request.user, status=request.GET.get("status", "open"))
    )
    for item in context["object_list"]:
        item.source_title = _source_title(item.source)
    return render(request, "monitoring/review_list.html", context)


@login_required
def review_match(request: HttpRequest, pk: int) -> HttpResponse:
    """Find the resident a roster row belongs to by name, ID tail and address."""
    from lianxin.registry.selectors import person_search_for_matching

    item = selectors.review_get_for_user(user=request.user, pk=pk)
    q = request.GET.get("q", item.name if "q" not in request.GET else "").strip()[:60]
    found, hint = (
        person_search_for_matching(user=request.user, area_code=item.area_code, query=q)
        if q
        else ([], "")
    )
    candidates = [
        {
            "pk": p.pk,
            "name": p.name,
            "masked_id": masked_id_number(user=request.user, person=p),
            "birth_year": p.birth_date.year if p.birth_date else "",
            "place": " ".join(
                filter(None, [p.division.short_name if p.division_id else "", p.address])
            ),
        }
        for p in found
    ]
    context = {
        "item": item,
        "q": q,
        "candidates": candidates,
        "hint": hint,
        "source_title": _source_title(item.source),
    }
    return render(request, "monitoring/review_match.html", context)


@login_required
@require_POST
def review_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.review_get_for_user(user=request.user, pk=pk)
    person = None
    if request.POST.get("person") and not request.POST.get("dismiss"):
        try:
            person = person_get_for_user(user=request.user, pk=int(request.POST["person"]))
        except ValueError as exc:
            raise Http404 from exc
    try:
        services.review_resolve(
            actor=request.user, item=item, person=person, note=request.POST.get("note", "")
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("monitoring:review_match", pk=item.pk)
    messages.success(request, f"已关联居民：{person.name}" if person else "已标记为无法关联")
    return redirect("monitoring:review_list")


@login_required
def rule_settings(request: HttpRequest) -> HttpResponse:
    setting = selectors.rule_setting()
    initial = {
        "large_medical_expense_yuan": setting.large_medical_expense_yuan,
        "elderly_age": setting.elderly_age,
        "match_threshold": setting.match_threshold,
    }
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
    rules = [
        {"title": r.title, "needs_titles": [ROSTER_TITLES.get(n, n) for n in r.needs]}
        for r in RULES
    ]
    return render(
        request,
        "monitoring/rule_settings.html",
        {"form": form, "can_edit": can_edit, "rules": rules},
    )
