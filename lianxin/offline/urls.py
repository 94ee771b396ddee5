from lianxin.core.routes import page

from . import views

app_name = "offline"
urlpatterns = [
    page("", views.shell),
    page("manifest.webmanifest", views.manifest),
    page("sw.js", views.service_worker),
    page("session/", views.session),
    page("pack/", views.pack),
    page("sync/", views.sync),
    page("discard/", views.discard),
]
