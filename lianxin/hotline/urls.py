from django.urls import path

from . import views

app_name = "hotline"
urlpatterns = [
    path("orders/", views.order_list, name="order_list"),
    path("intake/", views.intake, name="intake"),
    path("intake/propose/", views.propose, name="propose"),
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
    path("digest/", views.digest, name="digest"),
    path("digest/export/", views.digest_export, name="digest_export"),
    path("public/", views.public_submit, name="public_submit"),
    path("public/track/", views.public_track, name="public_track"),
    path("public/rate/", views.public_rate, name="public_rate"),
]
