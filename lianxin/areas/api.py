from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

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


class DivisionListApi(ListAPIView):
    serializer_class = DivisionOutput

    @extend_schema(parameters=[OpenApiParameter("q", str), OpenApiParameter("level", str)])
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.division_list(
            user=self.request.user,
            search=self.request.query_params.get("q", ""),
            level=self.request.query_params.get("level", ""),
        )


class DivisionDetailApi(APIView):
    @extend_schema(responses=DivisionOutput)
    def get(self, request: Request, code: str) -> Response:
        return Response(
            DivisionOutput(selectors.division_get_for_user(user=request.user, code=code)).data
        )


class GridListApi(ListAPIView):
    serializer_class = GridOutput

    @extend_schema(parameters=[OpenApiParameter("area_code", str), OpenApiParameter("q", str)])
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.grid_list(
            user=self.request.user,
            area_code=self.request.query_params.get("area_code", ""),
            search=self.request.query_params.get("q", ""),
        )


class GridDetailApi(APIView):
    @extend_schema(responses=GridOutput)
    def get(self, request: Request, pk: int) -> Response:
        return Response(GridOutput(selectors.grid_get_for_user(user=request.user, pk=pk)).data)


urlpatterns = [
    path("areas/divisions/", DivisionListApi.as_view(), name="division_list"),
    path("areas/divisions/<str:code>/", DivisionDetailApi.as_view(), name="division_detail"),
    path("areas/grids/", GridListApi.as_view(), name="grid_list"),
    path("areas/grids/<int:pk>/", GridDetailApi.as_view(), name="grid_detail"),
]
