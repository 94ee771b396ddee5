"""Generic API views for every app's api.py. Apart from ``lianxin.core.drf`` because DRF's
generic views read ``DEFAULT_PAGINATION_CLASS`` (``drf.StandardPagination``) when imported."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from lianxin.core import audit


# A paginated list of what the user may see: ``rows(user, **filters)`` (a selector scoped with
# ``for_user``), each of ``filters`` (query parameter → the selector's keyword) read from the query
# string as text, ``""`` when absent; the parameters appear in the OpenAPI schema, as strings or
# as ``filter_types`` says (``{"batch": int}``; ``rows`` converts). (A comment, not a docstring:
# drf-spectacular would print a base class's docstring as every list's description.)
class ScopedListApi(ListAPIView):
    filters: ClassVar[Mapping[str, str]] = {}
    filter_types: ClassVar[Mapping[str, type]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.filters or "get" in cls.__dict__:
            return

        def get(self: ScopedListApi, request: Request, *args: Any, **kw: Any) -> Response:
            return ListAPIView.get(self, request, *args, **kw)

        parameters = [
            OpenApiParameter(name, cls.filter_types.get(name, str)) for name in cls.filters
        ]
        # each subclass its own ``get``: drf-spectacular keeps the schema on the function
        setattr(cls, "get", extend_schema(parameters=parameters)(get))  # noqa: B010

    def rows(self, user: Any, **filters: str) -> Any:
        raise NotImplementedError

    def get_queryset(self) -> Any:
        params = self.request.query_params
        return self.rows(
            self.request.user, **{kw: params.get(name, "") for name, kw in self.filters.items()}
        )


# One object the user may see: ``row(user, pk)`` (a selector's ``*_get_for_user``, which answers
# 404 for what is out of the user's scope; ``lookup_field`` names another URL keyword, e.g.
# ``code``), rendered by ``serializer_class`` with the request in its context. ``viewed_fields``:
# an audited read, recorded with those fields (``audit.record_view``). GET only: PUT, PATCH and
# DELETE answer 405. (A comment, not a docstring: see ``ScopedListApi``.)
class ScopedDetailApi(RetrieveAPIView):
    viewed_fields: ClassVar[Sequence[str]] = ()

    def row(self, user: Any, pk: Any) -> Any:
        raise NotImplementedError

    def get_object(self) -> Any:
        user = self.request.user
        obj = self.row(user, self.kwargs[self.lookup_field])
        if self.viewed_fields:
            audit.record_view(actor=user, target=obj, fields=self.viewed_fields)
        return obj
