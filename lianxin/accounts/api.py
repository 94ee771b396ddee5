from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from .selectors import assignments_of


class TokenObtainApi(ObtainAuthToken):
    """POST username and password, answer {"token": …}; locked accounts answer like bad passwords."""

    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()

    @extend_schema(request=ObtainAuthToken.serializer_class, responses=OutputSerializer)
    def post(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().post(request, *args, **kwargs)


class MeApi(APIView):
    class AssignmentSerializer(serializers.Serializer):
        role = serializers.CharField()
        role_label = serializers.CharField(source="get_role_display")
        area_code = serializers.CharField(source="area_id")
        area_name = serializers.CharField(source="area.short_name")
        grid = serializers.CharField(source="grid.name", default=None)
        organisation = serializers.CharField(source="organisation.name", default=None)

    class OutputSerializer(serializers.Serializer):
        username = serializers.CharField()
        display_name = serializers.CharField()
        assignments = serializers.ListField(child=serializers.DictField())

    @extend_schema(responses=OutputSerializer)
    def get(self, request: Request) -> Response:
        assignments = self.AssignmentSerializer(assignments_of(user=request.user), many=True).data
        return Response(
            {
                "username": request.user.username,
                "display_name": str(request.user),
                "assignments": assignments,
            }
        )


urlpatterns = [
    path("auth/token/", TokenObtainApi.as_view(), name="auth_token"),
    path("me/", MeApi.as_view(), name="me"),
]
