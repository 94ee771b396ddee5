from __future__ import annotations

from typing import Any

from rest_framework import serializers

from lianxin.core.drf_views import ScopedDetailApi, ScopedListApi
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
class DivisionDetailApi(ScopedDetailApi):
    serializer_class = DivisionOutput
    lookup_field = "code"

    def row(self, user: Any, code: Any) -> Any:
        return selectors.division_get_for_user(user=user, code=code)


@routes("grids/", "grid_list")
class GridListApi(ScopedListApi):
    serializer_class = GridOutput
    filters = {"area_code": "area_code", "q": "search"}

    def rows(self, user: Any, **filters: str) -> Any:
        return selectors.grid_list(user=user, **filters)


@routes("grids/<int:pk>/", "grid_detail")
class GridDetailApi(ScopedDetailApi):
    serializer_class = GridOutput

    def row(self, user: Any, pk: Any) -> Any:
        return selectors.grid_get_for_user(user=user, pk=pk)


urlpatterns = routes.urlpatterns
