"""core.drf and core.drf_views: the input serializer that refuses unknown fields and the scoped
list view every app's API shares."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework import serializers
from rest_framework.test import APIRequestFactory, force_authenticate

from lianxin.core.drf import StrictSerializer
from lianxin.core.drf_views import ScopedListApi


class _Row(serializers.Serializer):
    name = serializers.CharField()


class _Rows(ScopedListApi):
    serializer_class = _Row
    permission_classes = ()
    filters = {"q": "search", "status": "status"}
    seen: dict[str, Any] = {}

    def rows(self, user: Any, **filters: str) -> Any:
        _Rows.seen = {"user": user, **filters}
        return [{"name": f"{filters['search']}-{i}"} for i in range(3)]


class _Input(StrictSerializer):
    note = serializers.CharField()


def test_scoped_list_reads_the_declared_parameters_and_paginates():
    request = APIRequestFactory().get("/x/", {"q": "安秀", "other": "1"})
    force_authenticate(request, user="someone")
    response = _Rows.as_view()(request)
    assert response.status_code == 200
    assert _Rows.seen == {"user": "someone", "search": "安秀", "status": ""}
    assert response.data["count"] == 3
    assert response.data["results"][0] == {"name": "安秀-0"}


def test_scoped_list_documents_its_parameters():
    from django.urls import path
    from drf_spectacular.generators import SchemaGenerator

    generator = SchemaGenerator(patterns=[path("x/", _Rows.as_view())])
    operation = generator.get_schema(public=True)["paths"]["/x/"]["get"]
    assert {"q", "status"} <= {p["name"] for p in operation["parameters"]}


def test_strict_serializer_refuses_unknown_fields():
    data = _Input(data={"note": "ok", "area_code": "640104"})
    assert not data.is_valid()
    assert data.errors["area_code"] == "不允许提交该字段"
    with pytest.raises(serializers.ValidationError):
        _Input(data={"note": "ok", "status": "x"}).is_valid(raise_exception=True)
