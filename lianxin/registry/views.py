"""Staff pages of the registry. Thin: reads through selectors, writes through services; every
view of a person's sensitive fields is recorded (core.audit.record_view)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from lianxin.core import audit
from lianxin.core.errors import ApplicationError
from lianxin.core.pagination import paginate
from lianxin.core.roles import AREA_STAFF_ROLES, REVEAL_ROLES
from lianxin.core.scoping import scope_of

from . import exports, forms, importing, imports, selectors, services
from .models import ImportStatus, Person, Tag

SENSITIVE_PERSON_FIELDS = ["id_number", "phone", "disability", "tags", "assistance"]


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _filters(request: HttpRequest) -> dict[str, Any]:
    return {
        "area_code": request.GET.get("area", "").strip()[:12],
        "grid_id": _int(request.GET.get("grid")),
        "tag": request.GET.get("tag", "") if request.GET.get("tag", "") in Tag.values else "",
        "search": request.GET.get("q", "").strip()[:40],
    }


def _can_write(user: Any) -> bool:
    return scope_of(user).has_role(*services.WRITER_ROLES)


def _is_staff(user: Any) -> bool:
    return scope_of(user).has_role(*AREA_STAFF_ROLES)


# --- households -----------------------------------------------------------------------------


@login_required
def household_list(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    context: dict[str, Any] = paginate(
        request, selectors.household_list(user=request.user, **filters)
    )
    page = list(context["object_list"])
    tags = selectors.household_tags(page)
    for household in page:
        household.active_tags = tags.get(household.pk, [])
    context.update(
        households=page,
        filters=filters,
        search=filters["search"],
        tags=Tag.values,
        grids=selectors.grids_for_user(user=request.user)[:300],
        can_write=_can_write(request.user),
        can_export=True,
    )
    return render(request, "registry/household_list.html", context)


@login_required
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get_for_user(user=request.user, pk=pk)
    detail = selectors.household_detail(household=household)
    audit.record_view(actor=request.user, target=household, fields=SENSITIVE_PERSON_FIELDS)
    members = [
        {
            "membership": m,
            "person": m.person,
            "masked_id": selectors.masked_id_number(user=request.user, person=m.person),
            "tags": detail["tags"].get(m.person_id, []),
            "disability": detail["disabilities"].get(m.person_id),
        }
        for m in detail["members"]
    ]
    history = paginate(request, selectors.household_history(household=household), per_page=30)
    return render(
        request,
        "registry/household_detail.html",
        {
            "household": household,
            "members": members,
            "assistance": detail["assistance"],
            "former_members": detail["former_members"],
            "history": [(e, selectors.describe_event(e)) for e in history["object_list"]],
            "page_obj": history["page_obj"],
            "querystring_without_page": history["querystring_without_page"],
            "can_write": _can_write(request.user),
            "assistance_form": forms.AssistanceForm(initial={"started_on": timezone.localdate()}),
        },
    )


@login_required
def household_register(request: HttpRequest) -> HttpResponse:
    if not _can_write(request.user):
        raise PermissionDenied
    villages = selectors.villages_for_user(user=request.user)
    grids = selectors.grids_for_user(user=request.user)
    form = forms.HouseholdForm(request.POST or None, villages=villages, grids=grids)
    formset = forms.MemberFormSet(request.POST or None, prefix="m")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        members = [f.to_input() for f in formset if f.cleaned_data and not f.is_blank()]
        division = villages.filter(code=form.cleaned_data["division"]).first()
        try:
            if division is None:
                raise ApplicationError("请选择社区(村)")
            household = services.household_register(
                actor=request.user,
                division=division,
                grid=forms.grid_choice(form.cleaned_data["grid"], grids),
                address=form.cleaned_data["address"],
                number=form.cleaned_data["number"],
                members=members,
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已登记住户{household.number}")
            return redirect("registry:household_detail", pk=household.pk)
    return render(request, "registry/household_form.html", {"form": form, "formset": formset})


@login_required
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get_for_user(user=request.user, pk=pk)
    if not _can_write(request.user):
        raise PermissionDenied
    form = forms.MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.is_blank():
                raise ApplicationError("请填写姓名、身份证号和与户主关系")
            person = services.member_add(
                actor=request.user, household=household, member=form.to_input()
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已添加成员{person.name}")
            return redirect("registry:household_detail", pk=household.pk)
    return render(request, "registry/member_form.html", {"form": form, "household": household})


@login_required
@require_POST
def assistance_add(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get_for_user(user=request.user, pk=pk)
    form = forms.AssistanceForm(request.POST)
    if form.is_valid():
        try:
            services.assistance_set(actor=request.user, household=household, **form.cleaned_data)
            messages.success(request, "已记录救助状态")
        except ApplicationError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "请填写救助类型和起始日期")
    return redirect("registry:household_detail", pk=household.pk)


# --- persons --------------------------------------------------------------------------------


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get_for_user(user=request.user, pk=pk)
    audit.record_view(actor=request.user, target=person, fields=SENSITIVE_PERSON_FIELDS)
    scope = scope_of(request.user)
    return render(
        request,
        "registry/person_detail.html",
        {
            "person": person,
            "masked_id": selectors.masked_id_number(user=request.user, person=person),
            "masked_phone": selectors.masked_phone(user=request.user, person=person),
            "household": selectors.current_household_of(person),
            "tags": person.tags.order_by("valid_to", "-valid_from"),
            "disabilities": person.disabilities.order_by("-is_active", "-id"),
            "history": [
                (e, selectors.describe_event(e))
                for e in selectors.person_history(person=person)[:50]
            ],
            "can_reveal": any(g.role in REVEAL_ROLES for g in scope.grants),
            "can_write": _can_write(request.user) and person.status == "alive",
            "tag_form": forms.TagForm(),
            "deceased_form": forms.DeceasedForm(),
            "moved_form": forms.MovedForm(),
            "disability_form": forms.DisabilityForm(),
            "is_child": bool(
                person.birth_date and (timezone.localdate() - person.birth_date).days < 18 * 365
            ),
        },
    )


@login_required
@require_POST
def person_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get_for_user(user=request.user, pk=pk)
    try:
        number = services.person_id_reveal(
            actor=request.user, person=person, reason=request.POST.get("reason", "")[:100]
        )
    except ApplicationError as exc:
        return render(
            request,
            "registry/partials/reveal.html",
            {"error": exc.message, "person": person},
            status=exc.status_code,
        )
    return render(request, "registry/partials/reveal.html", {"number": number, "person": person})


def _person_action(
    request: HttpRequest, pk: int, form_class: Any, action: Any, success: str
) -> HttpResponse:
    person = selectors.person_get_for_user(user=request.user, pk=pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(person, form.cleaned_data)
            messages.success(request, success)
        except ApplicationError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return redirect("registry:person_detail", pk=person.pk)


@login_required
@require_POST
def tag_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _person_action(
        request, pk, forms.TagForm,
        lambda p, d: services.tag_add(actor=request.user, person=p, tag=d["tag"], evidence=d["evidence"], source=d["source"]),
        "已添加标签",
    )  # fmt: skip


@login_required
@require_POST
def person_deceased(request: HttpRequest, pk: int) -> HttpResponse:
    return _person_action(
        request, pk, forms.DeceasedForm,
        lambda p, d: services.person_mark_deceased(actor=request.user, person=p, on=d["on"], evidence=d["evidence"]),
        "已标记为已故",
    )  # fmt: skip


@login_required
@require_POST
def person_moved(request: HttpRequest, pk: int) -> HttpResponse:
    return _person_action(
        request, pk, forms.MovedForm,
        lambda p, d: services.person_mark_moved(actor=request.user, person=p, on=d["on"], destination=d["destination"]),
        "已标记为迁出",
    )  # fmt: skip


@login_required
@require_POST
def disability_set(request: HttpRequest, pk: int) -> HttpResponse:
    return _person_action(
        request, pk, forms.DisabilityForm,
        lambda p, d: services.disability_set(actor=request.user, person=p, disability_type=d["disability_type"], grade=d["grade"], issued_on=d["issued_on"]),
        "已记录残疾信息",
    )  # fmt: skip


@login_required
@require_POST
def tag_remove(request: HttpRequest, pk: int) -> HttpResponse:
    tag = selectors.tag_get_for_user(user=request.user, pk=pk)
    try:
        services.tag_remove(actor=request.user, tag=tag, reason=request.POST.get("reason", ""))
        messages.success(request, "已取消标签")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("registry:person_detail", pk=tag.person_id)


# --- ledgers and exports --------------------------------------------------------------------


@login_required
def key_person_ledger(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    qs = selectors.key_persons(
        user=request.user,
        tag=filters["tag"],
        grid_id=filters["grid_id"],
        area_code=filters["area_code"],
    )
    context: dict[str, Any] = paginate(request, qs)
    persons = list(context["object_list"])
    tags = selectors.active_tags_of(persons)
    audit.record(
        actor=request.user,
        action="view.registry.key_person_ledger",
        changes={"fields": ["tags"], "count": len(persons)},
        area_code="",
    )
    context.update(
        rows=[
            {
                "person": p,
                "tags": tags.get(p.pk, []),
                "masked_id": selectors.masked_id_number(user=request.user, person=p),
            }
            for p in persons
        ],
        by_grid=selectors.key_persons_by_grid(user=request.user)[:200],
        filters=filters,
        tags=Tag.values,
        grids=selectors.grids_for_user(user=request.user)[:300],
    )
    return render(request, "registry/key_person_ledger.html", context)


def _export_response(
    request: HttpRequest,
    *,
    title: str,
    headers: list[str],
    rows: Any,
    name: str,
    action: str,
    filters: dict[str, Any],
) -> HttpResponse:
    fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    audit.record(actor=request.user, action=action, changes={"format": fmt, "filters": filters})
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.csv_stream(headers=headers, rows=rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}-{stamp}.csv"
        return response
    handle, _count = exports.write_xlsx(title=title, headers=headers, rows=rows)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{name}-{stamp}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
def household_export(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    households = selectors.household_list(user=request.user, **filters)
    return _export_response(
        request,
        title="住户信息台账",
        headers=exports.HOUSEHOLD_HEADERS,
        rows=exports.household_ledger_rows(user=request.user, households=households),
        name="household-ledger",
        action="registry.household.export",
        filters=filters,
    )


@login_required
def key_person_export(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    persons = selectors.key_persons(
        user=request.user,
        tag=filters["tag"],
        grid_id=filters["grid_id"],
        area_code=filters["area_code"],
    )
    return _export_response(
        request,
        title="重点人员台账",
        headers=exports.KEY_PERSON_HEADERS,
        rows=exports.key_person_rows(user=request.user, persons=persons),
        name="key-persons",
        action="registry.key_person.export",
        filters=filters,
    )


# --- duplicates -----------------------------------------------------------------------------


@login_required
def duplicate_list(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = paginate(
        request, selectors.duplicate_queue(user=request.user), per_page=20
    )
    items = []
    for c in context["object_list"]:
        items.append(
            {
                "candidate": c,
                "sides": [
                    {
                        "person": p,
                        "masked_id": selectors.masked_id_number(user=request.user, person=p),
                        "household": selectors.current_household_of(p),
                    }
                    for p in (c.person, c.other)
                ],
            }
        )
    context["items"] = items
    context["can_write"] = _can_write(request.user)
    return render(request, "registry/duplicate_list.html", context)


@login_required
@require_POST
def duplicate_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = selectors.duplicate_get_for_user(user=request.user, pk=pk)
    try:
        if request.POST.get("action") == "merge":
            keep_id = _int(request.POST.get("keep"))
            keep = next((p for p in (candidate.person, candidate.other) if p.pk == keep_id), None)
            if keep is None:
                raise ApplicationError("请选择保留哪一条记录")
            services.duplicate_merge(actor=request.user, candidate=candidate, keep=keep)
            messages.success(request, f"已合并，保留{keep.name}的记录")
        else:
            services.duplicate_dismiss(
                actor=request.user, candidate=candidate, note=request.POST.get("note", "")
            )
            messages.success(request, "已确认为不同的人")
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("registry:duplicate_list")


# --- imports --------------------------------------------------------------------------------


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    if not _is_staff(request.user):
        raise PermissionDenied
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = imports.import_job_create(
                actor=request.user, file_name=upload.name, chunks=upload.chunks(), size=upload.size
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("registry:import_detail", pk=job.pk)
    context: dict[str, Any] = paginate(
        request, selectors.import_jobs_of(user=request.user), per_page=20
    )
    context["form"] = form
    context["max_mb"] = importing_max_mb()
    return render(request, "registry/import_upload.html", context)


def importing_max_mb() -> int:
    from django.conf import settings

    return int(settings.LIANXIN_IMPORT_MAX_BYTES) // 1048576


def _job_context(request: HttpRequest, pk: int) -> dict[str, Any]:
    job = selectors.import_job_get_for_user(user=request.user, pk=pk)
    phase, done, total = imports.import_progress(job)
    percent = int(done * 100 / total) if total else 0
    return {
        "job": job,
        "phase": phase,
        "done": done,
        "total": total,
        "percent": percent,
        "report": job.report or {},
    }


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "registry/import_detail.html", _job_context(request, pk))


@login_required
def import_status(request: HttpRequest, pk: int) -> HttpResponse:
    context = _job_context(request, pk)
    response = render(request, "registry/partials/import_status.html", context)
    if not context["job"].is_running and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.import_job_get_for_user(user=request.user, pk=pk)
    try:
        imports.import_job_confirm(actor=request.user, job=job)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("registry:import_detail", pk=job.pk)


@login_required
def import_report(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.import_job_get_for_user(user=request.user, pk=pk)
    if job.status in (ImportStatus.UPLOADED, ImportStatus.CHECKING):
        raise Http404("报告尚未生成")
    report = job.report or {}

    def rows(key: str) -> list[importing.RowError]:
        return [importing.RowError(*item) for item in report.get(key, [])]

    handle = _report_file(
        summary=report.get("summary") or [("结果", job.message)],
        errors=rows("errors"),
        warnings=rows("warnings"),
    )
    return FileResponse(handle, as_attachment=True, filename=f"import-report-{job.pk}.xlsx")


def _report_file(**kwargs: Any) -> Any:
    import tempfile

    handle = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    importing.write_report(handle, **kwargs)
    handle.seek(0)
    return handle


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    import tempfile

    handle = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115
    importing.write_template(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename="household-import-template.xlsx")


def person_link(person: Person) -> str:  # used by templates of other apps later
    from django.urls import reverse

    return reverse("registry:person_detail", args=[person.pk])
