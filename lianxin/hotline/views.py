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
from django.core.cache import cache
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from lianxin.core import phone
from lianxin.core.errors import ApplicationError
from lianxin.core.pagination import paginate
from lianxin.core.roles import AREA_STAFF_ROLES, Role
from lianxin.core.scoping import get_for_user_or_404, scope_of
from lianxin.directory.models import DeptType, Organisation

from . import actions, exports, selectors, services
from .models import (
    ExtensionStatus,
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
    }
    error = ""
    if request.method == "POST":
        form = {
            k: request.POST.get(k, "").strip() for k in request.POST if k != "csrfmiddlewaretoken"
        }
        try:
            order = _intake_submit(request)
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, f"已受理，工单号 {order.tracking_code}")
            return redirect("hotline:order_detail", pk=order.pk)
    return render(
        request,
        "hotline/intake.html",
        {
            "form": form,
            "error": error,
            "urgencies": Urgency.choices,
            "channels": [
                ("phone", "电话"),
                ("web", "网站"),
                ("app", "移动应用"),
                ("cppcc", "社情民意信息"),
            ],
        },
    )


@transaction.atomic
def _intake_submit(request: HttpRequest) -> WorkOrder:
    """Intake, then (in the same transaction) merge into a duplicate or dispatch at once."""
    post = request.POST
    proposal: dict[str, Any] = {}
    if post.get("proposal_json"):
        try:
            proposal = json.loads(post["proposal_json"])
        except ValueError:
            proposal = {}
        if not isinstance(proposal, dict):
            proposal = {}
    order, _ = services.workorder_intake(
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
        proposal=proposal or None,
    )
    if order.status != Status.RECEIVED:  # a resubmission of an order already handled
        return order
    merge_into = post.get("merge_into", "").strip()
    if merge_into:
        target = get_for_user_or_404(WorkOrder.objects.all(), request.user, pk=merge_into)
        services.workorder_merge(actor=request.user, order=order, into=target)
        return order
    lead = actions._unit(post, "lead_unit", required=False)
    if proposal:
        services.record_routing_correction(
            actor=request.user,
            order=order,
            text=order.text,
            proposal=proposal,
            chosen_dept_type=order.dept_type,
            chosen_unit=lead,
        )
    if lead is not None and post.get("dispatch_now"):
        services.workorder_dispatch(
            actor=request.user,
            order=order,
            lead_unit=lead,
            support_units=actions._units(post, "support_units"),
        )
    return order


@login_required
def propose(request: HttpRequest) -> HttpResponse:
    """The routing proposal and possible duplicates as the agent types (htmx, debounced)."""
    if not scope_of(request.user).has_role(Role.HOTLINE_AGENT):
        raise Http404("仅12345坐席可以使用")
    data = request.POST if request.method == "POST" else request.GET
    text = data.get("text", "").strip()
    place = data.get("place", "").strip()
    context: dict[str, Any] = {"dept_choices": _dept_choices()}
    if len(text) >= 4:
        try:
            proposal = selectors.route_request(
                text=f"{place}{text}" if place else text, location=place or None
            )
        except ValueError:
            proposal = None
        if proposal is not None:
            unit_codes = [proposal.unit["code"]] if proposal.unit else []
            unit_codes += [a["unit"]["code"] for a in proposal.alternatives if a.get("unit")]
            units = {u.code: u for u in Organisation.objects.filter(code__in=unit_codes)}
            context.update(
                proposal=proposal,
                proposal_json=json.dumps(proposal.as_dict(), ensure_ascii=False),
                unit=units.get(proposal.unit["code"]) if proposal.unit else None,
                alternatives=[
                    {
                        **a,
                        "name": DEPT_NAMES.get(a["dept_type"], a["dept_type"]),
                        "org": units.get(a["unit"]["code"]) if a.get("unit") else None,
                    }
                    for a in proposal.alternatives
                ],
                dept_name=DEPT_NAMES.get(proposal.dept_type, proposal.dept_type),
            )
            if proposal.area_code:
                context["duplicates"] = selectors.duplicate_candidates(
                    user=request.user, text=text, area_code=proposal.area_code
                )
    return render(request, "hotline/partials/proposal.html", context)


# --- lists ---------------------------------------------------------------------------------


def _list_page(
    request: HttpRequest,
    qs: Any,
    title: str,
    template: str = "hotline/order_list.html",
    **extra: Any,
) -> HttpResponse:
    context = {"title": title, "now": timezone.now(), **extra}
    context.update(paginate(request, qs, per_page=30))
    return render(request, template, context)


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    filters = {k: request.GET.get(k, "").strip() for k in ("status", "dept_type", "search")}
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


