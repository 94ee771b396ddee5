"""REST API of roster comparison: runs, alerts and their verification."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lianxin.core.drf_views import ScopedDetailApi, ScopedListApi
from lianxin.core.routes import ApiRoutes
from lianxin.core.workflow import actions_payload

from . import selectors
from .models import Alert
from .workflows import ALERT_WORKFLOW, transition_for


class RunOutput(serializers.Serializer):
    id = serializers.IntegerField()
    area_code = serializers.CharField()
    as_of = serializers.DateField()
    engine = serializers.CharField()
    status = serializers.CharField()
    residents = serializers.IntegerField()
    alerts_per_rule = serializers.DictField()
    link_stats = serializers.DictField()
    alerts_new = serializers.IntegerField()
    review_rows = serializers.IntegerField()
    seconds = serializers.FloatField()


class AlertOutput(serializers.Serializer):
    id = serializers.IntegerField()
    run_id = serializers.IntegerField()
    person_id = serializers.IntegerField()
    person_name = serializers.CharField(source="person.name")
    rule = serializers.CharField()
    detail = serializers.CharField()
    area_code = serializers.CharField()
    grid_id = serializers.IntegerField(allow_null=True)
    status = serializers.CharField()
    outcome = serializers.CharField()
    verification_note = serializers.CharField()
    actions = serializers.SerializerMethodField(help_text="此用户现在可办理的操作")

    def get_actions(self, alert: Alert) -> list[dict[str, str]]:
        request = self.context.get("request")
        return actions_payload(ALERT_WORKFLOW, request.user, alert) if request else []


routes = ApiRoutes("monitoring")


@routes("runs/", "run_list")
class RunListApi(ScopedListApi):
    serializer_class = RunOutput

    def rows(self, user: Any, **filters: str) -> Any:
        return selectors.run_list(user=user)


@routes("runs/<int:pk>/", "run_detail")
class RunDetailApi(ScopedDetailApi):
    serializer_class = RunOutput

    def row(self, user: Any, pk: Any) -> Any:
        return selectors.run_get_for_user(user=user, pk=pk)


@routes("alerts/", "alert_list")
class AlertListApi(ScopedListApi):
    serializer_class = AlertOutput
    filters = {"status": "status", "rule": "rule"}

    def rows(self, user: Any, **filters: str) -> Any:
        return selectors.alert_list(user=user, status=filters["status"], rule=filters["rule"])


@routes("alerts/<int:pk>/", "alert_detail")
class AlertDetailApi(ScopedDetailApi):
    serializer_class = AlertOutput

    def row(self, user: Any, pk: Any) -> Any:
        return selectors.alert_get_for_user(user=user, pk=pk)


@routes("alerts/<int:pk>/verify/", "alert_verify")
class AlertVerifyApi(APIView):
    class InputSerializer(serializers.Serializer):
        confirmed = serializers.BooleanField()
        note = serializers.CharField(max_length=2000)
        outcome = serializers.ChoiceField(
            choices=[c for c, _ in Alert.Outcome.choices if c], required=False, default=""
        )

    @extend_schema(request=InputSerializer, responses=AlertOutput)
    def post(self, request: Request, pk: int) -> Response:
        alert = selectors.alert_get_for_user(user=request.user, pk=pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        name = transition_for(confirmed=d["confirmed"], outcome=d["outcome"])
        alert = ALERT_WORKFLOW.run(name, actor=request.user, obj=alert, data={"note": d["note"]})
        return Response(AlertOutput(alert, context={"request": request}).data)


urlpatterns = routes.urlpatterns
