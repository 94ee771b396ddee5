"""The audit-log viewer (审计日志): for the audit administrator only (等保三级 三权分立). Reading the
log is itself audited. Rows are shown, never changed: there is no write route."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from . import audit
from .dates import parse_date
from .models import AuditEvent
from .pagination import paginate
from .roles import Role
from .scoping import scope_of

FILTERS = ("actor", "action", "target", "result", "since", "until")


def _day(value: str) -> dt.date | None:
    try:
        return parse_date(value) if value else None
    except ValueError:
        return None


def audit_events(params: dict[str, str]) -> QuerySet[AuditEvent]:
    """The log filtered by account, action prefix, target, result and a date range."""
    events = AuditEvent.objects.select_related(None).order_by("-id")
    if params.get("actor"):
        events = events.filter(actor_name=params["actor"])
    if params.get("action"):
        events = events.filter(action__startswith=params["action"])
    if params.get("target"):
        events = events.filter(target_type=params["target"])
    if params.get("result") in AuditEvent.Result.values:
        events = events.filter(result=params["result"])
    zone = timezone.get_current_timezone()
    since, until = _day(params.get("since", "")), _day(params.get("until", ""))
    if since:
        events = events.filter(occurred_at__gte=dt.datetime.combine(since, dt.time.min, zone))
    if until:
        events = events.filter(
            occurred_at__lt=dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, zone)
        )
    return events


def _mask_repr(text: str) -> str:
    """A record's label (often a resident's name or a household's address) as its first
    character and asterisks."""
    return (text[:1] + "*" * min(len(text) - 1, 4)) if text else ""


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    if not scope_of(request.user).has_role(Role.AUDIT_ADMIN):
        raise PermissionDenied("仅审计管理员可以查看审计日志")
    params = {k: request.GET.get(k, "").strip()[:80] for k in FILTERS}
    context: dict[str, object] = {"params": params, "results": AuditEvent.Result.choices}
    page = paginate(request, audit_events(params))
    context.update(page)
    for event in page["object_list"]:
        # who did what to which record, never the values (AUD-03)
        event.summary = audit.summary(event)
        event.target_masked = _mask_repr(event.target_repr)
    if request.GET.get("verify") == "1":
        checked, broken = audit.verify_chain()
        context["verified"] = {"checked": checked, "broken": broken[:20], "ok": not broken}
    audit.record(
        actor=request.user,
        action="core.audit.view",
        changes={k: v for k, v in params.items() if v} | {"verify": "verified" in context},
    )
    return render(request, "core/audit_log.html", context)
