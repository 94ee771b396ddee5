from django.urls import path

from . import views

app_name = "offline"
urlpatterns = [
    path("", views.shell, name="shell"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("session/", views.session, name="session"),
    path("pack/", views.pack, name="pack"),
    path("sync/", views.sync, name="sync"),
    path("discard/", views.discard, name="discard"),
]
