from django.urls import path

from . import views

app_name = "employment"
urlpatterns = [
    path("", views.index, name="index"),
    path("apply/", views.public_apply, name="public_apply"),
    path("seekers/", views.seeker_list, name="seeker_list"),
    path("seekers/new/", views.seeker_new, name="seeker_new"),
    path("seekers/<int:pk>/", views.seeker_detail, name="seeker_detail"),
    path("seekers/<int:pk>/edit/", views.seeker_edit, name="seeker_edit"),
    path("seekers/<int:pk>/assess/", views.seeker_assess, name="seeker_assess"),
    path("seekers/<int:pk>/place/", views.seeker_place, name="seeker_place"),
    path("seekers/<int:pk>/propose/", views.match_propose, name="match_propose"),
    path("seekers/<int:pk>/do/<slug:action>/", views.seeker_action, name="seeker_action"),
    path("employers/", views.employer_list, name="employer_list"),
    path("employers/new/", views.employer_new, name="employer_new"),
    path("employers/<int:pk>/", views.employer_detail, name="employer_detail"),
    path("employers/<int:pk>/visit/", views.employer_visit, name="employer_visit"),
    path("employers/<int:pk>/plan/", views.employer_plan, name="employer_plan"),
    path("employers/<int:pk>/posts/new/", views.post_new, name="post_new"),
    path("posts/", views.post_list, name="post_list"),
    path("posts/<int:pk>/", views.post_detail, name="post_detail"),
    path("posts/<int:pk>/close/", views.post_close, name="post_close"),
    path("matches/", views.match_list, name="match_list"),
    path("matches/<int:pk>/", views.match_detail, name="match_detail"),
    path("matches/<int:pk>/do/<slug:action>/", views.match_action, name="match_action"),
    path("placements/", views.placement_list, name="placement_list"),
    path("placements/<int:pk>/", views.placement_detail, name="placement_detail"),
    path("placements/<int:pk>/followup/", views.placement_followup, name="placement_followup"),
    path("placements/<int:pk>/do/<slug:action>/", views.placement_action, name="placement_action"),
    path("followups/", views.followups_due, name="followups_due"),
    path("seasons/", views.season_list, name="season_list"),
    path("seasons/<int:pk>/", views.season_detail, name="season_detail"),
    path("seasons/<int:pk>/returns/", views.season_return, name="season_return"),
    path("seasons/<int:pk>/export/", views.season_export, name="season_export"),
    path("mine/", views.my_posts, name="my_posts"),
]
