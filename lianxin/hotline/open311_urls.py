"""Open311 GeoReport v2 routes (/open311/v2/)."""

from django.urls import path

from . import open311

app_name = "open311"
urlpatterns = [
    path("v2/discovery.<str:fmt>", open311.discovery, name="discovery"),
    path("v2/services.<str:fmt>", open311.service_list, name="service_list"),
    path(
        "v2/services/<str:service_code>.<str:fmt>",
        open311.service_definition,
        name="service_definition",
    ),
    path("v2/requests.<str:fmt>", open311.request_list, name="request_list"),
    path(
        "v2/requests/<str:service_request_id>.<str:fmt>",
        open311.request_detail,
        name="request_detail",
    ),
]
