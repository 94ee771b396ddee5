"""Pages of the hotline: intake with the live routing proposal, queues, the order with its
timeline and actions, supervision, callbacks, the problem ledger, reports, the “回音” digest and
the public citizen pages."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from lianxin.core import limits, phone
from lianxin.core.errors import ApplicationError
from lianxin.core.pagination import list_filters, list_page
from lianxin.core.redaction import redact
from lianxin.core.roles import AREA_STAFF_ROLES, Role
from lianxin.core.scoping import get_for_user_or_404, scope_of
from lianxin.core.workflow import FormInvalid
from lianxin.directory.models import DeptType, Organisation

from . import exports, selectors, services
from .forms import UnitField, UnitsField
from .intake import intake_request
from .models import (
    Channel,
    LedgerStatus,
    NoteKind,
    ProblemLedgerItem,
    Satisfaction,
    Status,
    Urgency,
    WorkOrder,
    WorkOrderAttachment,
)
from .routing import DEPT_NAMES
from .workflows import ACTION_NAMES, SUCCESS, WORKORDER_WORKFLOW, perform

PUBLIC_SUBMIT_PER_HOUR = 10
PUBLIC_LOOKUPS_PER_HOUR = 60


def _dept_choices() -> list[tuple[str, str]]:
    return [(v, DEPT_NAMES.get(v, label)) for v, label in DeptType.choices]


# --- intake --------------------------------------------------------------------------------


@login_required
def intake(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    if not scope.has_role(Role.HOTLINE_AGENT):
        raise Http404("仅12345坐席可以受理")
    form: dict[str, Any] = {
        "idempotency_key": uuid.uuid4().hex,
        "urgency": Urgency.GENERAL,
        "channel": "phone",
        "dispatch_now": "1",
    }
    error = ""
    field_errors: dict[str, str] = {}
    if request.method == "POST":
        form = {
            k: request.POST.get(k, "").strip() for k in request.POST if k != "csrfmiddlewaretoken"
        }
        try:
            result = _intake_submit(request)
        except ApplicationError as exc:
            error, field_errors = _placed(exc, INTAKE_FIELDS)
        else:
            order = result.order
            if result.merged:
                messages.success(request, f"已受理并合并，工单号 {order.tracking_code}")
            elif result.dispatched:
                unit = order.lead_unit.name if order.lead_unit else ""
                messages.success(request, f"已受理并派给{unit}，工单号 {order.tracking_code}")
            elif result.dispatch_error:
                messages.warning(
                    request,
                    f"已受理（工单号 {order.tracking_code}），但未派单：{result.dispatch_error}",
                )
            else:
                messages.success(request, f"已受理，工单号 {order.tracking_code}")
            return redirect("hotline:order_detail", pk=order.pk)
    return render(
        request,
        "hotline/intake.html",
        {
            "form": form,
            "error": error,
            "field_errors": field_errors,
            "urgencies": Urgency.choices,
            "channels": [
                ("phone", "电话"),
                ("web", "网站"),
                ("app", "移动应用"),
                ("cppcc", "社情民意信息"),
            ],
        },
    )


#: The intake form's own fields: an error about one of them is shown next to it, once.
INTAKE_FIELDS = ("caller_name", "caller_phone", "channel", "urgency", "place", "text")
PUBLIC_FIELDS = ("caller_name", "caller_phone", "place", "text")


def _placed(exc: ApplicationError, fields: tuple[str, ...]) -> tuple[str, dict[str, str]]:
    """(error for the top of the form, {field: error}): a service's refusal that names one of
    the form's fields goes next to that field, any other refusal to the top — never both."""
    field = str(exc.extra.get("field", ""))
    return ("", {field: exc.message}) if field in fields else (exc.message, {})


