"""REST API of the care workflow under /api/v1/care/ (wired by lianxin.api.urls). Views are
thin: an Input serializer per action (unknown fields — stage, area, batch… — are ignored), one
service call, an Output serializer. Domain errors become JSON by the API exception handler."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lianxin.core import audit
from lianxin.core.drf_views import ScopedListApi
from lianxin.core.routes import ApiRoutes
from lianxin.core.workflow import Workflow, actions_payload
from lianxin.registry.selectors import household_get_for_user

from . import models, selectors, services
from .workflows import (
    CASE_WORKFLOW,
    MEASURE_WORKFLOW,
    REFERRAL_WORKFLOW,
    check_case,
    check_measure,
    check_referral,
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
    proofs = serializers.SerializerMethodField()
    delivery_type = serializers.CharField()
    delivery_id = serializers.CharField()
    delivery_label = serializers.CharField()

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_proofs(self, measure: Any) -> list[dict[str, Any]]:
        """The proof files, each with the URL of the scoped, audited download."""
        return [
            {
                "id": p.pk,
                "content_type": p.content_type,
                "name": p.caption,
                "url": reverse("care:measure_proof", args=[p.pk]),
            }
            for p in measure.proofs.all()
        ]


class CaseOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    household_number = serializers.CharField(source="household.number")
    area_code = serializers.CharField()
    stage = serializers.CharField()
    stage_label = serializers.CharField(source="get_stage_display")
    source = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.source
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
        return list(MeasureOutput(selectors.case_measures(case), many=True).data)


class BatchOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    sequence = serializers.IntegerField()
    area_code = serializers.CharField()
    is_open = serializers.BooleanField()


class ReferralOutput(serializers.Serializer):
    """A referral in the owning area's queue (its staff only; the referrer never sees it)."""

    id = serializers.IntegerField()
    household_id = serializers.IntegerField()
    household_number = serializers.CharField(source="household.number")
    area_code = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]
    source_label = serializers.CharField(source="get_source_display")
    source_type = serializers.CharField()
    source_id = serializers.CharField()
    description = serializers.CharField()
    referrer = serializers.CharField(allow_null=True, default=None)
    referrer_org = serializers.CharField(source="referrer_org.name", allow_null=True, default=None)
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decline_reason = serializers.CharField()
    case_id = serializers.IntegerField(allow_null=True)


# --- input ------------------------------------------------------------------------------------


class DiscoverInput(serializers.Serializer):
    household_id = serializers.IntegerField()
    source = serializers.ChoiceField(choices=models.DiscoverySource.choices)  # type: ignore[assignment]
    description = serializers.CharField(allow_blank=True)
    applicant_name = serializers.CharField(required=False, allow_blank=True, default="")


class InvestigateInput(serializers.Serializer):
    visited_on = serializers.DateField(required=False, allow_null=True)
    residents = serializers.CharField(required=False, allow_blank=True)
    resident_count = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    monthly_income_fen = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    monthly_expenses_fen = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    income_notes = serializers.CharField(required=False, allow_blank=True)
    housing = serializers.ChoiceField(
        choices=models.Housing.choices, required=False, allow_blank=True
    )
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
    heating = serializers.ChoiceField(
        choices=models.Heating.choices, required=False, allow_blank=True
    )
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
        child=serializers.BooleanField(), help_text=str(list(models.RECOGNITION_CRITERIA))
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        batch_id = attrs.pop("batch_id")
        attrs["batch"] = selectors.batch_for(self.context["user"], batch_id) if batch_id else None
        return attrs


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class PlanInput(serializers.Serializer):
    goal = serializers.CharField(allow_blank=True)
    leader_id = serializers.IntegerField(allow_null=True, required=False)
    paired_unit_id = serializers.IntegerField(allow_null=True, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        leader_id = attrs.pop("leader_id", None)
        return {
            "goal": attrs["goal"],
            "leader": selectors.leader_get(leader_id) if leader_id else None,
            "paired_unit": selectors.unit_for(self.context["user"], attrs.get("paired_unit_id")),
        }


class MeasureInput(serializers.Serializer):
    action = serializers.ChoiceField(choices=models.CareAction.choices)
    title = serializers.CharField(allow_blank=True)
    responsible_unit_id = serializers.IntegerField(allow_null=True)
    paired_unit_id = serializers.IntegerField(allow_null=True, required=False)
    deadline = serializers.DateField(allow_null=True)
    budget_fen = serializers.IntegerField(allow_null=True, required=False, min_value=0)
    delivery_type = serializers.CharField(required=False, allow_blank=True, default="")
    delivery_id = serializers.CharField(required=False, allow_blank=True, default="")
    delivery_label = serializers.CharField(required=False, allow_blank=True, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        user = self.context["user"]
        attrs["responsible_unit"] = selectors.unit_for(user, attrs.pop("responsible_unit_id"))
        attrs["paired_unit"] = selectors.unit_for(user, attrs.pop("paired_unit_id", None))
        return attrs


class FollowUpInput(serializers.Serializer):
    visited_on = serializers.DateField(allow_null=True)
    notes = serializers.CharField(allow_blank=True)
    measure_progress = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False, default=dict
    )

    def validate_measure_progress(self, value: dict[str, str]) -> dict[int, str]:
        try:
            return {int(k): v for k, v in value.items()}
        except ValueError as exc:
            raise serializers.ValidationError("键必须是措施ID") from exc


class EvaluateInput(serializers.Serializer):
    evaluated_on = serializers.DateField(allow_null=True)
    outcome = serializers.CharField(allow_blank=True)
    decision = serializers.ChoiceField(choices=models.Evaluation.Decision.choices)


class GradeInput(serializers.Serializer):
    grade = serializers.ChoiceField(choices=models.Grade.choices, allow_blank=True)
    reason = serializers.CharField(allow_blank=True)


class EmptyInput(serializers.Serializer):
    pass


class EvidenceInput(serializers.Serializer):
    evidence = serializers.CharField(allow_blank=True, required=False, default="")
    proofs = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        help_text="photos or documents (multipart; JPEG, PNG, WebP, PDF)",
    )


class EscalateInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=models.Escalation.Kind.choices)
    reason = serializers.CharField(allow_blank=True)


class LinkInput(serializers.Serializer):
    delivery_type = serializers.CharField(allow_blank=True)
    delivery_id = serializers.CharField(allow_blank=True)
    label = serializers.CharField(  # type: ignore[assignment]  # a field named like Field.label
        required=False, allow_blank=True, default=""
    )


class DeclineInput(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


REFERRAL_INPUTS: dict[str, type[serializers.Serializer]] = {"decline": DeclineInput}
CASE_INPUTS: dict[str, type[serializers.Serializer]] = {
    "investigate": InvestigateInput,
    "review": ReviewInput,
    "recognise": RecogniseInput,
    "reject": ReasonInput,
    "plan": PlanInput,
    "measure": MeasureInput,
    "followup": FollowUpInput,
    "evaluate": EvaluateInput,
    "grade": GradeInput,
}
MEASURE_INPUTS: dict[str, type[serializers.Serializer]] = {
    "implement": EvidenceInput,
    "cancel": ReasonInput,
    "escalate": EscalateInput,
    "link": LinkInput,
}


def _dispatch(
    workflow: Workflow,
    check: Any,
    inputs: dict[str, type[serializers.Serializer]],
    request: Request,
    obj: Any,
    action: str,
) -> Any:
    """One transition of the declaration: who and when (``check``), its input, its service."""
    if action not in {t.name for t in workflow.transitions}:
        raise Http404
    transition = check(request.user, obj, action)
    data = inputs.get(action, EmptyInput)(data=request.data, context={"user": request.user})
    data.is_valid(raise_exception=True)
    kwargs = dict(data.validated_data)
    if action == "investigate":  # a draft is saved, not submitted (no transition)
        values = {k: v for k, v in kwargs.items() if k != "submit"}
        if not kwargs.get("submit", True):
            services.investigation_save(actor=request.user, case=obj, data=values)
            return obj
        kwargs = {"data": values}
    target = {transition.object_arg or workflow.object_arg: obj}
    return transition.resolve_service()(actor=request.user, **target, **kwargs)


# --- views ------------------------------------------------------------------------------------


routes = ApiRoutes("care")


@routes("cases/", "case_list")
class CaseListApi(ScopedListApi):
    serializer_class = CaseOutput
    filters = {"stage": "stage", "grade": "grade", "q": "search", "batch": "batch"}
    filter_types = {"batch": int}

    def rows(self, user: Any, **filters: str) -> Any:
        batch = filters["batch"]
        return selectors.case_list(
            user=user,
            stage=filters["stage"],
            grade=filters["grade"],
            search=filters["search"],
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


@routes("cases/<int:pk>/", "case_detail")
class CaseDetailApi(APIView):
    @extend_schema(responses=CaseDetailOutput)
    def get(self, request: Request, pk: int) -> Response:
        case = selectors.case_get_for_user(user=request.user, pk=pk)
        audit.record_view(actor=request.user, target=case, fields=["grade", "measures"])
        actions = actions_payload(CASE_WORKFLOW, request.user, case)
        return Response({**CaseDetailOutput(case).data, "actions": actions})


@routes("cases/<int:pk>/<slug:action>/", "case_transition")
class CaseTransitionApi(APIView):
    """POST /care/cases/{id}/{action}/ with action one of investigate, review, recognise, reject,
    plan, measure, approve, followup, evaluate, accept, grade."""

    @extend_schema(request=InvestigateInput, responses=CaseDetailOutput)
    def post(self, request: Request, pk: int, action: str) -> Response:
        case = selectors.case_get_for_user(user=request.user, pk=pk)
        result = _dispatch(CASE_WORKFLOW, check_case, CASE_INPUTS, request, case, action)
        if action == "measure":
            return Response(MeasureOutput(result).data, status=status.HTTP_201_CREATED)
        case = selectors.case_get_for_user(user=request.user, pk=pk)
        return Response(CaseDetailOutput(case).data)


@routes("measures/", "measure_list")
class MeasureListApi(ScopedListApi):
    serializer_class = MeasureOutput
    filters = {"overdue": "overdue", "status": "status"}
    filter_types = {"overdue": bool}

    def rows(self, user: Any, **filters: str) -> Any:
        return selectors.measure_queue(
            user=user, overdue_only=filters["overdue"] in ("1", "true"), status=filters["status"]
        ).prefetch_related("proofs")


@routes("measures/<int:pk>/<slug:action>/", "measure_transition")
class MeasureTransitionApi(APIView):
    """POST /care/measures/{id}/{action}/ with action one of start, implement, cancel, escalate,
    link."""

    @extend_schema(request=EvidenceInput, responses=MeasureOutput)
    def post(self, request: Request, pk: int, action: str) -> Response:
        measure = selectors.measure_get_for_user(user=request.user, pk=pk)
        result = _dispatch(
            MEASURE_WORKFLOW, check_measure, MEASURE_INPUTS, request, measure, action
        )
        if action != "escalate":  # an escalation answers with the measure it concerns
            measure = result
        return Response(MeasureOutput(measure).data)


@routes("referrals/", "referral_list")
class ReferralListApi(ScopedListApi):
    """The referrals handed to the user's area (community and township staff)."""

    serializer_class = ReferralOutput
    filters = {"status": "status"}

    def rows(self, user: Any, **filters: str) -> Any:
        wanted = filters["status"]
        status_ = (
            wanted if wanted in models.ReferralStatus.values else models.ReferralStatus.PENDING
        )
        return selectors.referral_queue(user=user, status=status_)


@routes("referrals/<int:pk>/<slug:action>/", "referral_transition")
class ReferralTransitionApi(APIView):
    """POST /care/referrals/{id}/{action}/ with action accept (answers with the household's
    case) or decline (``reason`` required; answers with the referral)."""

    @extend_schema(request=DeclineInput, responses=ReferralOutput)
    def post(self, request: Request, pk: int, action: str) -> Response:
        referral = selectors.referral_get_for_user(user=request.user, pk=pk)
        result = _dispatch(
            REFERRAL_WORKFLOW, check_referral, REFERRAL_INPUTS, request, referral, action
        )
        if action == "accept":
            return Response(CaseOutput(result).data)
        return Response(ReferralOutput(result).data)


@routes("batches/", "batch_list")
class BatchListApi(ScopedListApi):
    serializer_class = BatchOutput

    def rows(self, user: Any, **filters: str) -> Any:
        return selectors.batch_list(user=user)


class BatchProgressOutput(serializers.Serializer):
    households = serializers.IntegerField()
    persons = serializers.IntegerField()
    measures = serializers.IntegerField()
    implemented = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    overdue = serializers.IntegerField()
    rate = serializers.FloatField()
    by_action = serializers.ListField(child=serializers.DictField())


@routes("batches/<int:pk>/progress/", "batch_progress")
class BatchProgressApi(APIView):
    @extend_schema(responses=BatchProgressOutput)
    def get(self, request: Request, pk: int) -> Response:
        batch = selectors.batch_get_for_user(user=request.user, pk=pk)
        progress = selectors.batch_progress(user=request.user, batch=batch)
        return Response({"batch": BatchOutput(batch).data, **BatchProgressOutput(progress).data})


urlpatterns = routes.urlpatterns
