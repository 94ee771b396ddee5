from lianxin.core.routes import page

from . import views, views_routing

app_name = "hotline"
urlpatterns = [
    page("orders/", views.order_list),
    page("intake/", views.intake),
    page("intake/propose/", views.propose),
    page("units/search/", views_routing.unit_search),
    page("duties/", views_routing.duty_list),
    page("duties/new/", views_routing.duty_create),
    page("duties/seed/", views_routing.duty_seed),
    page("duties/<int:pk>/edit/", views_routing.duty_edit),
    page("duties/<int:pk>/history/", views_routing.duty_history),
    page("routing/accuracy/", views_routing.routing_accuracy),
    page("queue/", views.agent_queue),
    page("unit/", views.unit_queue),
    page("supervision/", views.supervision),
    page("callbacks/", views.callback_queue),
    page("orders/<int:pk>/", views.order_detail),
    page("orders/<int:pk>/do/<slug:action>/", views.order_action),
    page("orders/<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download),
    page("ledger/", views.ledger),
    page("ledger/refresh/", views.ledger_refresh),
    page("ledger/<int:pk>/close/", views.ledger_close),
    page("reports/", views.reports),
    page("reports/export/", views.reports_export),
    page("digest/", views.digest),
    page("digest/export/", views.digest_export),
    page("public/", views.public_submit),
    page("public/track/", views.public_track),
    page("public/rate/", views.public_rate),
]
