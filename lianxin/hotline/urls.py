from django.urls import path

from . import views, views_routing

app_name = "hotline"
urlpatterns = [
    path("orders/", views.order_list, name="order_list"),
    path("intake/", views.intake, name="intake"),
    path("intake/propose/", views.propose, name="propose"),
    path("units/search/", views_routing.unit_search, name="unit_search"),
    path("duties/", views_routing.duty_list, name="duty_list"),
    path("duties/new/", views_routing.duty_create, name="duty_create"),
    path("duties/seed/", views_routing.duty_seed, name="duty_seed"),
    path("duties/<int:pk>/edit/", views_routing.duty_edit, name="duty_edit"),
    path("duties/<int:pk>/history/", views_routing.duty_history, name="duty_history"),
    path("routing/accuracy/", views_routing.routing_accuracy, name="routing_accuracy"),
    path("queue/", views.agent_queue, name="agent_queue"),
    path("unit/", views.unit_queue, name="unit_queue"),
    path("supervision/", views.supervision, name="supervision"),
    path("callbacks/", views.callback_queue, name="callback_queue"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("orders/<int:pk>/do/<slug:action>/", views.order_action, name="order_action"),
    path(
        "orders/<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/refresh/", views.ledger_refresh, name="ledger_refresh"),
    path("ledger/<int:pk>/close/", views.ledger_close, name="ledger_close"),
    path("reports/", views.reports, name="reports"),
    path("reports/export/", views.reports_export, name="reports_export"),
    path("digest/", views.digest, name="digest"),
    path("digest/export/", views.digest_export, name="digest_export"),
    path("public/", views.public_submit, name="public_submit"),
    path("public/track/", views.public_track, name="public_track"),
    path("public/rate/", views.public_rate, name="public_rate"),
]
