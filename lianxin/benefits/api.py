"""REST API of benefits under /api/v1/benefits/: policies, applications and their transitions,
entitlements, ledger entries (read-only: the ledger answers GET only, every other method is 405).
Thin views: input serializer, one service or workflow call, output serializer."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lianxin.core import audit
from lianxin.core.drf_views import ScopedDetailApi, ScopedListApi
from lianxin.core.routes import ApiRoutes
from lianxin.core.workflow import actions_payload
from lianxin.registry.selectors import household_get_for_user, masked_id_number

from . import selectors, services
from .models import ApplicationSource
from .workflows import APPLICATION_WORKFLOW


class FundingOutput(serializers.Serializer):
    source = serializers.CharField(source="source.name")  # type: ignore[assignment]  # the API name
    share_permille = serializers.IntegerField()


class PolicyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    department_type = serializers.CharField()
    area_code = serializers.CharField()
    subject = serializers.CharField()
    standard_kind = serializers.CharField()
    frequency = serializers.CharField()
    amount_fen = serializers.IntegerField(allow_null=True)
    min_fen = serializers.IntegerField(allow_null=True)
    max_fen = serializers.IntegerField(allow_null=True)
    schedule = serializers.JSONField()
    in_kind_note = serializers.CharField()
    standard = serializers.CharField(source="standard_display")
    rule = serializers.JSONField()
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(allow_null=True)
    fundings = FundingOutput(many=True, source="fundings.all")


class ApplicationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    policy_id = serializers.IntegerField()
    policy = serializers.CharField(source="policy.name")
    household_number = serializers.CharField(source="household.number")
    person_id = serializers.IntegerField(allow_null=True)
    person_name = serializers.CharField(source="person.name", allow_null=True, default=None)
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    source = serializers.CharField()  # type: ignore[assignment]  # the API name
    requested_fen = serializers.IntegerField(allow_null=True)
    approved_fen = serializers.IntegerField(allow_null=True)
    standard_key = serializers.CharField()
    refusal_reason = serializers.CharField()
    filed_by_id = serializers.IntegerField(allow_null=True)
    reviewed_by_id = serializers.IntegerField(allow_null=True)
    decided_by_id = serializers.IntegerField(allow_null=True)


class EntitlementOutput(serializers.Serializer):
    id = serializers.IntegerField()
    policy_id = serializers.IntegerField()
    policy = serializers.CharField(source="policy.name")
    household_number = serializers.CharField(source="household.number")
    person_id = serializers.IntegerField(allow_null=True)
    person_name = serializers.CharField(source="person.name", allow_null=True, default=None)
    amount_fen = serializers.IntegerField()
    frequency = serializers.CharField()
    status = serializers.CharField()
    status_reason = serializers.CharField()
    start_on = serializers.DateField()
    end_on = serializers.DateField(allow_null=True)
    reverify_due_on = serializers.DateField(allow_null=True)


class LedgerOutput(serializers.Serializer):
    id = serializers.IntegerField()
    booked_at = serializers.DateTimeField()
    month = serializers.DateField()
    period = serializers.DateField()
    kind = serializers.CharField()
    policy = serializers.CharField(source="policy.name")
    source = serializers.CharField(source="source.name")  # type: ignore[assignment]  # the API name
    source_id = serializers.IntegerField()
    entitlement_id = serializers.IntegerField()
    household_number = serializers.CharField(source="household.number")
    amount_fen = serializers.IntegerField()
    reverses_id = serializers.IntegerField(allow_null=True)
    note = serializers.CharField()


class ApplicationInput(serializers.Serializer):
    policy_id = serializers.IntegerField()
    household_id = serializers.IntegerField()
    person_id = serializers.IntegerField(required=False, allow_null=True)
    reason = serializers.CharField(allow_blank=True, default="")
    requested_fen = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    standard_key = serializers.CharField(required=False, allow_blank=True, default="")
    income_per_head_fen = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    is_proxy = serializers.BooleanField(default=True)
    submit = serializers.BooleanField(default=False)


class TransitionInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True)
    reason = serializers.CharField(required=False, allow_blank=True)
    approved_yuan = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )


routes = ApiRoutes("benefits")


@routes("policies/", "policy_list")
class PolicyListApi(ScopedListApi):
    serializer_class = PolicyOutput

    def rows(self, user: Any, **filters: str) -> Any:
        return selectors.policy_list(user=user)


@routes("policies/<int:pk>/", "policy_detail")
class PolicyDetailApi(ScopedDetailApi):
    serializer_class = PolicyOutput

    def row(self, user: Any, pk: Any) -> Any:
        return selectors.policy_get_for_user(user=user, pk=pk)


def _application_payload(app: Any, user: Any) -> dict[str, Any]:
    data = dict(ApplicationOutput(app).data)
    data["person_id_number"] = masked_id_number(user=user, person=app.person) if app.person else ""
    data["actions"] = actions_payload(APPLICATION_WORKFLOW, user, app)
    return data


@routes("applications/", "application_list")
class ApplicationListApi(ScopedListApi):
    serializer_class = ApplicationOutput
    filters = {"status": "status", "q": "q"}

    def rows(self, user: Any, **filters: str) -> Any:
        return selectors.application_list(user=user, **filters)

    @extend_schema(request=ApplicationInput, responses={201: ApplicationOutput})
    def post(self, request: Request) -> Response:
        data = ApplicationInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        household = household_get_for_user(user=request.user, pk=d["household_id"])
        policy = selectors.policy_get_for_user(user=request.user, pk=d["policy_id"])
        person = None
        if d.get("person_id"):
            from lianxin.registry.selectors import person_get_for_user

            person = person_get_for_user(user=request.user, pk=d["person_id"])
        app = services.application_file(
            actor=request.user,
            policy=policy,
            household=household,
            person=person,
            source=ApplicationSource.PROXY if d["is_proxy"] else ApplicationSource.RESIDENT,
            reason=d["reason"],
            requested_fen=d.get("requested_fen"),
            standard_key=d["standard_key"],
            income_per_head_fen=d.get("income_per_head_fen"),
            submit=d["submit"],
        )
        return Response(_application_payload(app, request.user), status=status.HTTP_201_CREATED)


@routes("applications/<int:pk>/", "application_detail")
class ApplicationDetailApi(APIView):
    @extend_schema(responses=ApplicationOutput)
    def get(self, request: Request, pk: int) -> Response:
        app = selectors.application_get_for_user(user=request.user, pk=pk)
        audit.record_view(actor=request.user, target=app, fields=["application"])
        return Response(_application_payload(app, request.user))


@routes("applications/<int:pk>/<slug:action>/", "application_transition")
class ApplicationTransitionApi(APIView):
    """POST /benefits/applications/{id}/{action}/ with action one of submit, withdraw, review,
    approve, refuse (body: note, reason, approved_yuan as the action needs)."""

    @extend_schema(request=TransitionInput, responses=ApplicationOutput)
    def post(self, request: Request, pk: int, action: str) -> Response:
        app = selectors.application_get_for_user(user=request.user, pk=pk)
        if action not in {t.name for t in APPLICATION_WORKFLOW.transitions}:
            raise Http404
        data = TransitionInput(data=request.data)
        data.is_valid(raise_exception=True)
        form_data = {k: ("" if v is None else str(v)) for k, v in data.validated_data.items()}
        APPLICATION_WORKFLOW.run(action, actor=request.user, obj=app, data=form_data)
        app = selectors.application_get_for_user(user=request.user, pk=pk)
        return Response(_application_payload(app, request.user))


@routes("entitlements/", "entitlement_list")
class EntitlementListApi(ScopedListApi):
    serializer_class = EntitlementOutput
    filters = {"status": "status", "policy": "policy"}
    filter_types = {"policy": int}

    def rows(self, user: Any, **filters: str) -> Any:
        policy = filters["policy"]
        return selectors.entitlement_list(
            user=user, status=filters["status"], policy_id=policy if policy.isdigit() else ""
        )


@routes("entitlements/<int:pk>/", "entitlement_detail")
class EntitlementDetailApi(ScopedDetailApi):
    serializer_class = EntitlementOutput
    viewed_fields = ("entitlement",)

    def row(self, user: Any, pk: Any) -> Any:
        return selectors.entitlement_get_for_user(user=user, pk=pk)


@routes("ledger/", "ledger_list")
class LedgerListApi(ListAPIView):
    """Ledger entries of the user's area, newest first. Read-only."""

    serializer_class = LedgerOutput

    @extend_schema(
        parameters=[
            OpenApiParameter("month", str, description="YYYY-MM"),
            OpenApiParameter("source", int),
        ]
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        import datetime as dt

        params = self.request.query_params
        text = params.get("month", "")
        try:
            month = dt.date.fromisoformat(text + "-01") if len(text) == 7 else None
        except ValueError:
            month = None
        source = params.get("source", "")
        return selectors.ledger_list(
            user=self.request.user, month=month, source_id=source if source.isdigit() else ""
        )


@routes("ledger/<int:pk>/", "ledger_detail")
class LedgerDetailApi(ScopedDetailApi):
    """One ledger entry. Read-only: PUT, PATCH and DELETE answer 405."""

    serializer_class = LedgerOutput

    def row(self, user: Any, pk: Any) -> Any:
        return selectors.ledger_get_for_user(user=user, pk=pk)


urlpatterns = routes.urlpatterns
