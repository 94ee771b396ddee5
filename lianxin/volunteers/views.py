"""Pages of neighbourhood help: the wish wall (partners, volunteers, staff), a volunteer's phone
pages (my tasks, check in/out, hours and points), the community's pages (wishes, tasks, teams,
the key-person roster with the four ones and the emergency card). Partners and volunteers see
wishes and tasks only through their anonymised fields."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from lianxin.care import selectors as care_selectors
from lianxin.core import audit, inputs
from lianxin.core.dates import parse_date
from lianxin.core.errors import ApplicationError
from lianxin.core.pages import Perform, action_page, attempt
from lianxin.core.pagination import paginate
from lianxin.core.workflow import Workflow
from lianxin.registry import selectors as registry_selectors

from . import card as cards
from . import exports, selectors, services
from .models import (
    ConfirmedBy,
    ServiceTask,
    TaskKind,
    TaskStatus,
    TeamKind,
    WishCategory,
    WishStatus,
)
from .workflows import TASK_WORKFLOW, WISH_WORKFLOW

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _staff_only(request: HttpRequest) -> None:
    if not selectors.is_staff(request.user):
        raise PermissionDenied("仅限社区和网格工作人员")


def _int(value: Any) -> int | None:
    return inputs.parse_int(value)


def _fen(value: Any) -> int | None:
    return inputs.yuan_to_fen(value)


def _xlsx(handle: Any, filename: str) -> FileResponse:
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)


# ---------------------------------------------------------------------------------------------
# Wishes


@login_required
def wall(request: HttpRequest) -> HttpResponse:
    category = request.GET.get("category", "")
    qs = selectors.wall(user=request.user, category=category)
    page = paginate(request, qs)
    return render(
        request,
        "volunteers/wall.html",
        {**page, "categories": WishCategory.choices, "category": category, "wf": WISH_WORKFLOW},
    )


@login_required
def my_claims(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.my_claims(user=request.user))
    return render(request, "volunteers/my_claims.html", {**page, "wf": WISH_WORKFLOW})


@login_required
def wish_list(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    status = request.GET.get("status", "")
    qs = selectors.wish_list(user=request.user, status=status, search=request.GET.get("q", ""))
    page = paginate(request, qs)
    return render(
        request,
        "volunteers/wish_list.html",
        {**page, "statuses": WishStatus.choices, "status": status, "q": request.GET.get("q", "")},
    )


@login_required
def wish_new(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    person = measure = None
    if measure_pk := _int(request.GET.get("measure") or request.POST.get("measure")):
        measure = care_selectors.measure_get_for_user(user=request.user, pk=measure_pk)
    if person_pk := _int(request.GET.get("person") or request.POST.get("person")):
        person = registry_selectors.person_get_for_user(user=request.user, pk=person_pk)
    division = None
    if request.method == "POST" and person is None and measure is None:
        codes = [v.code for v in registry_selectors.villages_for_user(user=request.user)]
        if request.POST.get("division") in codes:
            division = registry_selectors.villages_for_user(user=request.user).get(
                code=request.POST["division"]
            )
    if request.method == "POST":
        try:
            wish, code = services.wish_create(
                actor=request.user,
                title=request.POST.get("title", ""),
                category=request.POST.get("category", ""),
                estimate_fen=_fen(request.POST.get("estimate")),
                person=person,
                measure=measure,
                division=division,
                institution=request.POST.get("institution", ""),
                public_kind=request.POST.get("public_kind", ""),
                story=request.POST.get("story", ""),
                claim_days=_int(request.POST.get("claim_days")) or services.DEFAULT_CLAIM_DAYS,
                publish=request.POST.get("publish") == "1",
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                f"已登记微心愿 {wish.number}。受助人确认码：{code}（请交给受助人保管，仅显示一次）",
            )
            return redirect("volunteers:wish_detail", wish.pk)
    return render(
        request,
        "volunteers/wish_new.html",
        {
            "person": person,
            "measure": measure,
            "categories": WishCategory.choices,
            "public_kinds": services.PUBLIC_KINDS,
            "villages": registry_selectors.villages_for_user(user=request.user),
            "data": request.POST,
        },
    )


@login_required
def wish_detail(request: HttpRequest, pk: int) -> HttpResponse:
    wish = selectors.wish_get_for_user(user=request.user, pk=pk)
    staff = selectors.is_staff(request.user)
    if staff and wish.person_id:
        audit.record_view(actor=request.user, target=wish, fields=["person"])
    return render(
        request,
        "volunteers/wish_detail.html",
        {
            "wish": wish,
            "staff": staff,
            "wf": WISH_WORKFLOW,
            "confirm_kinds": ConfirmedBy.choices,
            "claims": wish.claims.select_related("claimant_org").order_by("-claimed_at")
            if staff
            else [],
        },
    )


def _running(services_by_action: Mapping[str, Callable[[HttpRequest, Any], Any]]) -> Perform:
    """The volunteers' ``perform`` for action_page: the action's service with the POSTed input,
    its refusal or "已<label>" as the message."""

    def perform(request: HttpRequest, workflow: Workflow, obj: Any, action: str) -> None:
        run = services_by_action.get(action)
        if run is None:
            raise Http404("没有这个操作")
        attempt(request, lambda: run(request, obj), f"已{workflow.transition(action).label}")

    return perform


WISH_SERVICES = {
    "publish": lambda r, w: services.wish_publish(actor=r.user, obj=w),
    "claim": lambda r, w: services.wish_claim(actor=r.user, obj=w),
    "release": lambda r, w: services.wish_release(
        actor=r.user, obj=w, reason=r.POST.get("reason", "")
    ),
    "deliver": lambda r, w: services.wish_deliver(
        actor=r.user, obj=w, note=r.POST.get("note", ""), value_fen=_fen(r.POST.get("value"))
    ),
    "confirm": lambda r, w: services.wish_confirm(
        actor=r.user,
        obj=w,
        confirmed_by=r.POST.get("confirmed_by", ""),
        receipt_code=r.POST.get("receipt_code", ""),
        photo=r.FILES.get("photo"),
    ),
    "cancel": lambda r, w: services.wish_cancel(
        actor=r.user, obj=w, reason=r.POST.get("reason", "")
    ),
}


wish_action = action_page(
    "wish_action", selectors.wish_get_for_user, WISH_WORKFLOW, _running(WISH_SERVICES),
    "volunteers:wish_detail",
)  # fmt: skip


@login_required
def wish_photo(request: HttpRequest, pk: int) -> HttpResponseBase:
    _staff_only(request)
    wish = selectors.wish_get_for_user(user=request.user, pk=pk)
    if not wish.confirm_photo:
        raise Http404("没有照片")
    audit.record_view(actor=request.user, target=wish, fields=["confirm_photo"])
    return FileResponse(wish.confirm_photo.open("rb"), content_type="image/*")


@login_required
def wish_export(request: HttpRequest) -> HttpResponseBase:
    qs = selectors.wish_list(user=request.user, status=request.GET.get("status", ""))
    audit.record(
        actor=request.user,
        action="volunteers.wish.export",
        changes={"status": request.GET.get("status", "")},
    )
    return _xlsx(exports.wishes_xlsx(qs), "微心愿台账.xlsx")


@login_required
def wish_report(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    return render(request, "volunteers/wish_report.html", selectors.wish_report(user=request.user))


# ---------------------------------------------------------------------------------------------
# Volunteers' phone pages


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "volunteers/my_tasks.html",
        {
            **selectors.my_tasks(user=request.user),
            "profile": selectors.profile_of(request.user),
            "wf": TASK_WORKFLOW,
        },
    )


@login_required
def my_record(request: HttpRequest) -> HttpResponse:
    profile = selectors.profile_of(request.user)
    context: dict[str, Any] = {"profile": profile}
    if profile is not None:
        context.update(selectors.ledger_of(profile))
        context["balance"] = selectors.balance_of(profile)
    return render(request, "volunteers/my_record.html", context)


@login_required
def certificate(request: HttpRequest, pk: int) -> HttpResponseBase:
    volunteer = selectors.profile_get_for_user(user=request.user, pk=pk)
    issuer = f"{volunteer.division.name}新时代文明实践站"
    context = exports.certificate_context(volunteer, issuer)
    audit.record(actor=request.user, action="volunteers.certificate.issue", target=volunteer)
    if request.GET.get("format") == "pdf":
        response = HttpResponse(exports.certificate_pdf(context), content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="certificate.pdf"'
        return response
    return _xlsx(exports.certificate_xlsx(context), "志愿服务记录证明.xlsx")


# ---------------------------------------------------------------------------------------------
# Tasks


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    status = request.GET.get("status", "")
    page = paginate(request, selectors.task_list(user=request.user, status=status))
    return render(
        request,
        "volunteers/task_list.html",
        {
            **page,
            "statuses": TaskStatus.choices,
            "status": status,
            "deliveries": selectors.deliveries_by_kind(user=request.user),
        },
    )


@login_required
def task_new(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    mid = _int(request.GET.get("measure") or request.POST.get("measure"))
    measure = care_selectors.measure_get_for_user(user=request.user, pk=mid) if mid else None
    pid = _int(request.GET.get("person") or request.POST.get("person"))
    person = registry_selectors.person_get_for_user(user=request.user, pk=pid) if pid else None
    wid = _int(request.GET.get("wish") or request.POST.get("wish"))
    wish = selectors.wish_get_for_user(user=request.user, pk=wid) if wid else None
    teams = selectors.team_list(user=request.user)
    if request.method == "POST":
        team = teams.filter(pk=_int(request.POST.get("team")) or 0).first()
        when = request.POST.get("scheduled_for", "")
        scheduled = None
        if when:
            try:
                scheduled = timezone.make_aware(dt.datetime.fromisoformat(when))
            except ValueError:
                scheduled = None
        try:
            if team is None:
                raise ApplicationError("请选择派给的队伍")
            task = services.task_create(
                actor=request.user,
                kind=request.POST.get("kind", ""),
                title=request.POST.get("title", ""),
                team=team,
                person=person,
                measure=measure,
                wish=wish,
                scheduled_for=scheduled,
                meeting_point=request.POST.get("meeting_point", ""),
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已派发任务 {task.number}")
            return redirect("volunteers:task_detail", task.pk)
    return render(
        request,
        "volunteers/task_new.html",
        {
            "kinds": TaskKind.choices,
            "teams": teams,
            "measure": measure,
            "person": person,
            "wish": wish,
            "data": request.POST,
        },
    )


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.task_get_for_user(user=request.user, pk=pk)
    staff = selectors.is_staff(request.user)
    mine = task.volunteer is not None and task.volunteer.user_id == request.user.pk
    return render(
        request,
        "volunteers/task_detail.html",
        {
            "task": task,
            "staff": staff,
            "mine": mine,
            "wf": TASK_WORKFLOW,
            "confirm_kinds": ConfirmedBy.choices,
        },
    )


TASK_SERVICES = {
    "take": lambda r, t: services.task_take(actor=r.user, obj=t),
    "release": lambda r, t: services.task_release(
        actor=r.user, obj=t, reason=r.POST.get("reason", "")
    ),
    "check_in": lambda r, t: services.task_check_in(actor=r.user, obj=t),
    "check_out": lambda r, t: services.task_check_out(
        actor=r.user, obj=t, note=r.POST.get("note", "")
    ),
    "confirm": lambda r, t: services.task_confirm(
        actor=r.user, obj=t, confirmed_by=r.POST.get("confirmed_by", ConfirmedBy.GRID_WORKER)
    ),
    "cancel": lambda r, t: services.task_cancel(
        actor=r.user, obj=t, reason=r.POST.get("reason", "")
    ),
}


task_action = action_page(
    "task_action", selectors.task_get_for_user, TASK_WORKFLOW, _running(TASK_SERVICES),
    "volunteers:task_detail",
)  # fmt: skip


@login_required
def records_export(request: HttpRequest) -> HttpResponseBase:
    _staff_only(request)
    audit.record(actor=request.user, action="volunteers.records.export")
    return _xlsx(
        exports.records_xlsx(selectors.service_records(user=request.user)), "志愿服务记录.xlsx"
    )


# ---------------------------------------------------------------------------------------------
# Teams, volunteers, points


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    kind = request.GET.get("kind", "")
    return render(
        request,
        "volunteers/team_list.html",
        {
            "teams": selectors.team_list(user=request.user, kind=kind)[:500],
            "kinds": TeamKind.choices,
            "kind": kind,
            "warm": selectors.warm_team_figures(user=request.user),
            "deliveries": selectors.deliveries_by_kind(user=request.user),
            "volunteers": selectors.profile_list(user=request.user)[:200],
        },
    )


@login_required
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    team = selectors.team_get_for_user(user=request.user, pk=pk)
    roster = selectors.roster(user=request.user, team_id=team.pk)
    return render(
        request,
        "volunteers/team_detail.html",
        {
            "team": team,
            "members": selectors.team_members(team),
            "figures": selectors.fourones_figures(roster),
            "candidates": selectors.profile_list(user=request.user).exclude(teams=team)[:200],
        },
    )


@login_required
@require_POST
def team_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    team = selectors.team_get_for_user(user=request.user, pk=pk)
    volunteer = (
        selectors.profile_list(user=request.user)
        .filter(pk=_int(request.POST.get("volunteer")) or 0)
        .first()
    )
    try:
        if volunteer is None:
            raise ApplicationError("请选择志愿者")
        services.team_add_member(
            actor=request.user,
            team=team,
            volunteer=volunteer,
            is_leader=request.POST.get("leader") == "1",
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("volunteers:team_detail", team.pk)


@login_required
def points_spend(request: HttpRequest) -> HttpResponse:
    """A love-alliance merchant records points a volunteer spends (by the volunteer's number)."""
    merchants = selectors.merchants_of(request.user)
    staff = selectors.is_staff(request.user)
    if not merchants.exists() and not staff:
        raise PermissionDenied("仅限爱心商家和社区工作人员")
    if request.method == "POST":
        code = request.POST.get("code", "").strip()
        volunteer = selectors.volunteer_by_code(code)
        merchant = (
            merchants.filter(pk=_int(request.POST.get("merchant"))).first() if not staff else None
        )
        try:
            if volunteer is None:
                raise ApplicationError("没有这个志愿者编号")
            points = _int(request.POST.get("points"))
            services.points_spend(
                actor=request.user,
                volunteer=volunteer,
                points=points or 0,
                merchant=merchant,
                note=request.POST.get("note", ""),
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已登记 {points} 积分")
            return redirect("volunteers:points_spend")
    return render(request, "volunteers/points_spend.html", {"merchants": merchants, "staff": staff})


# ---------------------------------------------------------------------------------------------
# The key-person roster and the four ones


@login_required
def roster(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    team_id = _int(request.GET.get("team"))
    qs = selectors.roster(user=request.user, team_id=team_id)
    page = paginate(request, qs)
    return render(
        request,
        "volunteers/roster.html",
        {
            **page,
            "figures": selectors.fourones_figures(qs),
            "teams": selectors.team_list(user=request.user, kind=TeamKind.WARM_DELIVERY),
            "team_id": team_id,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def roster_sync(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    team = selectors.team_get_for_user(user=request.user, pk=pk)
    try:
        added = services.roster_sync(actor=request.user, team=team)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已从重点人员台账加入 {added} 人")
    return redirect(f"{reverse('volunteers:roster')}?team={team.pk}")


@login_required
@require_POST
def fourones_record(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    care = selectors.keyperson_get_for_user(user=request.user, pk=pk)
    on = parse_date(request.POST.get("on", "")) if request.POST.get("on") else None
    try:
        services.fourones_record(
            actor=request.user, care=care, item=request.POST.get("item", ""), on=on
        )
    except (ApplicationError, ValueError) as exc:
        messages.error(request, getattr(exc, "message", "日期格式不正确"))
    return redirect(
        request.POST.get("next", "")
        if str(request.POST.get("next", "")).startswith("/volunteers/")
        else "volunteers:roster"
    )


@login_required
def card(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    care = selectors.keyperson_get_for_user(user=request.user, pk=pk)
    context = cards.card_context(care)
    services.card_printed(actor=request.user, care=care)
    if request.GET.get("format") == "pdf":
        response = HttpResponse(cards.card_pdf(context), content_type="application/pdf")
        response["Content-Disposition"] = 'inline; filename="card.pdf"'
        return response
    context["qr"] = cards.qr_svg(context["qr_target"])
    return render(request, "volunteers/card.html", context)


@login_required
def fourones_export(request: HttpRequest) -> HttpResponseBase:
    _staff_only(request)
    audit.record(actor=request.user, action="volunteers.fourones.export")
    qs = selectors.roster(user=request.user, team_id=_int(request.GET.get("team")))
    return _xlsx(exports.fourones_xlsx(qs), "重点人员四个一台账.xlsx")


__all__ = ["ServiceTask"]
