"""REST API of the hotline (under /api/v1/): intake, list, detail, one POST per transition, and
the routing proposal of shared/contracts/hotline.md."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms as django_forms
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lianxin.core import phone
from lianxin.core.drf_views import ScopedDetailApi, ScopedListApi
from lianxin.core.errors import AccessDenied, ApplicationError
from lianxin.core.roles import Role
from lianxin.core.scoping import scope_of

from . import selectors
from .forms import UnitField, UnitsField, YesNoField
from .intake import intake_request
from .models import Channel, Urgency, WorkOrder
from .workflows import ACTION_NAMES, WORKORDER_WORKFLOW, perform


class UnitOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()


class WorkOrderOutput(serializers.Serializer):
    id = serializers.IntegerField()
    tracking_code = serializers.CharField()
    channel = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    text = serializers.CharField()
    place = serializers.CharField()
    area_code = serializers.CharField()
    dept_type = serializers.CharField()
    urgency = serializers.CharField()
    caller_name = serializers.CharField()
    caller_phone = serializers.SerializerMethodField()
    hotline = serializers.CharField(source="hotline.name")
    lead_unit = UnitOutput(allow_null=True)
    received_at = serializers.DateTimeField()
    dispatch_due_at = serializers.DateTimeField()
    reply_due_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    dispatched_at = serializers.DateTimeField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    replied_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    reply_text = serializers.CharField()
    satisfaction = serializers.CharField()
    supervised = serializers.BooleanField()
    escalated = serializers.BooleanField()
    merged_into = serializers.CharField(
        source="merged_into.tracking_code", allow_null=True, default=None
    )

    def get_caller_phone(self, order: WorkOrder) -> str:
        return phone.mask(order.caller_phone or "")


class IntakeInput(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, max_length=4000)
    caller_name = serializers.CharField(required=False, allow_blank=True, max_length=40)
    caller_phone = serializers.CharField(required=False, allow_blank=True, max_length=30)
    place = serializers.CharField(required=False, allow_blank=True, max_length=200)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False, default=Channel.API)
    area_code = serializers.CharField(required=False, allow_blank=True, max_length=12)
    dept_type = serializers.CharField(required=False, allow_blank=True, max_length=40)
    urgency = serializers.ChoiceField(
        choices=Urgency.choices, required=False, default=Urgency.GENERAL
    )
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True
    )
    idempotency_key = serializers.CharField(required=False, allow_blank=True, max_length=80)
    lead_unit = serializers.CharField(required=False, allow_blank=True, max_length=40)
    dispatch_now = serializers.BooleanField(required=False, default=False)


class WorkOrderListApi(ScopedListApi):
    serializer_class = WorkOrderOutput
    filters = {f: f for f in ("status", "dept_type", "search", "area_code")}

    def rows(self, user: Any, **filters: str) -> Any:
        return selectors.workorder_list(user=user, **filters).select_related("merged_into")

    @extend_schema(
        request=IntakeInput,
        responses={201: WorkOrderOutput, 200: WorkOrderOutput},
        parameters=[OpenApiParameter("Idempotency-Key", str, location=OpenApiParameter.HEADER)],
    )
    def post(self, request: Request) -> Response:
        """Take a request (hotline agents). The ``Idempotency-Key`` header (or the
        ``idempotency_key`` field) makes a resubmission answer the same order with 200."""
        if not scope_of(request.user).has_role(Role.HOTLINE_AGENT):
            raise AccessDenied("只有12345坐席可以受理工单")
        data = IntakeInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        key = request.headers.get("Idempotency-Key") or fields.pop("idempotency_key", "")
        fields.pop("idempotency_key", None)
        lead = UnitField().clean_or_refuse(fields.pop("lead_unit", ""))
        extra: dict[str, Any] = {
            k: (v if v != "" else None) if k in ("area_code", "dept_type") else v
            for k, v in fields.items()
        }
        result = intake_request(
            actor=request.user, idempotency_key=key or None, lead_unit=lead, **extra
        )
        order = selectors.workorder_get_for_user(user=request.user, pk=result.order.pk)
        body = dict(WorkOrderOutput(order).data)
        body["routing"] = result.proposal
        body["dispatch_error"] = result.dispatch_error
        return Response(
            body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        )


class WorkOrderDetailApi(ScopedDetailApi):
    serializer_class = WorkOrderOutput

    def row(self, user: Any, pk: Any) -> Any:
        return selectors.workorder_get_for_user(user=user, pk=pk)


def _schema_field(field: Any) -> serializers.Field:
    """The OpenAPI shape of one action form field (all optional: each action reads its own)."""
    if isinstance(field, UnitsField):
        return serializers.ListField(child=serializers.CharField(), required=False)
    if isinstance(field, YesNoField):
        return serializers.BooleanField(required=False)
    if isinstance(field, django_forms.IntegerField):
        return serializers.IntegerField(required=False)
    if isinstance(field, django_forms.FileField):
        return serializers.FileField(required=False)
    return serializers.CharField(required=False)


def _action_input_fields() -> dict[str, serializers.Field]:
    """Every field any transition's form reads (forms.py), for the schema of the action POSTs."""
    fields: dict[str, serializers.Field] = {}
    for t in WORKORDER_WORKFLOW.transitions:
        for name, field in (t.form.base_fields if t.form else {}).items():
            fields.setdefault(name, _schema_field(field))
    return fields