def _available_actions(user: Any, order: WorkOrder) -> dict[str, bool]:
    scope = scope_of(user)
    agent = scope.has_role(Role.HOTLINE_AGENT)
    units = scope.organisation_ids([Role.UNIT_STAFF])
    mine = order.assignments.filter(organisation_id__in=sorted(units), is_active=True)
    lead = mine.filter(role="lead").exists()
    assigned = mine.exists()
    s = order.status
    return {
        "dispatch": agent and s in (Status.RECEIVED, Status.REOPENED),
        "review_return": agent and s == Status.RETURNED,
        "callback": agent and s == Status.REPLIED,
        "close": agent and s in (Status.RECEIVED, Status.CALLBACK),
        "reopen": agent and s in (Status.CLOSED, Status.CALLBACK),
        "merge": agent
        and s in (Status.RECEIVED, Status.DISPATCHED, Status.RETURNED, Status.REOPENED),
        "supervise": (agent or scope.has_role(Role.LEADER, *AREA_STAFF_ROLES)) and order.is_open,
        "escalate": (agent or scope.has_role(Role.LEADER))
        and s
        in (Status.DISPATCHED, Status.ACCEPTED, Status.HANDLING, Status.RETURNED, Status.REOPENED),
        "decide_extension": agent
        and order.extensions.filter(status=ExtensionStatus.PENDING).exists(),
        "refer_care": agent and order.household_id is not None and not order.referred_to_care,
        "accept": assigned
        and s == Status.DISPATCHED
        and not mine.filter(accepted_at__isnull=False).exists(),
        "return": lead and s in (Status.DISPATCHED, Status.ACCEPTED),
        "note": assigned and s in (Status.ACCEPTED, Status.HANDLING, Status.DISPATCHED),
        "request_extension": lead and s in (Status.ACCEPTED, Status.HANDLING),
        "reply": lead and s in (Status.ACCEPTED, Status.HANDLING),
    }


@login_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.workorder_get_for_user(user=request.user, pk=pk)
    can = _available_actions(request.user, order)
    context: dict[str, Any] = {
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
    if can["dispatch"] or can["review_return"] or can["escalate"]:
        resolver = selectors.DirectoryUnitResolver()
        proposed = resolver.unit(order.dept_type, order.area_code)
        context["proposed_unit"] = proposed
        context["unit_options"] = list(
            Organisation.objects.filter(is_handling_unit=True, is_active=True)
            .filter(area_code__in=[order.area_code[:n] for n in (2, 4, 6, 9)])
            .order_by("area_code", "name")[:200]
        )
    if can["merge"]:
        context["duplicates"] = selectors.duplicate_candidates(
            user=request.user, text=order.text, area_code=order.area_code, exclude_pk=order.pk
        )
    return render(request, "hotline/order_detail.html", context)


@login_required
@require_POST
def order_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    order = selectors.workorder_get_for_user(user=request.user, pk=pk)
    spec = actions.ACTIONS.get(action)
    if spec is None:
        raise Http404("不支持的操作")
    try:
        actions.perform(
            user=request.user, order=order, action=action, data=request.POST, files=request.FILES
        )
    except ApplicationError as exc:
        messages.error(request, f"{spec.label}未成功：{exc.message}")
    else:
        messages.success(request, spec.success)
    target = request.POST.get("next", "")
    if target.startswith("/hotline/") and "//" not in target:
        return redirect(target)
    return redirect("hotline:order_detail", pk=order.pk)


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
    context = {"status": status, "statuses": LedgerStatus.choices, "dept_names": DEPT_NAMES}
    context.update(paginate(request, qs.order_by("-order_count", "pk"), per_page=30))
    return render(request, "hotline/ledger.html", context)


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


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    start = _parse_day(request.GET.get("start", ""), today - dt.timedelta(days=89))
    end = _parse_day(request.GET.get("end", ""), today)
    by = request.GET.get("by", "unit")
    if by not in ("unit", "area", "period"):
        by = "unit"
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


def _client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _rate_limited(request: HttpRequest, kind: str, limit: int) -> bool:
    key = f"hotline:public:{kind}:{_client_ip(request)}"
    if cache.add(key, 1, timeout=3600):
        return False
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=3600)
        return False
    return count > limit


def public_submit(request: HttpRequest) -> HttpResponse:
    form: dict[str, str] = {"idempotency_key": uuid.uuid4().hex}
    error = ""
    if request.method == "POST":
        form = {
            k: request.POST.get(k, "").strip()
            for k in ("caller_name", "caller_phone", "place", "text", "idempotency_key")
        }
        if _rate_limited(request, "submit", PUBLIC_SUBMIT_PER_HOUR):
            return render(
                request,
                "hotline/public/submit.html",
                {"form": form, "error": "提交过于频繁，请稍后再试或拨打12345"},
                status=429,
            )
        try:
            if not form["caller_phone"]:
                raise ApplicationError("请填写联系电话，以便承办单位联系和回访")
            order, _ = services.workorder_intake(
                actor=None,
                channel="web",
                text=form["text"],
                caller_name=form["caller_name"],
                caller_phone=form["caller_phone"],
                place=form["place"],
                idempotency_key=("web-" + form["idempotency_key"])
                if form["idempotency_key"]
                else None,
            )
        except ApplicationError as exc:
            error = exc.message
        else:
            return render(request, "hotline/public/submitted.html", {"code": order.tracking_code})
    return render(request, "hotline/public/submit.html", {"form": form, "error": error})


def public_track(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("code", "").strip().upper()[:16]
    order = None
    if code:
        if _rate_limited(request, "track", PUBLIC_LOOKUPS_PER_HOUR):
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
            "satisfactions": Satisfaction.choices,
        },
    )


@require_POST
def public_rate(request: HttpRequest) -> HttpResponse:
    code = request.POST.get("code", "").strip().upper()[:16]
    if _rate_limited(request, "track", PUBLIC_LOOKUPS_PER_HOUR):
        return HttpResponse("请求过于频繁，请稍后再试", status=429)
    order = WorkOrder.objects.filter(tracking_code=code).first()
    if order is None:
        raise Http404("查询码不存在")
    try:
        services.workorder_callback(
            actor=None,
            order=order,
            satisfaction=request.POST.get("satisfaction", ""),
            resolved=request.POST.get("resolved") == "1",
            comment=request.POST.get("comment", "")[:500],
            by_citizen=True,
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "感谢您的评价")
    return redirect(f"{reverse('hotline:public_track')}?code={code}")
