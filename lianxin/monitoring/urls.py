from lianxin.core.routes import page

from . import views

app_name = "monitoring"
urlpatterns = [
    page("", views.index),
    page("rosters/upload/", views.roster_upload),
    page("rosters/<int:pk>/", views.roster_detail),
    page("rosters/templates/<str:kind>.xlsx", views.roster_template),
    page("columns/", views.column_names),
    page("runs/", views.run_list),
    page("runs/<int:pk>/", views.run_detail),
    page("alerts/", views.alert_list),
    page("alerts/<int:pk>/", views.alert_detail),
    page("review/", views.review_list),
    page("review/<int:pk>/", views.review_match),
    page("review/<int:pk>/resolve/", views.review_resolve),
    page("rules/", views.rule_settings),
]
