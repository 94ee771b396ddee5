"""REST API of the care workflow under /api/v1/care/ (wired by lianxin.api.urls). Views are
thin: an Input serializer per action (unknown fields — stage, area, batch… — are ignored), one
service call, an Output serializer. Domain errors become JSON by the API exception handler."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import Http404
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lianxin.core import audit
from lianxin.directory.selectors import organisation_list
from lianxin.registry.selectors import household_get_for_user

from . import selectors, services
from .models import (
    RECOGNITION_CRITERIA,
    Batch,
    CareAction,
    DiscoverySource,
    Escalation,
    Evaluation,
    Grade,
    Heating,
    Housing,
)

# --- output -----------------------------------------------------------------------------------


class MeasureOutput(serializers.Serializer):
    id = serializers.IntegerField()
    case_id = serializers.IntegerField()
    action = serializers.CharField()
    action_label = serializers.CharField(source="get_action_display")
    title = serializers.CharField()
    responsible_unit = serializers.CharField(source="responsible_unit.name")
    responsible_unit_id = serializers.IntegerField()
    paired_unit_id = serializers.IntegerField(allow_null=True)
    deadline = serializers.DateField()
    budget_fen = serializers.IntegerField(allow_null=True)
    status = serializers.CharField()
    evidence = serializers.CharField()
    delivery_type = serializers.CharField()
    delivery_id = serializers.CharField()
    delivery_label = serializers.CharField()


class CaseOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    household_number = serializers.CharField(source="household.number")
    area_code = serializers.CharField()
    stage = serializers.CharField()
    stage_label = serializers.CharField(source="get_stage_display")
    source = serializers.CharField()
    grade = serializers.CharField()
    computed_grade = serializers.CharField()
    grade_reasons = serializers.ListField(child=serializers.CharField())
    grade_override_reason = serializers.CharField()
    priority = serializers.IntegerField()
    batch = serializers.CharField(source="batch.name", allow_null=True, default=None)
    person_count = serializers.IntegerField()
    leader_id = serializers.IntegerField(allow_null=True)
    paired_unit_id = serializers.IntegerField(allow_null=True)


class CaseDetailOutput(CaseOutput):
    measures = serializers.SerializerMethodField()

    @extend_schema_field(MeasureOutput(many=True))
    def get_measures(self, case: Any) -> list[dict[str, Any]]:
        return MeasureOutput(selectors.case_measures(case), many=True).data


class BatchOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    sequence = serializers.IntegerField()
    area_code = serializers.CharField()
    is_open = serializers.BooleanField()


# --- input ------------------------------------------------------------------------------------


class DiscoverInput(serializers.Serializer):
    household_id = serializers.IntegerField()
    source = serializers.ChoiceField(choices=DiscoverySource.choices)
    description = serializers.CharField(allow_blank=True)
    applicant_name = serializers.CharField(required=False, allow_blank=True, default="")


class InvestigateInput(serializers.Serializer):
    visited_on = serializers.DateField(required=False, allow_null=True)
    residents = serializers.CharField(required=False, allow_blank=True)
    resident_count = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    monthly_income_fen = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    monthly_expenses_fen = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    income_notes = serializers.CharField(required=False, allow_blank=True)
    housing = serializers.ChoiceField(choices=Housing.choices, required=False, allow_blank=True)
    housing_notes = serializers.CharField(required=False, allow_blank=True)
    has_severe_illness = serializers.BooleanField(required=False)
    illness_assisted = serializers.BooleanField(required=False)
    health_notes = serializers.CharField(required=False, allow_blank=True)
    has_disabled_member = serializers.BooleanField(required=False)
    disability_notes = serializers.CharField(required=False, allow_blank=True)
    has_school_age_child = serializers.BooleanField(required=False)
    child_out_of_school = serializers.BooleanField(required=False)
    schooling_notes = serializers.CharField(required=False, allow_blank=True)
    child_without_carer = serializers.BooleanField(required=False)
    disabled_adult_without_carer = serializers.BooleanField(required=False)
    elderly_alone = serializers.BooleanField(required=False)
    care_notes = serializers.CharField(required=False, allow_blank=True)
    heating = serializers.ChoiceField(choices=Heating.choices, required=False, allow_blank=True)
    needs = serializers.CharField(required=False, allow_blank=True)
    submit = serializers.BooleanField(default=True, help_text="false: save as draft")


class ReviewInput(serializers.Serializer):
    held_on = serializers.DateField(allow_null=True)
    participants = serializers.CharField(allow_blank=True)
    opinion = serializers.CharField(allow_blank=True)
    recommends = serializers.BooleanField(default=True)


class RecogniseInput(serializers.Serializer):
    batch_id = serializers.IntegerField(allow_null=True)
    checklist = serializers.DictField(
        child=serializers.BooleanField(), help_text=str(list(RECOGNITION_CRITERIA))
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class PlanInput(serializers.Serializer):
    goal = serializers.CharField(allow_blank=True)
    leader_id = serializers.IntegerField(allow_null=True, required=False)
    paired_unit_id = serializers.IntegerField(allow_null=True, required=False)


class MeasureInput(serializers.Serializer):
    action = serializers.ChoiceField(choices=CareAction.choices)
    title = serializers.CharField(allow_blank=True)
    responsible_unit_id = serializers.IntegerField(allow_null=True)
    paired_unit_id = serializers.IntegerField(allow_null=True, required=False)
    deadline = serializers.DateField(allow_null=True)
    budget_fen = serializers.IntegerField(allow_null=True, required=False, min_value=0)
    delivery_type = serializers.CharField(required=False, allow_blank=True, default="")
    delivery_id = serializers.CharField(required=False, allow_blank=True, default="")
    delivery_label = serializers.CharField(required=False, allow_blank=True, default="")


class FollowUpInput(serializers.Serializer):
    visited_on = serializers.DateField(allow_null=True)
    notes = serializers.CharField(allow_blank=True)
    measure_progress = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, default=dict
    )


class EvaluateInput(serializers.Serializer):
    evaluated_on = serializers.DateField(allow_null=True)
    outcome = serializers.CharField(allow_blank=True)
    decision = serializers.ChoiceField(choices=Evaluation.Decision.choices)


class GradeInput(serializers.Serializer):
    grade = serializers.ChoiceField(choices=Grade.choices, allow_blank=True)
    reason = serializers.CharField(allow_blank=True)


class EmptyInput(serializers.Serializer):
    pass


class EvidenceInput(serializers.Serializer):
    evidence = serializers.CharField(allow_blank=True)


class EscalateInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Escalation.Kind.choices)
    reason = serializers.CharField(allow_blank=True)


class LinkInput(serializers.Serializer):
    delivery_type = serializers.CharField(allow_blank=True)
    delivery_id = serializers.CharField(allow_blank=True)
    label = serializers.CharField(required=False, allow_blank=True, default="")


def _unit(user: Any, pk: int | None) -> Any:
    return organisation_list(user=user).filter(pk=pk).first() if pk else None


def _int_keys(mapping: dict[str, str]) -> dict[int, str]:
    try:
        return {int(k): v for k, v in mapping.items()}
    except ValueError as exc:
        raise serializers.ValidationError({"measure_progress": "键必须是措施ID"}) from exc


CASE_ACTIONS: dict[str, type[serializers.Serializer]] = {
    "investigate": InvestigateInput,
    "review": ReviewInput,
    "recognise": RecogniseInput,
    "reject": ReasonInput,
    "plan": PlanInput,
    "measure": MeasureInput,
    "approve": EmptyInput,
    "followup": FollowUpInput,
    "evaluate": EvaluateInput,
    "accept": EmptyInput,
    "grade": GradeInput,
}
MEASURE_ACTIONS: dict[str, type[serializers.Serializer]] = {
    "start": EmptyInput,
    "implement": EvidenceInput,
    "cancel": ReasonInput,
    "escalate": EscalateInput,
    "link": LinkInput,
}


def _run_case_action(user: Any, case: Any, action: str, d: dict[str, Any]) -> Any:
    """One service call per action; returns what to answer with (a case or a measure)."""
    if action == "investigate":
        submit = d.pop("submit", True)
        if submit:
            return services.case_investigate(actor=user, case=case, data=d)
        services.investigation_save(actor=user, case=case, data=d)
        return case
    if action == "review":
        return services.case_review_by_community(actor=user, case=case, **d)
    if action == "recognise":
        batch = (
            Batch.objects.for_user(user).filter(pk=d["batch_id"]).first() if d["batch_id"] else None
        )
        return services.case_recognise(
            actor=user, case=case, batch=batch, checklist=d["checklist"], note=d["note"]
        )
    if action == "reject":
        return services.case_reject(actor=user, case=case, reason=d["reason"])
    if action == "plan":
        leader_id = d.get("leader_id")
        services.plan_save(
            actor=user,
            case=case,
            goal=d["goal"],
            leader=get_user_model().objects.filter(pk=leader_id).first() if leader_id else None,
            paired_unit=_unit(user, d.get("paired_unit_id")),
        )
        return case
    if action == "measure":
        return services.measure_add(
            actor=user,
            case=case,
            action=d["action"],
            title=d["title"],
            responsible_unit=_unit(user, d["responsible_unit_id"]),
            paired_unit=_unit(user, d.get("paired_unit_id")),
            deadline=d["deadline"],
            budget_fen=d.get("budget_fen"),
            delivery_type=d["delivery_type"],
            delivery_id=d["delivery_id"],
            delivery_label=d["delivery_label"],
        )
    if action == "approve":
        return services.plan_approve(actor=user, case=case)
    if action == "followup":
        services.followup_record(
            actor=user,
            case=case,
            visited_on=d["visited_on"],
            notes=d["notes"],
            measure_progress=_int_keys(d["measure_progress"]),
        )
        return case
    if action == "evaluate":
        services.case_evaluate(actor=user, case=case, **d)
        return case
    if action == "accept":
        return services.case_accept(actor=user, case=case)
    if action == "grade":
        return services.case_set_grade(actor=user, case=case, grade=d["grade"], reason=d["reason"])
    raise Http404


# --- views ------------------------------------------------------------------------------------


class CaseListApi(ListAPIView):
    serializer_class = CaseOutput

    @extend_schema(
        parameters=[
            OpenApiParameter("stage", str),
            OpenApiParameter("grade", str),
            OpenApiParameter("q", str),
            OpenApiParameter("batch", int),
        ]
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        params = self.request.query_params
        batch = params.get("batch", "")
        return selectors.case_list(
            user=self.request.user,
            stage=params.get("stage", ""),
            grade=params.get("grade", ""),
            search=params.get("q", ""),
            batch_id=int(batch) if batch.isdigit() else None,
        )

    @extend_schema(request=DiscoverInput, responses={201: CaseOutput})
    def post(self, request: Request) -> Response:
        data = DiscoverInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        household = household_get_for_user(user=request.user, pk=d["household_id"])
        case = services.case_discover(
            actor=request.user,
            household=household,
            source=d["source"],
            description=d["description"],
            applicant_name=d["applicant_name"],
        )
        return Response(CaseOutput(case).data, status=status.HTTP_201_CREATED)


class CaseDetailApi(APIView):
    @extend_schema(responses=CaseDetailOutput)
    def get(self, request: Request, pk: int) -> Response:
        case = selectors.case_get_for_user(user=request.user, pk=pk)
        audit.record_view(actor=request.user, target=case, fields=["grade", "measures"])
        return Response(CaseDetailOutput(case).data)


class CaseTransitionApi(APIView):
    """POST /care/cases/{id}/{action}/ with action one of investigate, review, recognise, reject,
    plan, measure, approve, followup, evaluate, accept, grade."""

    @extend_schema(request=InvestigateInput, responses=CaseDetailOutput)
    def post(self, request: Request, pk: int, action: str) -> Response:
        case = selectors.case_get_for_user(user=request.user, pk=pk)
        input_class = CASE_ACTIONS.get(action)
        if input_class is None:
            raise Http404
        data = input_class(data=request.data)
        data.is_valid(raise_exception=True)
        result = _run_case_action(request.user, case, action, dict(data.validated_data))
        if action == "measure":
            return Response(MeasureOutput(result).data, status=status.HTTP_201_CREATED)
        case = selectors.case_get_for_user(user=request.user, pk=pk)
        return Response(CaseDetailOutput(case).data)


class MeasureListApi(ListAPIView):
    serializer_class = MeasureOutput

    @extend_schema(parameters=[OpenApiParameter("overdue", bool), OpenApiParameter("status", str)])
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        params = self.request.query_params
        return selectors.measure_queue(
            user=self.request.user,
            overdue_only=params.get("overdue") in ("1", "true"),
            status=params.get("status", ""),
        )


class MeasureTransitionApi(APIView):
    """POST /care/measures/{id}/{action}/ with action one of start, implement, cancel, escalate,
    link."""

    @extend_schema(request=EvidenceInput, responses=MeasureOutput)
    def post(self, request: Request, pk: int, action: str) -> Response:
        measure = selectors.measure_get_for_user(user=request.user, pk=pk)
        input_class = MEASURE_ACTIONS.get(action)
        if input_class is None:
            raise Http404
        data = input_class(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        user = request.user
        if action == "start":
            measure = services.measure_start(actor=user, measure=measure)
        elif action == "implement":
            measure = services.measure_implement(
                actor=user, measure=measure, evidence=d["evidence"]
            )
        elif action == "cancel":
            measure = services.measure_cancel(actor=user, measure=measure, reason=d["reason"])
        elif action == "escalate":
            services.escalation_raise(
                actor=user, measure=measure, kind=d["kind"], reason=d["reason"]
            )
        else:
            measure = services.measure_link_delivery(
                actor=user,
                measure=measure,
                delivery_type=d["delivery_type"],
                delivery_id=d["delivery_id"],
                label=d["label"],
            )
        return Response(MeasureOutput(measure).data)


class BatchListApi(ListAPIView):
    serializer_class = BatchOutput

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.batch_list(user=self.request.user)


class BatchProgressOutput(serializers.Serializer):
    households = serializers.IntegerField()
    persons = serializers.IntegerField()
    measures = serializers.IntegerField()
    implemented = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    overdue = serializers.IntegerField()
    rate = serializers.FloatField()
    by_action = serializers.ListField(child=serializers.DictField())


class BatchProgressApi(APIView):
    @extend_schema(responses=BatchProgressOutput)
    def get(self, request: Request, pk: int) -> Response:
        batch = selectors.batch_get_for_user(user=request.user, pk=pk)
        progress = selectors.batch_progress(user=request.user, batch=batch)
        return Response({"batch": BatchOutput(batch).data, **BatchProgressOutput(progress).data})


urlpatterns = [
    path("care/cases/", CaseListApi.as_view(), name="care_case_list"),
    path("care/cases/<int:pk>/", CaseDetailApi.as_view(), name="care_case_detail"),
    path(
        "care/cases/<int:pk>/<slug:action>/",
        CaseTransitionApi.as_view(),
        name="care_case_transition",
    ),
    path("care/measures/", MeasureListApi.as_view(), name="care_measure_list"),
    path(
        "care/measures/<int:pk>/<slug:action>/",
        MeasureTransitionApi.as_view(),
        name="care_measure_transition",
    ),
    path("care/batches/", BatchListApi.as_view(), name="care_batch_list"),
    path("care/batches/<int:pk>/progress/", BatchProgressApi.as_view(), name="care_batch_progress"),
]
