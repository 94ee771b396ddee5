from django.urls import path

from . import views

app_name = "benefits"
urlpatterns = [
    path("", views.application_index, name="application_index"),
    path("applications/new/", views.application_new, name="application_new"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path(
        "applications/<int:pk>/do/<slug:action>/",
        views.application_action,
        name="application_action",
    ),
    path(
        "applications/<int:pk>/documents/",
        views.application_document_add,
        name="application_document_add",
    ),
    path("documents/<int:pk>/", views.document, name="document"),
    path("alerts/", views.alert_inbox, name="alert_inbox"),
    path("alerts/<int:alert_id>/open/", views.alert_open, name="alert_open"),
    path("policies/", views.policy_index, name="policy_index"),
    path("policies/<int:pk>/", views.policy_detail, name="policy_detail"),
    path("entitlements/", views.entitlement_index, name="entitlement_index"),
    path("entitlements/import/", views.entitlement_import, name="entitlement_import"),
    path("entitlements/<int:pk>/", views.entitlement_detail, name="entitlement_detail"),
    path(
        "entitlements/<int:pk>/do/<slug:action>/",
        views.entitlement_action,
        name="entitlement_action",
    ),
    path("entitlements/<int:pk>/stop/", views.stop_propose, name="stop_propose"),
    path("stops/", views.stop_index, name="stop_index"),
    path("stops/<int:pk>/do/<slug:action>/", views.stop_action, name="stop_action"),
    path("runs/", views.run_index, name="run_index"),
    path("runs/prepare/", views.run_prepare, name="run_prepare"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/do/<slug:action>/", views.run_action, name="run_action"),
    path("ledger/", views.ledger_index, name="ledger_index"),
    path("ledger/export/", views.ledger_export, name="ledger_export"),
    path("ledger/<int:pk>/reverse/", views.ledger_reverse, name="ledger_reverse"),
    path("months/close/", views.month_close, name="month_close"),
    path("months/<int:pk>/", views.month_close_download, name="month_close_download"),
    path("sources/<int:pk>/", views.source_detail, name="source_detail"),
    path("households/<int:pk>/", views.household_benefits, name="household_benefits"),
    path("union/", views.union_index, name="union_index"),
    path("union/new/", views.union_new, name="union_new"),
    path("union/<int:pk>/", views.union_detail, name="union_detail"),
    path("union/<int:pk>/do/<slug:action>/", views.union_action, name="union_action"),
    path("union/<int:pk>/plan/", views.union_plan_add, name="union_plan_add"),
    path("union/<int:pk>/plan/<int:item_pk>/done/", views.union_plan_done, name="union_plan_done"),
]
