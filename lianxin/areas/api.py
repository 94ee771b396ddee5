from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lianxin.core.drf_views import ScopedListApi
from lianxin.core.routes import ApiRoutes

from . import selectors


class DivisionOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    level = serializers.CharField()
    parent_code = serializers.CharField(source="parent_id", allow_null=True)


class GridOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    area_code = serializers.CharField()
    division_name = serializers.CharField(source="division.short_name")


routes = ApiRoutes("areas", name_prefix="")


@routes("divisions/", "division_list")
class DivisionListApi(ScopedListApi):
    serializer_class = DivisionOutput
    filters = {"q": "search", "level": "level"}

    def rows(self, user: Any, **filters: str) -> Any:
        return selectors.division_list(user=user, **filters)


@routes("divisions/<str:code>/", "division_detail")
class DivisionDetailApi(APIView):
    @extend_schema(responses=DivisionOutput)
    def get(self, request: Request, code: str) -> Response:
        return Response(
            DivisionOutput(selectors.division_get_for_user(user=request.user, code=code)).data
        )


@routes("grids/", "grid_list")
class GridListApi(ScopedListApi):
    serializer_class = GridOutput
    filters = {"area_code": "area_code", "q": "search"}

    def rows(self, user: Any, **filters: str) -> Any:
        return selectors.grid_list(user=user, **filters)


@routes("grids/<int:pk>/", "grid_detail")
class GridDetailApi(APIView):
    @extend_schema(responses=GridOutput)
    def get(self, request: Request, pk: int) -> Response:
        return Response(GridOutput(selectors.grid_get_for_user(user=request.user, pk=pk)).data)


urlpatterns = routes.urlpatterns
