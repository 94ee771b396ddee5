from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from lianxin.core import audit, limits
from lianxin.core.pagination import paginate

from . import dashboard as board
from . import report, selectors
from .tasks import refresh_task

REFRESH_PER_USER = (1, 300)  # one 刷新 per user in 5 minutes
REFRESH_ALL = (6, 600)  # and six for the whole installation in 10 minutes


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """“我的工作”: what the user's roles have to do today, over the user's own areas."""
    return render(request, "analytics/home.html", selectors.my_work(user=request.user))


@login_required
@require_GET
def dashboard(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """The leaders' dashboard of an area inside the user's assignments (404 otherwise)."""
    area = board.area_for(request.user, code)
    data = board.dashboard(user=request.user, area=area)
    key = request.GET.get("map", "care.households")
    indicator = board.registry.get(key) or board.registry.get("care.households")
    if indicator is not None and indicator.rows is not None and len(area.code) <= 4:
        data["map_indicator"] = indicator
        data["map_values"] = board.map_values(user=request.user, indicator=indicator, area=area)
    data["map_choices"] = [i for i in board.registry.all_indicators() if i.rows is not None]
    data["trend"] = board.trend(area=area, key=key)
    return render(request, "analytics/dashboard.html", data)


@login_required
@require_GET
def dashboard_list(request: HttpRequest, code: str, key: str) -> HttpResponse:
    """The list behind a figure: its rows for staff who may see them, else counts by area."""
    area = board.area_for(request.user, code)
    indicator = board.indicator_or_404(key)
    context: dict[str, Any] = {"area": area, "indicator": indicator}
    if board.sees_rows(request.user, area.code):
        rows = board.indicator_rows(user=request.user, indicator=indicator, area=area)
        context.update(paginate(request, rows))
        context["rows"] = [
            [c.value(obj) for c in indicator.columns] for obj in context["object_list"]
        ]
        context["total"] = context["page_obj"].paginator.count
    else:
        context["breakdown"] = board.breakdown(user=request.user, indicator=indicator, area=area)
        context["total"] = sum(r["count"] for r in context["breakdown"])
    return render(request, "analytics/dashboard_list.html", context)


@login_required
@require_GET
def dashboard_export(request: HttpRequest, code: str | None = None) -> HttpResponse:
    area = board.area_for(request.user, code)
    data = board.dashboard(user=request.user, area=area)
    audit.record(actor=request.user, action="analytics.dashboard.export", target=area)
    response = HttpResponse(
        report.workbook(data),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = quote(f"{area.name}工作报表.xlsx")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


@login_required
@require_POST
def dashboard_refresh(request: HttpRequest, code: str) -> HttpResponse:
    """A leader's 刷新: queue a refresh of the kept aggregate, rate-limited per user and overall
    (each refresh regroups every indicator of the region)."""
    area = board.area_for(request.user, code)
    mine, everyone = REFRESH_PER_USER, REFRESH_ALL
    if not limits.consume(
        f"analytics:refresh:{request.user.pk}", limit=mine[0], period=mine[1]
    ) or not limits.consume("analytics:refresh", limit=everyone[0], period=everyone[1]):
        messages.error(request, "刷新过于频繁，请稍后再试（数据每10分钟自动更新）")
    else:
        audit.record(actor=request.user, action="analytics.refresh.request", area_code=area.code)
        refresh_task.enqueue()
        messages.success(request, "已提交刷新，稍后重新打开看板即可看到最新数据")
    return redirect("dashboard_area", area.code)
