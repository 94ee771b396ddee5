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


routes = ApiRoutes("directory", name_prefix="")


@routes("organisations/", "organisation_list")
class OrganisationListApi(ScopedListApi):
    serializer_class = OrganisationOutput
    filters = {f: f for f in FILTERS}

    def rows(self, user: Any, **filters: str) -> Any:
        return selectors.organisation_list(user=user, **filters)


@routes("organisations/<int:pk>/", "organisation_detail")
class OrganisationDetailApi(APIView):
    @extend_schema(responses=OrganisationOutput)
    def get(self, request: Request, pk: int) -> Response:
        return Response(
            OrganisationOutput(selectors.organisation_get_for_user(user=request.user, pk=pk)).data
        )


urlpatterns = routes.urlpatterns
