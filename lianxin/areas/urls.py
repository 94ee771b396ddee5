from django.urls import path

from . import views

app_name = "areas"
urlpatterns = [
    path("", views.division_index, name="division_index"),
    path("d/<str:code>/", views.division_detail, name="division_detail"),
    path("grids/", views.grid_index, name="grid_index"),
    path("grids/<int:pk>/", views.grid_detail, name="grid_detail"),
]
