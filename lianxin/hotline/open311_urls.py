"""Open311 GeoReport v2 routes (/open311/v2/)."""

urlpatterns: list = []
