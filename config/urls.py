from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("lianxin.analytics.urls")),
    path("accounts/", include("lianxin.accounts.urls")),
    path("areas/", include("lianxin.areas.urls")),
    path("directory/", include("lianxin.directory.urls")),
    path("api/", include("lianxin.api.urls")),
    path("admin/", admin.site.urls),
]
