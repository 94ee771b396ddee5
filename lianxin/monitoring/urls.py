from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("", views.index, name="index"),
    path("rosters/upload/", views.roster_upload, name="roster_upload"),
    path("rosters/<int:pk>/", views.roster_detail, name="roster_detail"),
    path("rosters/templates/<str:kind>.xlsx", views.roster_template, name="roster_template"),
    path("columns/", views.column_names, name="column_names"),
    path("runs/", views.run_list, name="run_list"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("alerts/", views.alert_list, name="alert_list"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert_detail"),
    path("review/", views.review_list, name="review_list"),
    path("review/<int:pk>/", views.review_match, name="review_match"),
    path("review/<int:pk>/resolve/", views.review_resolve, name="review_resolve"),
    path("rules/", views.rule_settings, name="rule_settings"),
]
