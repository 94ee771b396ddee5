from __future__ import annotations

from typing import Any

from rest_framework import serializers

from lianxin.core.drf_views import ScopedDetailApi, ScopedListApi
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
class OrganisationDetailApi(ScopedDetailApi):
    serializer_class = OrganisationOutput

    def row(self, user: Any, pk: Any) -> Any:
        return selectors.organisation_get_for_user(user=user, pk=pk)


urlpatterns = routes.urlpatterns
