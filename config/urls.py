from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("lianxin.analytics.urls")),
    path("accounts/", include("lianxin.accounts.urls")),
    path("areas/", include("lianxin.areas.urls")),
    path("directory/", include("lianxin.directory.urls")),
    path("registry/", include("lianxin.registry.urls")),
    path("hotline/", include("lianxin.hotline.urls")),
    path("care/", include("lianxin.care.urls")),
    path("monitoring/", include("lianxin.monitoring.urls")),
    path("open311/", include("lianxin.hotline.open311_urls")),
    path("api/", include("lianxin.api.urls")),
    path("audit/", include("lianxin.core.urls")),
    path("admin/", admin.site.urls),
]
