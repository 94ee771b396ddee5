"""REST API of the employment app under /api/v1/employment/. No ID or phone number is ever
answered here; an employer's staff get a candidate as :func:`selectors.candidate_card`."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lianxin.core.drf_views import ScopedDetailApi, ScopedListApi
from lianxin.core.errors import AccessDenied
from lianxin.core.roles import AREA_STAFF_ROLES
from lianxin.core.routes import ApiRoutes
from lianxin.core.scoping import scope_of
from lianxin.core.workflow import actions_payload

from . import selectors, services
from .workflows import MATCH_WORKFLOW


def _is_staff(user: Any) -> bool:
    return scope_of(user).has_role(*AREA_STAFF_ROLES)


class SeekerOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    source = serializers.CharField()  # type: ignore[assignment]  # the API name
    area_code = serializers.CharField()
    disability_type = serializers.CharField()
    disability_grade = serializers.IntegerField(allow_null=True)
    birth_year = serializers.IntegerField(allow_null=True)
    preferred_posts = serializers.CharField()
    expected_pay_fen = serializers.IntegerField()
    skills = serializers.ListField(child=serializers.CharField())
    max_daily_minutes = serializers.IntegerField()
    max_commute_km = serializers.IntegerField()
    needs_accessible = serializers.BooleanField()
    accommodations = serializers.CharField()
    share = serializers.ListField(child=serializers.CharField())


class PostOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    employer = serializers.CharField(source="employer.name")
    employer_id = serializers.IntegerField()
    route = serializers.CharField()
    requirements = serializers.CharField()
    skills = serializers.ListField(child=serializers.CharField())
    headcount = serializers.IntegerField()
    monthly_pay_fen = serializers.IntegerField()
    daily_minutes = serializers.IntegerField()
    days_per_week = serializers.IntegerField()
    social_insurance = serializers.BooleanField()
    accessible = serializers.BooleanField()
    suitable_types = serializers.ListField(child=serializers.CharField())
    suitable_grades = serializers.ListField(child=serializers.IntegerField())
    tailored = serializers.BooleanField()
    status = serializers.CharField()
    area_code = serializers.CharField()


class RankedPostOutput(serializers.Serializer):
    score = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField())
    post = PostOutput(source="obj")


class RankedSeekerOutput(serializers.Serializer):
    score = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField())
    seeker = SeekerOutput(source="obj")


class MatchOutput(serializers.Serializer):
    id = serializers.IntegerField()
    post_id = serializers.IntegerField()
    post_title = serializers.CharField(source="post.title")
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    score = serializers.IntegerField()
    reasons = serializers.SerializerMethodField()
    decline_reason = serializers.CharField()
    candidate = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    def get_reasons(self, obj: Any) -> list[str]:
        return selectors.visible_reasons(obj, staff=_is_staff(self.context["request"].user))

    def get_candidate(self, obj: Any) -> dict[str, Any]:
        user = self.context["request"].user
        card = selectors.candidate_card(obj)
        if _is_staff(user):
            card = {**card, "seeker_id": obj.seeker_id, "name": obj.seeker.name}
        return card

    def get_actions(self, obj: Any) -> list[dict[str, str]]:
        user = self.context["request"].user
        return actions_payload(MATCH_WORKFLOW, user, obj)


class PlacementOutput(serializers.Serializer):
    id = serializers.IntegerField()
    route = serializers.CharField()
    route_label = serializers.CharField(source="get_route_display")
    employer = serializers.CharField(source="employer.name")
    work_type = serializers.CharField()
    started_on = serializers.DateField()
    monthly_pay_fen = serializers.IntegerField()
    daily_minutes = serializers.IntegerField()
    social_insurance = serializers.BooleanField()
    status = serializers.CharField()
    ended_on = serializers.DateField(allow_null=True)
    end_reason = serializers.CharField()
    seeker = serializers.SerializerMethodField()

    def get_seeker(self, obj: Any) -> str:
        user = self.context["request"].user
        if _is_staff(user) or "name" in (obj.seeker.share or []):
            return str(obj.seeker.name)
        return str(obj.seeker.code)


routes = ApiRoutes("employment")


@routes("seekers/", "seeker_list")
class SeekerListApi(ScopedListApi):
    serializer_class = SeekerOutput
    filters = {"status": "status", "q": "search"}

    def rows(self, user: Any, **filters: str) -> Any:
        return selectors.seeker_list(user=user, **filters)


@routes("seekers/<int:pk>/", "seeker_detail")
class SeekerDetailApi(ScopedDetailApi):
    serializer_class = SeekerOutput
    viewed_fields = ("disability",)

    def row(self, user: Any, pk: Any) -> Any:
        return selectors.seeker_get_for_user(user=user, pk=pk)


@routes("seekers/<int:pk>/posts/", "seeker_posts")
class SeekerPostsApi(APIView):
    """The open posts ranked for this seeker, with the reasons."""

    @extend_schema(responses=RankedPostOutput(many=True))
    def get(self, request: Request, pk: int) -> Response:
        seeker = selectors.seeker_get_for_user(user=request.user, pk=pk)
        ranked = selectors.ranked_posts(user=request.user, seeker=seeker)
        return Response(RankedPostOutput(ranked, many=True).data)


@routes("posts/", "post_list")
class PostListApi(ScopedListApi):
    serializer_class = PostOutput
    filters = {"status": "status", "route": "route"}

    def rows(self, user: Any, **filters: str) -> Any:
        return selectors.post_list(user=user, **filters)


@routes("posts/<int:pk>/seekers/", "post_seekers")
class PostSeekersApi(APIView):
    """The verified seekers ranked for this post (staff only)."""

    @extend_schema(responses=RankedSeekerOutput(many=True))
    def get(self, request: Request, pk: int) -> Response:
        post = selectors.post_get_for_user(user=request.user, pk=pk)
        if not _is_staff(request.user):
            raise AccessDenied("只有工作人员可以查看匹配的求职者")
        ranked = selectors.ranked_seekers(user=request.user, post=post)
        return Response(RankedSeekerOutput(ranked, many=True).data)


class ProposeInput(serializers.Serializer):
    seeker_id = serializers.IntegerField()
    post_id = serializers.IntegerField()


@routes("matches/", "match_list")
class MatchListApi(ScopedListApi):
    serializer_class = MatchOutput
    filters = {"status": "status"}

    def rows(self, user: Any, **filters: str) -> Any:
        return selectors.match_list(user=user, **filters)

    @extend_schema(request=ProposeInput, responses={201: MatchOutput})
    def post(self, request: Request) -> Response:
        data = ProposeInput(data=request.data)
        data.is_valid(raise_exception=True)
        seeker = selectors.seeker_get_for_user(
            user=request.user, pk=data.validated_data["seeker_id"]
        )
        post = selectors.post_get_for_user(user=request.user, pk=data.validated_data["post_id"])
        match = services.match_propose(actor=request.user, seeker=seeker, post=post)
        return Response(
            MatchOutput(match, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class MatchActionInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)
    started_on = serializers.DateField(required=False)
    monthly_pay_fen = serializers.IntegerField(required=False, min_value=0)
    daily_minutes = serializers.IntegerField(required=False, min_value=30, max_value=720)
    social_insurance = serializers.BooleanField(required=False)
    work_type = serializers.CharField(required=False, allow_blank=True, max_length=60)


ANSWERS = ("seeker_accept", "seeker_confirm", "employer_accept", "employer_confirm")
DECLINES = ("seeker_decline", "employer_decline")


@routes("matches/<int:pk>/<slug:action>/", "match_action")
class MatchActionApi(APIView):
    """POST /employment/matches/{id}/{action}/: seeker_accept, seeker_confirm, employer_accept,
    employer_confirm, seeker_decline, employer_decline (reason), withdraw (reason), place
    (started_on, monthly_pay_fen, daily_minutes, social_insurance, work_type)."""

    @extend_schema(request=MatchActionInput, responses=MatchOutput)
    def post(self, request: Request, pk: int, action: str) -> Response:
        match = selectors.match_get_for_user(user=request.user, pk=pk)
        if action not in {t.name for t in MATCH_WORKFLOW.transitions}:
            raise Http404
        data = MatchActionInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        MATCH_WORKFLOW.check(request.user, match, action)
        if action in ANSWERS:
            match = services.match_answer(actor=request.user, obj=match, name=action)
        elif action in DECLINES:
            match = services.match_decline(
                actor=request.user, obj=match, reason=d.get("reason", ""), side=action.split("_")[0]
            )
        elif action == "withdraw":
            match = services.match_withdraw(
                actor=request.user, obj=match, reason=d.get("reason", "")
            )
        else:
            from django.utils import timezone

            placement = services.match_place(
                actor=request.user,
                obj=match,
                started_on=d.get("started_on") or timezone.localdate(),
                monthly_pay_fen=d.get("monthly_pay_fen"),
                daily_minutes=d.get("daily_minutes"),
                social_insurance=d.get("social_insurance", False),
                work_type=d.get("work_type", ""),
            )
            return Response(PlacementOutput(placement, context={"request": request}).data)
        match = selectors.match_get_for_user(user=request.user, pk=pk)
        return Response(MatchOutput(match, context={"request": request}).data)


@routes("placements/", "placement_list")
class PlacementListApi(ScopedListApi):
    serializer_class = PlacementOutput
    filters = {"status": "status", "route": "route"}

    def rows(self, user: Any, **filters: str) -> Any:
        return selectors.placement_list(user=user, **filters)


class FunnelOutput(serializers.Serializer):
    season = serializers.CharField()
    visited = serializers.IntegerField()
    willing = serializers.IntegerField()
    posts = serializers.IntegerField()
    helped = serializers.IntegerField()
    employed = serializers.IntegerField()
    posts_developed = serializers.IntegerField()
    newly_employed = serializers.IntegerField()


@routes("seasons/<int:pk>/funnel/", "season_funnel")
class SeasonFunnelApi(APIView):
    @extend_schema(responses=FunnelOutput)
    def get(self, request: Request, pk: int) -> Response:
        season = selectors.season_get_for_user(user=request.user, pk=pk)
        figures = selectors.funnel(user=request.user, season=season)
        totals = selectors.season_totals(user=request.user, season=season)
        return Response(
            FunnelOutput(
                {
                    "season": season.name,
                    **figures,
                    "posts_developed": totals["posts_developed"],
                    "newly_employed": totals["newly_employed"],
                }
            ).data
        )


urlpatterns = routes.urlpatterns
