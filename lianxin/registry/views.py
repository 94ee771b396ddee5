"""Staff pages of the registry. Thin: reads through selectors, writes through services; every
view of a person's sensitive fields is recorded (core.audit.record_view)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from lianxin.core import audit, householdsections, idnumber
from lianxin.core.errors import ApplicationError
from lianxin.core.pages import action_page, told
from lianxin.core.pagination import paginate
from lianxin.core.roles import AREA_STAFF_ROLES, REVEAL_ROLES, Role
from lianxin.core.scoping import scope_of
from lianxin.core.workflow import Workflow

from . import exports, forms, selectors, services
from .household_import import jobs as import_jobs
from .household_import import report as import_reports
from .household_import.columns import RowError
from .models import ImportStatus, Person, Tag
from .workflows import (
    ASSISTANCE_WORKFLOW,
    DUPLICATE_WORKFLOW,
    HOUSEHOLD_WORKFLOW,
    IMPORT_WORKFLOW,
    PERSON_WORKFLOW,
    TAG_WORKFLOW,
)

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


def _age(birth_date: Any) -> int | None:
    if birth_date is None:
        return None
    today = timezone.localdate()
    return (
        today.year
        - birth_date.year
        - ((today.month, today.day) < (birth_date.month, birth_date.day))
    )


def _can_write(user: Any) -> bool:
    return scope_of(user).has_role(*services.WRITER_ROLES)


def _is_staff(user: Any) -> bool:
    return scope_of(user).has_role(*AREA_STAFF_ROLES)


# --- households -----------------------------------------------------------------------------


@login_required
def household_list(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    if not scope.has_role(*AREA_STAFF_ROLES, Role.GRID_WORKER):
        if scope.has_role(Role.LEADER):  # a leader's households are those he leads
            return redirect("care:leader_households")
        raise PermissionDenied("住户信息仅对网格员和区划内工作人员开放")
    filters = _filters(request)
    # the page shows only the head's name: their encrypted numbers are not read (or decrypted)
    households = selectors.household_list(user=request.user, **filters).defer(
        "head__id_number", "head__phone"
    )
    context: dict[str, Any] = paginate(request, households)
    page = list(context["object_list"])
    tags = selectors.household_tags(page)
    for household in page:
        household.active_tags = tags.get(household.pk, [])
    audit.record(  # the list shows residents' sensitive tags (AUD-01)
        actor=request.user,
        action="view.registry.household_list",
        changes={"fields": ["tags"], "count": len(page)},
    )
    context.update(
        households=page,
        filters=filters,
        search=filters["search"],
        tags=Tag.values,
        grids=selectors.grids_for_user(user=request.user)[:300],
        can_write=_can_write(request.user),
        can_export=True,
        can_import=_is_staff(request.user),
        villages=selectors.villages_for_user(user=request.user).values("code", "short_name")[:300],
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
            "age": _age(m.person.birth_date),
        }
        for m in detail["members"]
    ]
    history = paginate(request, selectors.household_history(household=household), per_page=30)
    sections = householdsections.sections_for(user=request.user, household=household)
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
            "can_add_member": household.is_active and _can_write(request.user),
            "assistance_end_form": _assistance_end_form(request, detail["assistance"]),
            "sections": sections,
            "hub_actions": householdsections.actions_of(sections),
            **_household_forms(request, household),
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


# --- corrections (each through its service: audited, shown in the household's history) --------


def _errors(form: Any) -> str:
    return "；".join(
        f"{form.fields[k].label}：{e}" if k in form.fields else e
        for k, errors in form.errors.items()
        for e in errors
    )


def _perform(request: HttpRequest, workflow: Workflow, obj: Any, name: str) -> Any:
    """Run one declared transition with the POSTed form (the one dispatch of every registry
    action page); the outcome, the form's field errors or the refusal, as a message."""
    outcome = workflow.perform(request, obj, name)
    if outcome.ok:
        messages.success(request, workflow.transition(name).success or "已办理")
        return outcome.result
    messages.error(request, _errors(outcome.form) if outcome.form is not None else outcome.error)
    return None


