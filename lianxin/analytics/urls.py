from lianxin.core.routes import page

from . import views

urlpatterns = [
    page("", views.home),
    page("dashboard/", views.dashboard),
    page("dashboard/export/", views.dashboard_export),
    page("dashboard/<str:code>/", views.dashboard, "dashboard_area"),
    page("dashboard/<str:code>/refresh/", views.dashboard_refresh),
    page("dashboard/<str:code>/export/", views.dashboard_export, "dashboard_area_export"),
    page("dashboard/<str:code>/list/<str:key>/", views.dashboard_list),
]