class WorkOrderActionApi(APIView):
    action_name = ""

    @extend_schema(
        request=inline_serializer("WorkOrderActionInput", _action_input_fields()),
        responses=WorkOrderOutput,
    )
    def post(self, request: Request, pk: int) -> Response:
        order = selectors.workorder_get_for_user(user=request.user, pk=pk)
        data: Mapping[str, Any] = request.data if isinstance(request.data, Mapping) else {}
        perform(
            user=request.user, order=order, action=self.action_name, data=data, files=request.FILES
        )
        return Response(
            WorkOrderOutput(selectors.workorder_get_for_user(user=request.user, pk=pk)).data
        )


class RouteInput(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, max_length=4000)
    location = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=200
    )
    area_code = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=12
    )


class RouteApi(APIView):
    @extend_schema(
        request=RouteInput,
        responses=inline_serializer(
            "RouteProposal",
            {
                "dept_type": serializers.CharField(),
                "unit": serializers.DictField(allow_null=True),
                "confidence": serializers.FloatField(),
                "alternatives": serializers.ListField(child=serializers.DictField()),
                "explanation": serializers.CharField(),
                "duty_entry": inline_serializer(
                    "RouteDutyEntry",
                    {
                        "code": serializers.CharField(),
                        "number": serializers.IntegerField(),
                        "matter": serializers.CharField(),
                        "dept_type": serializers.CharField(),
                        "level": serializers.CharField(),
                        "version": serializers.IntegerField(),
                    },
                    allow_null=True,
                ),
                "place": inline_serializer(
                    "RoutePlace",
                    {
                        "code": serializers.CharField(),
                        "level": serializers.CharField(),
                        "name": serializers.CharField(),
                        "matched": serializers.ListField(child=serializers.CharField()),
                        "ambiguous": serializers.BooleanField(),
                        "candidates": serializers.ListField(child=serializers.DictField()),
                    },
                    allow_null=True,
                ),
            },
        ),
    )
    def post(self, request: Request) -> Response:
        """The routing proposal for a request text (shared/contracts/hotline.md)."""
        data = RouteInput(data=request.data)
        data.is_valid(raise_exception=True)
        text = data.validated_data["text"]
        if not text.strip():
            raise ApplicationError("诉求内容不能为空")
        proposal = selectors.route_request(
            text=text,
            location=data.validated_data.get("location") or None,
            area_code=data.validated_data.get("area_code") or None,
        )
        return Response(proposal.as_dict())


def _action_route(action: str) -> Any:
    view: type[WorkOrderActionApi] = type(
        f"WorkOrder{action.title().replace('_', '')}Api",
        (WorkOrderActionApi,),
        {"action_name": action},
    )
    return path(
        f"hotline/workorders/<int:pk>/{action.replace('_', '-')}/",
        view.as_view(),
        name=f"workorder_{action}",
    )


urlpatterns = [
    path("hotline/route", RouteApi.as_view(), name="workorder_route"),
    path("hotline/workorders/", WorkOrderListApi.as_view(), name="workorder_list"),
    path("hotline/workorders/<int:pk>/", WorkOrderDetailApi.as_view(), name="workorder_detail"),
    *[_action_route(a) for a in ACTION_NAMES],
]
