from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors

FILTERS = ("search", "dept_type", "level", "area_code", "kind")


class OrganisationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    dept_type = serializers.CharField()
    level = serializers.CharField()
    area_code = serializers.CharField()
    parent_id = serializers.IntegerField(allow_null=True)
    credit_code = serializers.CharField()
    is_handling_unit = serializers.BooleanField()


class OrganisationListApi(ListAPIView):
    serializer_class = OrganisationOutput

    @extend_schema(parameters=[OpenApiParameter(f, str) for f in FILTERS])
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        params = self.request.query_params
        return selectors.organisation_list(
            user=self.request.user, **{f: params.get(f, "") for f in FILTERS}
        )


class OrganisationDetailApi(APIView):
    @extend_schema(responses=OrganisationOutput)
    def get(self, request: Request, pk: int) -> Response:
        return Response(
            OrganisationOutput(selectors.organisation_get_for_user(user=request.user, pk=pk)).data
        )


urlpatterns = [
    path("directory/organisations/", OrganisationListApi.as_view(), name="organisation_list"),
    path("directory/organisations/<int:pk>/", OrganisationDetailApi.as_view(), name="organisation_detail"),
]
