from django.urls import path

from . import views

app_name = "volunteers"

urlpatterns = [
    path("wall/", views.wall, name="wall"),
    path("claims/", views.my_claims, name="my_claims"),
    path("wishes/", views.wish_list, name="wish_list"),
    path("wishes/new/", views.wish_new, name="wish_new"),
    path("wishes/export/", views.wish_export, name="wish_export"),
    path("wishes/report/", views.wish_report, name="wish_report"),
    path("wishes/<int:pk>/", views.wish_detail, name="wish_detail"),
    path("wishes/<int:pk>/photo/", views.wish_photo, name="wish_photo"),
    path("wishes/<int:pk>/<slug:action>/", views.wish_action, name="wish_action"),
    path("my/tasks/", views.my_tasks, name="my_tasks"),
    path("my/record/", views.my_record, name="my_record"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/new/", views.task_new, name="task_new"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/<slug:action>/", views.task_action, name="task_action"),
    path("records/export/", views.records_export, name="records_export"),
    path("volunteers/<int:pk>/certificate/", views.certificate, name="certificate"),
    path("teams/", views.team_list, name="team_list"),
    path("teams/<int:pk>/", views.team_detail, name="team_detail"),
    path("teams/<int:pk>/members/", views.team_member_add, name="team_member_add"),
    path("teams/<int:pk>/roster-sync/", views.roster_sync, name="roster_sync"),
    path("points/spend/", views.points_spend, name="points_spend"),
    path("roster/", views.roster, name="roster"),
    path("roster/export/", views.fourones_export, name="fourones_export"),
    path("roster/<int:pk>/record/", views.fourones_record, name="fourones_record"),
    path("roster/<int:pk>/card/", views.card, name="card"),
]
