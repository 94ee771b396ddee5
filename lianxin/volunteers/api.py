"""REST API of neighbourhood help under /api/v1/wishes/ and /api/v1/volunteers/ (wired by
lianxin.api.urls). A wish is answered with its anonymised fields only (no person, no address,
no photo) to everyone; ``POST /wishes/{id}/claim/`` answers 409 to every claim after the first,
``POST /volunteers/tasks/{id}/take/`` likewise."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lianxin.core.drf_views import ScopedDetailApi, ScopedListApi
from lianxin.core.errors import AccessDenied
from lianxin.core.routes import ApiRoutes
from lianxin.core.workflow import actions_payload

from . import selectors, services
from .workflows import TASK_WORKFLOW, WISH_WORKFLOW


class WishOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    category = serializers.CharField()
    category_label = serializers.CharField(source="get_category_display")
    story = serializers.CharField()
    public_line = serializers.CharField()
    estimate_fen = serializers.IntegerField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    published_at = serializers.DateTimeField(allow_null=True)
    claimed_at = serializers.DateTimeField(allow_null=True)
    claim_due = serializers.DateTimeField(allow_null=True)
    area_code = serializers.CharField()
    actions = serializers.SerializerMethodField()

    def get_actions(self, wish: Any) -> list[dict[str, str]]:
        return actions_payload(WISH_WORKFLOW, self.context["request"].user, wish)


routes = ApiRoutes("")


@routes("wishes/", "wish_list")
class WishListApi(ScopedListApi):
    serializer_class = WishOutput
    filters = {"status": "status", "category": "category"}

    def rows(self, user: Any, **filters: str) -> Any:
        return selectors.wish_list(user=user, **filters)


@routes("wishes/<int:pk>/", "wish_detail")
class WishDetailApi(ScopedDetailApi):
    serializer_class = WishOutput

    def row(self, user: Any, pk: Any) -> Any:
        return selectors.wish_get_for_user(user=user, pk=pk)


class ActionInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)
    value_fen = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    confirmed_by = serializers.CharField(required=False, allow_blank=True, max_length=20)
    receipt_code = serializers.CharField(required=False, allow_blank=True, max_length=10)


def _wish_call(action: str, request: Request, wish: Any, data: dict[str, Any]) -> Any:
    calls = {
        "publish": lambda: services.wish_publish(actor=request.user, obj=wish),
        "claim": lambda: services.wish_claim(actor=request.user, obj=wish),
        "release": lambda: services.wish_release(
            actor=request.user, obj=wish, reason=data.get("reason", "")
        ),
        "deliver": lambda: services.wish_deliver(
            actor=request.user, obj=wish, note=data.get("note", ""), value_fen=data.get("value_fen")
        ),
        "confirm": lambda: services.wish_confirm(
            actor=request.user,
            obj=wish,
            confirmed_by=data.get("confirmed_by") or "grid_worker",
            receipt_code=data.get("receipt_code", ""),
            photo=request.FILES.get("photo"),
        ),
        "cancel": lambda: services.wish_cancel(
            actor=request.user, obj=wish, reason=data.get("reason", "")
        ),
    }
    if action not in calls:
        raise AccessDenied("没有这个操作")
    return calls[action]()


@routes("wishes/<int:pk>/<slug:action>/", "wish_transition")
class WishTransitionApi(APIView):
    @extend_schema(request=ActionInput, responses=WishOutput)
    def post(self, request: Request, pk: int, action: str) -> Response:
        wish = selectors.wish_get_for_user(user=request.user, pk=pk)
        data = ActionInput(data=request.data)
        data.is_valid(raise_exception=True)
        wish = _wish_call(action, request, wish, dict(data.validated_data))
        return Response(
            WishOutput(wish, context={"request": request}).data, status=status.HTTP_200_OK
        )


# --- volunteers --------------------------------------------------------------------------------


class ProfileOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    national_number = serializers.CharField()
    skills = serializers.CharField()
    availability = serializers.CharField()
    area_code = serializers.CharField()
    hours = serializers.SerializerMethodField()
    points = serializers.SerializerMethodField()

    def get_hours(self, profile: Any) -> float:
        return round(selectors.balance_of(profile).minutes / 60, 2)

    def get_points(self, profile: Any) -> int:
        return int(selectors.balance_of(profile).points)


@routes("volunteers/", "volunteer_list")
class VolunteerListApi(ScopedListApi):
    """Staff: the volunteers of their area; a volunteer: himself (with hours and points)."""

    serializer_class = ProfileOutput
    filters = {"q": "search"}

    def rows(self, user: Any, **filters: str) -> Any:
        return selectors.profile_list(user=user, **filters)


class TaskOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    title = serializers.CharField()
    public_line = serializers.CharField()
    team = serializers.CharField(source="team.name")
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    scheduled_for = serializers.DateTimeField(allow_null=True)
    taken_at = serializers.DateTimeField(allow_null=True)
    checked_in_at = serializers.DateTimeField(allow_null=True)
    checked_out_at = serializers.DateTimeField(allow_null=True)
    minutes = serializers.IntegerField()
    area_code = serializers.CharField()
    actions = serializers.SerializerMethodField()

    def get_actions(self, task: Any) -> list[dict[str, str]]:
        return actions_payload(TASK_WORKFLOW, self.context["request"].user, task)


@routes("volunteers/tasks/", "volunteer_task_list")
class TaskListApi(ScopedListApi):
    serializer_class = TaskOutput
    filters = {"status": "status", "kind": "kind"}

    def rows(self, user: Any, **filters: str) -> Any:
        return selectors.task_list(user=user, **filters)


@routes("volunteers/tasks/<int:pk>/", "volunteer_task_detail")
class TaskDetailApi(ScopedDetailApi):
    serializer_class = TaskOutput

    def row(self, user: Any, pk: Any) -> Any:
        return selectors.task_get_for_user(user=user, pk=pk)


@routes("volunteers/tasks/<int:pk>/<slug:action>/", "volunteer_task_transition")
class TaskTransitionApi(APIView):
    @extend_schema(request=ActionInput, responses=TaskOutput)
    def post(self, request: Request, pk: int, action: str) -> Response:
        task = selectors.task_get_for_user(user=request.user, pk=pk)
        data = ActionInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        calls = {
            "take": lambda: services.task_take(actor=request.user, obj=task),
            "release": lambda: services.task_release(
                actor=request.user, obj=task, reason=v.get("reason", "")
            ),
            "check-in": lambda: services.task_check_in(actor=request.user, obj=task),
            "check-out": lambda: services.task_check_out(
                actor=request.user, obj=task, note=v.get("note", "")
            ),
            "confirm": lambda: services.task_confirm(
                actor=request.user, obj=task, confirmed_by=v.get("confirmed_by") or "grid_worker"
            ),
            "cancel": lambda: services.task_cancel(
                actor=request.user, obj=task, reason=v.get("reason", "")
            ),
        }
        if action not in calls:
            raise AccessDenied("没有这个操作")
        task = calls[action]()
        return Response(TaskOutput(task, context={"request": request}).data)


class VolunteerLedgerOutput(serializers.Serializer):
    hours = serializers.FloatField()
    points = serializers.IntegerField()
    points_earned = serializers.IntegerField()
    tasks = serializers.IntegerField()


@routes("volunteers/me/ledger/", "volunteer_ledger")
class MyLedgerApi(APIView):
    @extend_schema(responses=VolunteerLedgerOutput)
    def get(self, request: Request) -> Response:
        profile = selectors.profile_of(request.user)
        if profile is None:
            raise AccessDenied("您还没有志愿者档案")
        b = selectors.balance_of(profile)
        return Response(
            VolunteerLedgerOutput(
                {
                    "hours": round(b.minutes / 60, 2),
                    "points": b.points,
                    "points_earned": b.points_earned,
                    "tasks": b.tasks,
                }
            ).data
        )


urlpatterns = routes.urlpatterns
