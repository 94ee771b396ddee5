"""The REST API at /api/v1/, its OpenAPI schema at /api/schema/ and docs at /api/docs/.
Each app lists its routes as ``urlpatterns`` in its own ``api.py``; this module only wires them
under one namespace, ``api``."""

from importlib import import_module

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

API_APPS = [
    "accounts",
    "areas",
    "directory",
    "registry",
    "hotline",
    "care",
    "monitoring",
    "analytics",
    "employment",
    "benefits",
    "resources",
    "volunteers",
]

v1: list = []
for app in API_APPS:
    module = import_module(f"lianxin.{app}.api")
    v1.extend(getattr(module, "urlpatterns", []))

urlpatterns = [
    path("v1/", include((v1, "api"), namespace="api")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api_docs"),
]