def _intake_submit(request: HttpRequest) -> Any:
    """The agent's form → the one intake service (routing, correction, merge, dispatch)."""
    post = request.POST
    merge_into = post.get("merge_into", "").strip()
    target = (
        get_for_user_or_404(WorkOrder.objects.all(), request.user, pk=merge_into)
        if merge_into
        else None
    )
    return intake_request(
        actor=request.user,
        text=post.get("text", ""),
        caller_name=post.get("caller_name", ""),
        caller_phone=post.get("caller_phone", ""),
        place=post.get("place", ""),
        channel=post.get("channel") or "phone",
        urgency=post.get("urgency") or Urgency.GENERAL,
        dept_type=post.get("dept_type") or None,
        area_code=post.get("area_code") or None,
        idempotency_key=post.get("idempotency_key") or None,
        lead_unit=UnitField().clean_or_refuse(post.get("lead_unit")),
        support_units=UnitsField().clean_or_refuse(post.getlist("support_units")),
        dispatch_now=bool(post.get("dispatch_now")),
        merge_into=target,
    )


@login_required
def propose(request: HttpRequest) -> HttpResponse:
    """The routing proposal and possible duplicates as the agent types (htmx, debounced). Any
    field may come first: the proposal needs only the text; the place, a chosen place
    (``area_code``) and a chosen category (``dept_type``) refine it."""
    if not scope_of(request.user).has_role(Role.HOTLINE_AGENT):
        raise Http404("仅12345坐席可以使用")
    data = request.POST if request.method == "POST" else request.GET
    text = data.get("text", "").strip()
    place = data.get("place", "").strip()
    chosen_area = data.get("area_code", "").strip()
    chosen_type = data.get("dept_type", "").strip()
    if chosen_type not in DeptType.values:
        chosen_type = ""
    if chosen_area and not chosen_area.isdigit():
        chosen_area = ""
    trigger = request.headers.get("HX-Trigger-Name", "")
    if trigger in ("text", "place"):
        chosen_type = ""  # new words: propose afresh
    context: dict[str, Any] = {"dept_choices": _dept_choices()}
    caller = data.get("caller_phone", "").strip()[:30]
    if caller:
        context["caller_orders"] = selectors.caller_history(user=request.user, phone_number=caller)
        context["caller_resident"] = selectors.caller_is_resident(
            user=request.user, phone_number=caller
        )
    if len(text) >= 4:
        try:
            proposal = selectors.route_request(
                text=f"{place}{text}" if place else text,
                location=place or None,
                area_code=chosen_area or None,
            )
        except ValueError:
            proposal = None
        if proposal is not None:
            context.update(_proposal_context(request, proposal, text, chosen_type))
            if chosen_area:
                context["chosen_area"] = chosen_area
    return render(request, "hotline/partials/proposal.html", context)


def _proposal_context(
    request: HttpRequest, proposal: Any, text: str, chosen_type: str
) -> dict[str, Any]:
    dept_type = chosen_type or proposal.dept_type
    unit_codes = [proposal.unit["code"]] if proposal.unit else []
    unit_codes += [a["unit"]["code"] for a in proposal.alternatives if a.get("unit")]
    units = {u.code: u for u in Organisation.objects.filter(code__in=unit_codes)}
    suggested = units.get(proposal.unit["code"]) if proposal.unit else None
    if dept_type != proposal.dept_type:
        suggested = None
        for a in proposal.alternatives:
            if a["dept_type"] == dept_type and a.get("unit"):
                suggested = units.get(a["unit"]["code"])
        if suggested is None:
            from .routing.router import DEFAULT_LEVEL, target_area

            area = proposal.area_code or selectors.agent_area(request.user) or "64"
            code, hint = target_area(DEFAULT_LEVEL.get(dept_type, "county"), area)
            suggested = selectors.DirectoryUnitResolver().unit(dept_type, code, hint)
    options = [suggested] if suggested else []
    for a in proposal.alternatives:
        org = units.get(a["unit"]["code"]) if a.get("unit") else None
        if org is not None and org not in options:
            options.append(org)
    context: dict[str, Any] = {
        "proposal": proposal,
        "proposal_json": json.dumps(proposal.as_dict(), ensure_ascii=False),
        "dept_type": dept_type,
        "type_changed": dept_type != proposal.dept_type,
        "unit": suggested,
        "unit_options": options,
        "alternatives": [
            {
                **a,
                "name": DEPT_NAMES.get(a["dept_type"], a["dept_type"]),
                "org": units.get(a["unit"]["code"]) if a.get("unit") else None,
            }
            for a in proposal.alternatives
        ],
        "dept_name": DEPT_NAMES.get(proposal.dept_type, proposal.dept_type),
        "place": proposal.place,
    }
    if proposal.area_code:
        context["duplicates"] = selectors.duplicate_candidates(
            user=request.user, text=text, area_code=proposal.area_code
        )
    return context


