from lianxin.core.routes import page

from . import views

app_name = "volunteers"

urlpatterns = [
    page("wall/", views.wall),
    page("claims/", views.my_claims),
    page("wishes/", views.wish_list),
    page("wishes/new/", views.wish_new),
    page("wishes/export/", views.wish_export),
    page("wishes/report/", views.wish_report),
    page("wishes/<int:pk>/", views.wish_detail),
    page("wishes/<int:pk>/photo/", views.wish_photo),
    page("wishes/<int:pk>/<slug:action>/", views.wish_action),
    page("my/tasks/", views.my_tasks),
    page("my/record/", views.my_record),
    page("tasks/", views.task_list),
    page("tasks/new/", views.task_new),
    page("tasks/<int:pk>/", views.task_detail),
    page("tasks/<int:pk>/<slug:action>/", views.task_action),
    page("records/export/", views.records_export),
    page("volunteers/<int:pk>/certificate/", views.certificate),
    page("teams/", views.team_list),
    page("teams/<int:pk>/", views.team_detail),
    page("teams/<int:pk>/members/", views.team_member_add),
    page("teams/<int:pk>/roster-sync/", views.roster_sync),
    page("points/spend/", views.points_spend),
    page("roster/", views.roster),
    page("roster/export/", views.fourones_export),
    page("roster/<int:pk>/record/", views.fourones_record),
    page("roster/<int:pk>/card/", views.card),
]
