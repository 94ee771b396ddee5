"""The dashboard's figures as data (issue #20): ``GET /api/v1/dashboard/?area=<code>`` lists the
indicators with ``key``, ``label``, ``count`` or ``value``, ``computed_at`` and ``list_url``; the
list behind a figure answers the same count. An area outside the user's scope answers 404."""

from __future__ import annotations

from django.http import Http404
from django.urls import path, reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lianxin.core.drf import StandardPagination

from . import dashboard as board

AREA = OpenApiParameter("area", str, description="区划代码（默认为用户的辖区）")


class IndicatorOutput(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # the API name
    section = serializers.CharField()
    count = serializers.IntegerField(allow_null=True)
    value = serializers.FloatField(allow_null=True)
    display = serializers.CharField()
    unit = serializers.CharField()
    definition = serializers.CharField()
    computed_at = serializers.DateTimeField()
    list_url = serializers.CharField(allow_null=True)


def _area(request: Request) -> board.Division:
    code = (request.query_params.get("area") or "").strip()[:12] or None
    if code is not None and not code.isdigit():
        raise Http404("未找到或无权访问")
    return board.area_for(request.user, code)


class DashboardApi(APIView):
    @extend_schema(
        parameters=[AREA], responses=IndicatorOutput(many=True), operation_id="dashboard_indicators"
    )
    def get(self, request: Request) -> Response:
        area = _area(request)
        data = board.dashboard(user=request.user, area=area)
        out = []
        for section in data["sections"]:
            for f in section["figures"]:
                i = f.indicator
                list_url = None
                if i.has_list:
                    list_url = reverse("api:dashboard_list", args=[i.key]) + f"?area={area.code}"
                out.append(
                    {
                        "key": i.key,
                        "label": i.label,
                        "section": section["title"],
                        "count": None if f.suppressed else f.count,
                        "value": f.value,
                        "display": f.display,
                        "unit": i.unit,
                        "definition": i.definition,
                        "computed_at": f.computed_at,
                        "list_url": list_url,
                    }
                )
        return Response(IndicatorOutput(out, many=True).data)


class RowOutput(serializers.Serializer):
    values = serializers.DictField()


class DashboardListApi(APIView):
    pagination_class = StandardPagination

    @extend_schema(parameters=[AREA], responses=RowOutput(many=True), operation_id="dashboard_list")
    def get(self, request: Request, key: str) -> Response:
        area = _area(request)
        indicator = board.indicator_or_404(key)
        if not board.sees_rows(request.user, area.code):
            rows = board.breakdown(user=request.user, indicator=indicator, area=area)
            return Response(
                {
                    "count": sum(r["count"] for r in rows),
                    "results": [
                        {"values": {"区域": r["name"], "数量": r["display"]}} for r in rows
                    ],
                }
            )
        qs = board.indicator_rows(user=request.user, indicator=indicator, area=area)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        results = [
            {"values": {c.label: str(c.value(obj)) for c in indicator.columns}}
            for obj in page or []
        ]
        return paginator.get_paginated_response(RowOutput(results, many=True).data)


urlpatterns = [
    path("dashboard/", DashboardApi.as_view(), name="dashboard"),
    path("dashboard/lists/<str:key>/", DashboardListApi.as_view(), name="dashboard_list"),
]