# --- lists ---------------------------------------------------------------------------------


def _list_page(
    request: HttpRequest,
    qs: Any,
    title: str,
    template: str = "hotline/order_list.html",
    **extra: Any,
) -> HttpResponse:
    return list_page(request, template, qs, per_page=30, title=title, now=timezone.now(), **extra)


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    filters = list_filters(request, "status", "dept_type", "search")
    qs = selectors.workorder_list(user=request.user, **filters)
    return _list_page(
        request,
        qs,
        "全部工单",
        filters=filters,
        statuses=Status.choices,
        dept_choices=_dept_choices(),
        show_filters=True,
    )


@login_required
def agent_queue(request: HttpRequest) -> HttpResponse:
    return _list_page(
        request, selectors.agent_queue(user=request.user), "待派单（新受理、退单、重办）"
    )


@login_required
def unit_queue(request: HttpRequest) -> HttpResponse:
    return _list_page(request, selectors.unit_queue(user=request.user), "本单位待办工单")


@login_required
def supervision(request: HttpRequest) -> HttpResponse:
    which = "near_due" if request.GET.get("which") == "near_due" else "overdue"
    return _list_page(
        request,
        selectors.supervision_list(user=request.user, which=which),
        "督办：即将超期" if which == "near_due" else "督办：已超期",
        which=which,
        supervision=True,
    )


@login_required
def callback_queue(request: HttpRequest) -> HttpResponse:
    return _list_page(
        request,
        selectors.callback_queue(user=request.user),
        "待回访",
        callback=True,
        satisfactions=Satisfaction.choices,
    )


# --- one order -----------------------------------------------------------------------------


@login_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.workorder_get_for_user(user=request.user, pk=pk)
    return render(request, "hotline/order_detail.html", _order_context(request, order))


def _order_context(request: HttpRequest, order: WorkOrder) -> dict[str, Any]:
    can = {t.name for t in WORKORDER_WORKFLOW.available(request.user, order)}
    context: dict[str, Any] = {
        "workflow": WORKORDER_WORKFLOW,
        "order": order,
        "now": timezone.now(),
        "can": can,
        "phone_masked": phone.mask(order.caller_phone or ""),
        "events": selectors.timeline(order),
        "notes": order.notes.select_related("organisation").order_by("created_at"),
        "attachments": order.attachments.order_by("created_at"),
        "assignments": order.assignments.select_related("organisation").order_by(
            "-is_active", "role"
        ),
        "extensions": order.extensions.select_related("organisation").order_by("-created_at"),
        "callbacks": order.callbacks.order_by("-created_at"),
        "person_visible": selectors.person_visible(user=request.user, order=order),
        "dept_name": DEPT_NAMES.get(order.dept_type, order.dept_type),
        "note_kinds": NoteKind.choices,
        "satisfactions": Satisfaction.choices,
    }
    if can & {"dispatch", "review_return", "escalate", "consult"}:
        resolver = selectors.DirectoryUnitResolver()
        proposed = resolver.unit(order.dept_type, order.area_code)
        returned = set(
            order.assignments.filter(returned_at__isnull=False).values_list(
                "organisation_id", flat=True
            )
        )
        if "review_return" in can and proposed is not None and proposed.pk in returned:
            proposed = None  # the unit that just returned the order is no suggestion
        context["proposed_unit"] = proposed
        options = list(
            Organisation.objects.filter(is_handling_unit=True, is_active=True)
            .filter(area_code__in=[order.area_code[:n] for n in (2, 4, 6, 9)])
            .select_related("area")[:300]
        )
        # sorted by name, nearest level first; the returning unit last
        context["unit_options"] = sorted(
            options, key=lambda o: (o.pk in returned, -len(o.area_code), o.name)
        )
    if "merge" in can:
        context["duplicates"] = selectors.duplicate_candidates(
            user=request.user, text=order.text, area_code=order.area_code, exclude_pk=order.pk
        )
    return context


