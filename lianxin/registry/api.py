"""REST API routes of the registry (wired under /api/v1/ by lianxin.api.urls). Reads are scoped
(404 outside the user's area); writes go through the services. Input serializers refuse
unknown fields (SEC-03: area_code, status, owner… cannot be set through the API)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lianxin.core import audit, idnumber
from lianxin.core.drf import StrictSerializer, default_paginator
from lianxin.core.errors import ApplicationError
from lianxin.core.routes import ApiRoutes
from lianxin.core.workflow import Workflow

from . import selectors, services
from .models import AssistanceType, Relationship, Tag
from .workflows import HOUSEHOLD_WORKFLOW, PERSON_WORKFLOW


def _tags(persons: list[Any]) -> dict[int, list[str]]:
    return {pid: [t.tag for t in tags] for pid, tags in selectors.active_tags_of(persons).items()}


class HouseholdListOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    area_code = serializers.CharField()
    division_name = serializers.CharField(source="division.short_name")
    grid_id = serializers.IntegerField(allow_null=True)
    grid_name = serializers.CharField(source="grid.name", default="")
    address = serializers.CharField()
    head_name = serializers.CharField(source="head.name", default="")
    household_type = serializers.CharField()


def _person_out(user: Any, person: Any, *, tags: list[str] | None = None) -> dict[str, Any]:
    return {
        "id": person.pk,
        "name": person.name,
        "id_number": selectors.masked_id_number(user=user, person=person),
        "phone": selectors.masked_phone(user=user, person=person),
        "sex": person.sex,
        "birth_year": idnumber.birth_year(person.birth_date),
        "ethnicity": person.ethnicity,
        "status": person.status,
        "area_code": person.area_code,
        "grid_id": person.grid_id,
        "tags": tags if tags is not None else [],
    }


routes = ApiRoutes("")


@routes("households/", "household_list")
class HouseholdListApi(APIView):
    class RegisterInput(StrictSerializer):
        class MemberInput(StrictSerializer):
            name = serializers.CharField(max_length=40)
            id_number = serializers.CharField(max_length=30)
            relationship = serializers.ChoiceField(choices=Relationship.values)
            ethnicity = serializers.CharField(max_length=20, required=False, allow_blank=True)
            phone = serializers.CharField(max_length=30, required=False, allow_blank=True)

        division_code = serializers.CharField(max_length=12)
        grid_id = serializers.IntegerField(required=False, allow_null=True)
        address = serializers.CharField(max_length=200, required=False, allow_blank=True)
        number = serializers.CharField(max_length=40, required=False, allow_blank=True)
        members = MemberInput(many=True)

    @extend_schema(
        parameters=[
            OpenApiParameter("area_code", str),
            OpenApiParameter("grid", int),
            OpenApiParameter("tag", str),
            OpenApiParameter("q", str, description="姓名前缀、完整身份证号或户编号"),
        ],
        responses=HouseholdListOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        tag = params.get("tag", "")
        try:
            grid_id = int(params["grid"]) if params.get("grid") else None
        except ValueError:
            grid_id = None
        qs = selectors.household_list(
            user=request.user,
            area_code=params.get("area_code", "")[:12],
            grid_id=grid_id,
            tag=tag if tag in Tag.values else "",
            search=params.get("q", "")[:40],
        )
        paginator = default_paginator()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(HouseholdListOutput(page, many=True).data)

    @extend_schema(request=RegisterInput, responses={201: HouseholdListOutput})
    def post(self, request: Request) -> Response:
        data = _valid(self.RegisterInput, request)
        village = (
            selectors.villages_for_user(user=request.user)
            .filter(code=data["division_code"])
            .first()
        )
        if village is None:
            raise ApplicationError("该社区(村)不在您的管辖范围内")
        grid = None
        if data.get("grid_id"):
            grid = selectors.grids_for_user(user=request.user).filter(pk=data["grid_id"]).first()
            if grid is None:
                raise ApplicationError("网格不存在或不在您的管辖范围内")
        household = services.household_register(
            actor=request.user,
            division=village,
            grid=grid,
            address=data.get("address", ""),
            number=data.get("number", ""),
            members=[services.MemberInput(**m) for m in data["members"]],
        )
        return Response(HouseholdListOutput(household).data, status=status.HTTP_201_CREATED)


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _run(
    workflow: Workflow,
    name: str,
    serializer_class: type[serializers.Serializer],
    request: Request,
    obj: Any,
) -> Any:
    """The API's dispatch: the input serializer refuses unknown fields (SEC-03), then the same
    declared transition as the page runs — the same check, form and service (workflows.py)."""
    data = _valid(serializer_class, request)
    form_data = {k: "" if v is None else str(v) for k, v in data.items()}
    return workflow.run(name, actor=request.user, obj=obj, data=form_data)


@routes("households/<int:pk>/", "household_detail")
class HouseholdDetailApi(APIView):
    @extend_schema(responses=HouseholdListOutput)
    def get(self, request: Request, pk: int) -> Response:
        household = selectors.household_get_for_user(user=request.user, pk=pk)
        detail = selectors.household_detail(household=household)
        audit.record_view(
            actor=request.user,
            target=household,
            fields=["id_number", "phone", "disability", "tags", "assistance"],
        )
        data = dict(HouseholdListOutput(household).data)
        data["members"] = [
            {
                **_person_out(
                    request.user,
                    m.person,
                    tags=[t.tag for t in detail["tags"].get(m.person_id, [])],
                ),
                "relationship": m.relationship,
                "disability": (
                    {"type": d.disability_type, "grade": d.grade}
                    if (d := detail["disabilities"].get(m.person_id))
                    else None
                ),
            }
            for m in detail["members"]
        ]
        data["assistance"] = [
            {
                "id": a.pk,
                "type": a.assistance_type,
                "started_on": a.started_on.isoformat(),
                "ended_on": a.ended_on.isoformat() if a.ended_on else None,
            }
            for a in detail["assistance"]
        ]
        return Response(data)


@routes("households/<int:pk>/members/", "household_member_add")
class HouseholdMemberApi(APIView):
    MemberInput = HouseholdListApi.RegisterInput.MemberInput

    @extend_schema(request=MemberInput, responses={201: dict})
    def post(self, request: Request, pk: int) -> Response:
        household = selectors.household_get_for_user(user=request.user, pk=pk)
        data = _valid(self.MemberInput, request)
        person = services.member_add(
            actor=request.user, household=household, member=services.MemberInput(**data)
        )
        return Response(_person_out(request.user, person), status=status.HTTP_201_CREATED)


def _source_field() -> Any:
    """The optional source of a recorded fact (an input field named like ``Field.source``: DRF's
    metaclass takes declared fields off the class, so the attribute is untouched; typed ``Any``
    because the stubs only see the name)."""
    return serializers.CharField(max_length=60, required=False, allow_blank=True)


@routes("households/<int:pk>/assistance/", "household_assistance_set")
class HouseholdAssistanceApi(APIView):
    class Input(StrictSerializer):
        assistance_type = serializers.ChoiceField(choices=AssistanceType.values)
        started_on = serializers.DateField()
        source = _source_field()

    @extend_schema(request=Input, responses={201: dict})
    def post(self, request: Request, pk: int) -> Response:
        household = selectors.household_get_for_user(user=request.user, pk=pk)
        row = _run(HOUSEHOLD_WORKFLOW, "assistance_set", self.Input, request, household)
        return Response(
            {"id": row.pk, "type": row.assistance_type, "started_on": row.started_on.isoformat()},
            status=status.HTTP_201_CREATED,
        )


@routes("persons/", "person_list")
class PersonListApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("q", str), OpenApiParameter("area_code", str)],
        responses={200: dict},
    )
    def get(self, request: Request) -> Response:
        qs = selectors.person_list(
            user=request.user,
            search=request.query_params.get("q", "")[:40],
            area_code=request.query_params.get("area_code", "")[:12],
        )
        paginator = default_paginator()
        page = paginator.paginate_queryset(qs, request, view=self) or []
        tags = _tags(list(page))
        audit.record(  # the list shows masked numbers and sensitive tags (AUD-01)
            actor=request.user,
            action="view.registry.person_list",
            changes={"fields": ["id_number", "phone", "tags"], "count": len(page)},
        )
        return paginator.get_paginated_response(
            [_person_out(request.user, p, tags=tags.get(p.pk, [])) for p in page]
        )


@routes("persons/<int:pk>/", "person_detail")
class PersonDetailApi(APIView):
    @extend_schema(responses={200: dict})
    def get(self, request: Request, pk: int) -> Response:
        person = selectors.person_get_for_user(user=request.user, pk=pk)
        audit.record_view(
            actor=request.user, target=person, fields=["id_number", "phone", "disability", "tags"]
        )
        household = selectors.current_household_of(person)
        data = _person_out(request.user, person, tags=_tags([person]).get(person.pk, []))
        data["household_id"] = household.pk if household else None
        data["disabilities"] = [
            {"type": d.disability_type, "grade": d.grade, "is_active": d.is_active}
            for d in person.disabilities.all()
        ]
        return Response(data)


@routes("persons/<int:pk>/tags/", "person_tag_add")
class PersonTagApi(APIView):
    class Input(StrictSerializer):
        tag = serializers.ChoiceField(choices=Tag.values)
        evidence = serializers.CharField(max_length=1000)
        source = _source_field()

    @extend_schema(request=Input, responses={201: dict})
    def post(self, request: Request, pk: int) -> Response:
        person = selectors.person_get_for_user(user=request.user, pk=pk)
        row = _run(PERSON_WORKFLOW, "tag_add", self.Input, request, person)
        return Response(
            {"id": row.pk, "tag": row.tag, "valid_from": row.valid_from.isoformat()},
            status=status.HTTP_201_CREATED,
        )


@routes("persons/<int:pk>/deceased/", "person_mark_deceased")
class PersonDeceasedApi(APIView):
    class Input(StrictSerializer):
        on = serializers.DateField()
        evidence = serializers.CharField(max_length=500)

    @extend_schema(request=Input, responses={200: dict})
    def post(self, request: Request, pk: int) -> Response:
        person = selectors.person_get_for_user(user=request.user, pk=pk)
        person = _run(PERSON_WORKFLOW, "deceased", self.Input, request, person)
        return Response(_person_out(request.user, person))


urlpatterns = routes.urlpatterns