def _household_id(row: Any) -> int:
    return int(row.household_id)


def _person_id(tag: Any) -> int:
    return int(tag.person_id)


def _pages(get: Any, workflow: Workflow, back: str) -> Callable[..., Callable[..., HttpResponse]]:
    """The action pages of one kind of record (each names its transition): back to its page."""
    return partial(action_page, get=get, workflow=workflow, perform=_perform, back=back)


_household_page = _pages(
    selectors.household_get_for_user, HOUSEHOLD_WORKFLOW, "registry:household_detail"
)
_person_page = _pages(selectors.person_get_for_user, PERSON_WORKFLOW, "registry:person_detail")


assistance_add = _household_page("assistance_add", action="assistance_set")


def _household_forms(request: HttpRequest, household: Any) -> dict[str, Any]:
    """The forms of the actions this user may take on this household now."""
    available = {t.name for t in HOUSEHOLD_WORKFLOW.available(request.user, household)}
    names = {
        "edit": "edit_form",
        "head_change": "head_form",
        "split": "split_form",
        "merge": "merge_form",
        "assistance_set": "assistance_form",
    }
    bound = {
        key: HOUSEHOLD_WORKFLOW.bind_form(name, user=request.user, obj=household)
        for name, key in names.items()
        if name in available
    }
    if (edit_form := bound.get("edit_form")) is not None:
        edit_form.initial = {"address": household.address}
    if (assistance_form := bound.get("assistance_form")) is not None:
        assistance_form.initial = {"started_on": timezone.localdate()}
    return bound


def _assistance_end_form(request: HttpRequest, rows: Any) -> Any:
    """The form to end an assistance status, when this user may end the active rows."""
    active = next((row for row in rows if row.state == "active"), None)
    if active is None or not ASSISTANCE_WORKFLOW.can(request.user, active, "end"):
        return None
    return ASSISTANCE_WORKFLOW.bind_form("end", initial={"on": timezone.localdate()})


def _person_forms(request: HttpRequest, person: Any) -> dict[str, Any]:
    """The forms of the actions this user may take on this person now."""
    names = {
        "tag_add": "tag_form",
        "disability_set": "disability_form",
        "member_move": "move_form",
        "deceased": "deceased_form",
        "moved": "moved_form",
    }
    return {
        names[t.name]: PERSON_WORKFLOW.bind_form(t.name, user=request.user, obj=person)
        for t in PERSON_WORKFLOW.available(request.user, person)
    }


household_edit = _household_page("household_edit", action="edit")


head_change = _household_page("head_change", action="head_change")