@login_required
@require_POST
def order_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    order = selectors.workorder_get_for_user(user=request.user, pk=pk)
    if action not in ACTION_NAMES:
        raise Http404("不支持的操作")
    label = WORKORDER_WORKFLOW.transition(action).label
    try:
        perform(
            user=request.user, order=order, action=action, data=request.POST, files=request.FILES
        )
    except FormInvalid as exc:
        # the page again, each error next to its field (once; no message at the top)
        context = _order_context(request, order)
        context.update(failed_action=action, form_errors=exc.form.errors, posted=request.POST)
        return render(request, "hotline/order_detail.html", context, status=400)
    except ApplicationError as exc:
        messages.error(request, f"{label}未成功：{exc.message}")
    else:
        messages.success(request, SUCCESS[action])
    target = request.POST.get("next", "")
    if target.startswith("/hotline/") and "//" not in target:
        return redirect(target)
    if not WorkOrder.objects.for_user(request.user).filter(pk=order.pk).exists():
        # e.g. after 退单 the unit no longer sees the order: back to its queue, not a 404
        return redirect(_landing(request.user))
    return redirect("hotline:order_detail", pk=order.pk)


def _landing(user: Any) -> str:
    """Where a hotline user lands after an action took the order off his desk."""
    scope = scope_of(user)
    if scope.has_role(Role.UNIT_STAFF):
        return "hotline:unit_queue"
    if scope.has_role(Role.HOTLINE_AGENT):
        return "hotline:agent_queue"
    return "hotline:order_list"


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    order = selectors.workorder_get_for_user(user=request.user, pk=pk)
    attachment = WorkOrderAttachment.objects.filter(order=order, pk=attachment_pk).first()
    if attachment is None:
        raise Http404("附件不存在")
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


# --- problem ledger ------------------------------------------------------------------------


def _ledger_qs(user: Any) -> Any:
    scope = scope_of(user)
    from lianxin.core.scoping import prefix_q

    prefixes = scope.area_prefixes([Role.HOTLINE_AGENT, Role.LEADER, *AREA_STAFF_ROLES])
    q = prefix_q("area_code", prefixes)
    units = scope.organisation_ids([Role.UNIT_STAFF])
    if units:
        from django.db.models import Q

        q = q | Q(responsible_unit_id__in=sorted(units))
    return ProblemLedgerItem.objects.filter(q).select_related("responsible_unit")


@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", LedgerStatus.OPEN)
    qs = _ledger_qs(request.user)
    if status in LedgerStatus.values:
        qs = qs.filter(status=status)
    return list_page(
        request,
        "hotline/ledger.html",
        qs.order_by("-order_count", "pk"),
        per_page=30,
        status=status,
        statuses=LedgerStatus.choices,
        dept_names=DEPT_NAMES,
    )


