from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export/", views.dashboard_export, name="dashboard_export"),
    path("dashboard/<str:code>/", views.dashboard, name="dashboard_area"),
    path("dashboard/<str:code>/refresh/", views.dashboard_refresh, name="dashboard_refresh"),
    path("dashboard/<str:code>/export/", views.dashboard_export, name="dashboard_area_export"),
    path("dashboard/<str:code>/list/<str:key>/", views.dashboard_list, name="dashboard_list"),
]
