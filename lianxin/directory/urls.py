from django.urls import path

from . import views

app_name = "directory"
urlpatterns = [
    path("", views.organisation_index, name="organisation_index"),
    path("<int:pk>/", views.organisation_detail, name="organisation_detail"),
]