@login_required
@require_POST
def ledger_close(request: HttpRequest, pk: int) -> HttpResponse:
    item = _ledger_qs(request.user).filter(pk=pk).first()
    if item is None:
        raise Http404("未找到或无权访问")
    try:
        services.ledger_item_close(
            actor=request.user, item=item, measures=request.POST.get("measures", "")
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已销号")
    return redirect("hotline:ledger")


@login_required
@require_POST
def ledger_refresh(request: HttpRequest) -> HttpResponse:
    if not scope_of(request.user).has_role(Role.HOTLINE_AGENT, Role.LEADER, *AREA_STAFF_ROLES):
        raise Http404("无权操作")
    added = services.hotspots_refresh(actor=request.user)
    messages.success(request, f"已分析反复出现的问题，新增 {added} 项")
    return redirect("hotline:ledger")


# --- reports and digest --------------------------------------------------------------------


def _parse_day(value: str, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return default


def _report_params(request: HttpRequest) -> tuple[dt.date, dt.date, str]:
    """The period (the last 90 days by default) and the grouping of the rates page/export."""
    today = timezone.localdate()
    start = _parse_day(request.GET.get("start", ""), today - dt.timedelta(days=89))
    end = _parse_day(request.GET.get("end", ""), today)
    by = request.GET.get("by", "unit")
    return start, end, by if by in ("unit", "area", "period") else "unit"


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    start, end, by = _report_params(request)
    overall, groups = selectors.rates(user=request.user, start=start, end=end, by=by)
    chart = {
        "labels": [g.label for g in groups[:20]],
        "series": {
            key: [getattr(g, key) for g in groups[:20]] for key in selectors.METRIC_DEFINITIONS
        },
        "names": {k: v[0] for k, v in selectors.METRIC_DEFINITIONS.items()},
    }
    return render(
        request,
        "hotline/reports.html",
        {
            "start": start,
            "end": end,
            "by": by,
            "overall": overall,
            "groups": groups,
            "definitions": selectors.METRIC_DEFINITIONS,
            "chart": chart,
            "echarts": bool(finders.find("vendor/echarts/echarts.min.js")),
        },
    )


@login_required
def reports_export(request: HttpRequest) -> FileResponse:
    """The three rates (and on-time) as Excel, with the same period and grouping as the page."""
    from lianxin.core import audit
    from lianxin.registry.exports import write_xlsx

    start, end, by = _report_params(request)
    overall, groups = selectors.rates(user=request.user, start=start, end=end, by=by)
    group_label = {"unit": "承办单位", "area": "县（区）", "period": "月份"}[by]
    keys = list(selectors.METRIC_DEFINITIONS)

    def pct(value: Any) -> str:
        return "—" if value is None else f"{value:.1f}%"

    def rows() -> Any:
        for g in [*groups, overall]:
            yield [g.label, g.total, *(pct(getattr(g, k)) for k in keys)]
        yield []
        yield [f"统计期：{start:%Y-%m-%d} 至 {end:%Y-%m-%d}"]
        for name, definition in selectors.METRIC_DEFINITIONS.values():
            yield [f"{name}口径：{definition}"]

    audit.record(
        actor=request.user,
        action="hotline.reports.export",
        changes={"start": str(start), "end": str(end), "by": by},
    )
    handle, _count = write_xlsx(
        title="热线指标",
        headers=[group_label, "受理", *(selectors.METRIC_DEFINITIONS[k][0] for k in keys)],
        rows=rows(),
    )
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"hotline-rates-{start:%Y%m%d}-{end:%Y%m%d}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
def digest(request: HttpRequest) -> HttpResponse:
    week_of = _parse_day(request.GET.get("week", ""), timezone.localdate() - dt.timedelta(days=7))
    start, end = selectors.week_bounds(week_of)
    items = selectors.digest(user=request.user, week_of=week_of)
    return render(
        request,
        "hotline/digest.html",
        {
            "items": items,
            "start": start,
            "end": end,
            "prev": start - dt.timedelta(days=7),
            "next": start + dt.timedelta(days=7),
        },
    )


@login_required
def digest_export(request: HttpRequest) -> HttpResponse:
    week_of = _parse_day(request.GET.get("week", ""), timezone.localdate() - dt.timedelta(days=7))
    items = selectors.digest(user=request.user, week_of=week_of, limit=500)
    start, _ = selectors.week_bounds(week_of)
    if request.GET.get("format") == "csv":
        return exports.digest_csv(items, f"回音_{start:%Y%m%d}.csv")
    return exports.digest_xlsx(items, f"回音_{start:%Y%m%d}.xlsx")


# --- public citizen pages (no login) -------------------------------------------------------


def public_submit(request: HttpRequest) -> HttpResponse:
    form: dict[str, str] = {"idempotency_key": uuid.uuid4().hex}
    error = ""
    field_errors: dict[str, str] = {}
    if request.method == "POST":
        form = {
            k: request.POST.get(k, "").strip()
            for k in ("caller_name", "caller_phone", "place", "text", "idempotency_key")
        }
        if limits.public_throttled(request, "hotline:submit", limit=PUBLIC_SUBMIT_PER_HOUR):
            return render(
                request,
                "hotline/public/submit.html",
                {"form": form, "error": "提交过于频繁，请稍后再试或拨打12345"},
                status=429,
            )
        try:
            if not form["caller_phone"]:
                raise ApplicationError(
                    "请填写联系电话，以便承办单位联系和回访", extra={"field": "caller_phone"}
                )
            order = intake_request(
                actor=None,
                channel=Channel.WEB,
                text=form["text"],
                caller_name=form["caller_name"],
                caller_phone=form["caller_phone"],
                place=form["place"],
                idempotency_key=("web-" + form["idempotency_key"])
                if form["idempotency_key"]
                else None,
            ).order
        except ApplicationError as exc:
            error, field_errors = _placed(exc, PUBLIC_FIELDS)
        else:
            return render(request, "hotline/public/submitted.html", {"code": order.tracking_code})
    return render(
        request,
        "hotline/public/submit.html",
        {"form": form, "error": error, "field_errors": field_errors},
    )


def public_track(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("code", "").strip().upper()[:16]
    order = None
    if code:
        if limits.public_throttled(request, "hotline:track", limit=PUBLIC_LOOKUPS_PER_HOUR):
            return render(
                request,
                "hotline/public/track.html",
                {"code": code, "error": "查询过于频繁，请稍后再试"},
                status=429,
            )
        order = (
            WorkOrder.objects.select_related("lead_unit", "hotline")
            .filter(tracking_code=code)
            .first()
        )
    return render(
        request,
        "hotline/public/track.html",
        {
            "code": code,
            "order": order,
            "not_found": bool(code) and order is None,
            "dept_name": DEPT_NAMES.get(order.dept_type, "") if order else "",
            "reply_text": redact(order.reply_text) if order else "",
            "satisfactions": Satisfaction.choices,
        },
    )


@require_POST
def public_rate(request: HttpRequest) -> HttpResponse:
    """A citizen's own rating (PUB-01): the tracking code and the last four digits of the phone
    the request came from (a secret the citizen alone holds beside the code), five tries per
    order a day, one rating per order (``core.limits``, atomic)."""
    code = request.POST.get("code", "").strip().upper()[:16]
    if limits.public_throttled(request, "hotline:track", limit=PUBLIC_LOOKUPS_PER_HOUR):
        return HttpResponse("请求过于频繁，请稍后再试", status=429)
    order = WorkOrder.objects.filter(tracking_code=code).first()
    if order is None:
        raise Http404("查询码不存在")
    try:
        services.workorder_citizen_rate(
            order=order,
            phone_last4=request.POST.get("phone_last4", ""),
            satisfaction=request.POST.get("satisfaction", ""),
            resolved=request.POST.get("resolved") == "1",
            comment=request.POST.get("comment", "")[:500],
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "感谢您的评价")
    return redirect(f"{reverse('hotline:public_track')}?code={code}")
