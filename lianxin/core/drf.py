"""DRF building blocks every app's api.py may use (core is importable by all)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any, cast

from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

MAX_PAGE_DIGITS = 9


def bounded_int(raw: Any, *, name: str, label: str) -> int | None:
    """A positive integer query parameter, or None when absent. Full-width digits are read as
    digits; anything else (negative, non-numeric, NUL bytes, more than nine digits) is a Chinese
    400, never a 500."""
    if raw is None or raw == "":
        return None
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    if not text.isascii() or not text.isdigit() or len(text) > MAX_PAGE_DIGITS or int(text) < 1:
        raise ValidationError({name: [f"{label}应为1到999999999之间的整数"]})
    return int(text)


class StandardPagination(PageNumberPagination):
    """Page numbers and sizes are validated (a Chinese 400 for nonsense) and clamped: a page
    after the last gives the last page, a size above ``max_page_size`` gives that size."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Any) -> int:
        size = bounded_int(
            request.query_params.get(self.page_size_query_param), name="page_size", label="每页条数"
        )
        return self.page_size if size is None else min(size, self.max_page_size)

    def get_page_number(self, request: Any, paginator: Any) -> Any:
        page = bounded_int(
            request.query_params.get(self.page_query_param), name="page", label="页码"
        )
        if page is None:
            return 1
        return min(page, max(paginator.num_pages, 1))


def default_paginator() -> PageNumberPagination:
    """The project's pagination (``DEFAULT_PAGINATION_CLASS``, i.e. ``StandardPagination``) for an
    ``APIView``, which does not paginate by itself."""
    # DRF's settings resolve the dotted path to a class; its stubs type the setting as the string.
    return cast(type[PageNumberPagination], api_settings.DEFAULT_PAGINATION_CLASS)()


def paginated(
    request: Request, view: APIView, items: Any, render: Callable[[Any], Any]
) -> Response:
    """One page of ``items`` (a queryset or list), each rendered by ``render``, with the count and
    the links to the neighbouring pages."""
    paginator = default_paginator()
    page: list[Any] = paginator.paginate_queryset(items, request, view=view) or []
    return paginator.get_paginated_response([render(x) for x in page])


class StrictSerializer(serializers.Serializer):
    """An input serializer that refuses fields it does not declare (SEC-03: area_code, status,
    owner… cannot be set through the API)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = set(data) - set(self.fields)
            if unknown:
                raise serializers.ValidationError(
                    dict.fromkeys(sorted(unknown), "不允许提交该字段")
                )
        return super().to_internal_value(data)
