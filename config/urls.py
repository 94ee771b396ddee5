from django.contrib import admin
from django.urls import include, path

from lianxin.core import health

urlpatterns = [
    path("", include("lianxin.analytics.urls")),
    path("accounts/", include("lianxin.accounts.urls")),
    path("areas/", include("lianxin.areas.urls")),
    path("directory/", include("lianxin.directory.urls")),
    path("registry/", include("lianxin.registry.urls")),
    path("hotline/", include("lianxin.hotline.urls")),
    path("care/", include("lianxin.care.urls")),
    path("monitoring/", include("lianxin.monitoring.urls")),
    path("employment/", include("lianxin.employment.urls")),
    path("benefits/", include("lianxin.benefits.urls")),
    path("resources/", include("lianxin.resources.urls")),
    path("volunteers/", include("lianxin.volunteers.urls")),
    path("offline/", include("lianxin.offline.urls")),
    path("open311/", include("lianxin.hotline.open311_urls")),
    path("api/", include("lianxin.api.urls")),
    path("audit/", include("lianxin.core.urls")),
    path("ops/", include("lianxin.core.ops")),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
]

handler500 = "lianxin.core.errorpages.server_error"
