"""The REST API at /api/v1/, its OpenAPI schema at /api/schema/ and docs at /api/docs/.
Each app's routes live in its own api.py; this module only wires them."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from lianxin.accounts import api as accounts_api
from lianxin.areas import api as areas_api
from lianxin.directory import api as directory_api

v1 = [
    path("auth/token/", accounts_api.TokenObtainApi.as_view(), name="auth_token"),
    path("me/", accounts_api.MeApi.as_view(), name="me"),
    path("areas/divisions/", areas_api.DivisionListApi.as_view(), name="division_list"),
    path(
        "areas/divisions/<str:code>/", areas_api.DivisionDetailApi.as_view(), name="division_detail"
    ),
    path("areas/grids/", areas_api.GridListApi.as_view(), name="grid_list"),
    path("areas/grids/<int:pk>/", areas_api.GridDetailApi.as_view(), name="grid_detail"),
    path(
        "directory/organisations/",
        directory_api.OrganisationListApi.as_view(),
        name="organisation_list",
    ),
    path(
        "directory/organisations/<int:pk>/",
        directory_api.OrganisationDetailApi.as_view(),
        name="organisation_detail",
    ),
]

urlpatterns = [
    path("v1/", include((v1, "api"), namespace="api")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api_docs"),
]