@login_required
@require_POST
def household_split(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get_for_user(user=request.user, pk=pk)
    created = _perform(request, HOUSEHOLD_WORKFLOW, household, "split")
    if created is not None:
        messages.info(request, f"新户编号 {created.number}")
        return redirect("registry:household_detail", pk=created.pk)
    return redirect("registry:household_detail", pk=household.pk)


@login_required
@require_POST
def household_merge(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_get_for_user(user=request.user, pk=pk)
    target = _perform(request, HOUSEHOLD_WORKFLOW, household, "merge")
    return redirect("registry:household_detail", pk=(target or household).pk)


assistance_end = action_page(
    "assistance_end",
    selectors.assistance_get_for_user,
    ASSISTANCE_WORKFLOW,
    _perform,
    "registry:household_detail",
    back_pk=_household_id,
    action="end",
)


@login_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get_for_user(user=request.user, pk=pk)
    if not _can_write(request.user):
        raise PermissionDenied("您的角色不能修改居民信息")
    form = forms.PersonEditForm(
        request.POST or None,
        initial={"name": person.name, "ethnicity": person.ethnicity, "address": person.address},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.person_update(
                actor=request.user,
                person=person,
                name=d["name"],
                ethnicity=d["ethnicity"],
                phone_number=d["phone"] or None,
                address=d["address"],
            )
        except ApplicationError as exc:
            form.add_error("phone" if "电话" in exc.message else None, exc.message)
        else:
            messages.success(request, f"已修改{person.name}的信息")
            return redirect("registry:person_detail", pk=person.pk)
    if request.method != "POST":
        audit.record_view(actor=request.user, target=person, fields=["phone"])
    return render(
        request,
        "registry/person_edit.html",
        {
            "person": person,
            "form": form,
            "masked_phone": selectors.masked_phone(user=request.user, person=person),
        },
    )


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
            "can_edit": _can_write(request.user) and person.status == "alive",
            **_person_forms(request, person),
            "tag_removable": {
                t.pk
                for t in person.tags.filter(valid_to__isnull=True)
                if TAG_WORKFLOW.can(request.user, t, "remove")
            },
            "is_child": idnumber.is_minor_by_year(person.birth_date, timezone.localdate()),
            "registered_area": idnumber.registered_area_label(person.registered_area_code),
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


member_move = _person_page("member_move", action="member_move")


tag_add = _person_page("tag_add", action="tag_add")


person_deceased = _person_page("person_deceased", action="deceased")


person_moved = _person_page("person_moved", action="moved")


disability_set = _person_page("disability_set", action="disability_set")


tag_remove = action_page(
    "tag_remove",
    selectors.tag_get_for_user,
    TAG_WORKFLOW,
    _perform,
    "registry:person_detail",
    back_pk=_person_id,
    action="remove",
)


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
) -> HttpResponseBase:
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
def household_export(request: HttpRequest) -> HttpResponseBase:
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
def key_person_export(request: HttpRequest) -> HttpResponseBase:
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
                "actions": {t.name for t in DUPLICATE_WORKFLOW.available(request.user, c)},
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
    return render(request, "registry/duplicate_list.html", context)


@login_required
@require_POST
def duplicate_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = selectors.duplicate_get_for_user(user=request.user, pk=pk)
    name = "merge" if request.POST.get("action") == "merge" else "dismiss"
    _perform(request, DUPLICATE_WORKFLOW, candidate, name)
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
            job = import_jobs.import_job_create(
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
    phase, done, total = import_jobs.import_progress(job)
    percent = int(done * 100 / total) if total else 0
    return {
        "job": job,
        "phase": phase,
        "done": done,
        "total": total,
        "percent": percent,
        "report": job.report or {},
        "can_confirm": IMPORT_WORKFLOW.can(request.user, job, "confirm"),
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


import_confirm = action_page(
    "import_confirm", selectors.import_job_get_for_user, IMPORT_WORKFLOW, told(""),
    "registry:import_detail", action="confirm", module=__name__,
)  # fmt: skip


@login_required
def import_report(request: HttpRequest, pk: int) -> HttpResponseBase:
    job = selectors.import_job_get_for_user(user=request.user, pk=pk)
    if job.status in (ImportStatus.UPLOADED, ImportStatus.CHECKING):
        raise Http404("报告尚未生成")
    report = job.report or {}

    def rows(key: str) -> list[RowError]:
        return [RowError(*item) for item in report.get(key, [])]

    handle = _report_file(
        summary=report.get("summary") or [("结果", job.message)],
        errors=rows("errors"),
        warnings=rows("warnings"),
    )
    return FileResponse(handle, as_attachment=True, filename=f"import-report-{job.pk}.xlsx")


def _report_file(**kwargs: Any) -> Any:
    import tempfile

    handle = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    import_reports.write_report(handle, **kwargs)
    handle.seek(0)
    return handle


@login_required
def import_template(request: HttpRequest) -> HttpResponseBase:
    import tempfile

    handle = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115
    import_reports.write_template(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename="household-import-template.xlsx")


def person_link(person: Person) -> str:  # used by templates of other apps later
    from django.urls import reverse

    return reverse("registry:person_detail", args=[person.pk])
