from lianxin.core.routes import page

from . import views

app_name = "areas"
urlpatterns = [
    page("", views.division_index),
    page("d/<str:code>/", views.division_detail),
    page("grids/", views.grid_index),
    page("grids/<int:pk>/", views.grid_detail),
]
