from lianxin.core.routes import page

from . import views

app_name = "employment"
urlpatterns = [
    page("", views.index),
    page("apply/", views.public_apply),
    page("seekers/", views.seeker_list),
    page("seekers/new/", views.seeker_new),
    page("seekers/<int:pk>/", views.seeker_detail),
    page("seekers/<int:pk>/edit/", views.seeker_edit),
    page("seekers/<int:pk>/assess/", views.seeker_assess),
    page("seekers/<int:pk>/place/", views.seeker_place),
    page("seekers/<int:pk>/propose/", views.match_propose),
    page("seekers/<int:pk>/do/<slug:action>/", views.seeker_action),
    page("employers/", views.employer_list),
    page("employers/new/", views.employer_new),
    page("employers/<int:pk>/", views.employer_detail),
    page("employers/<int:pk>/visit/", views.employer_visit),
    page("employers/<int:pk>/plan/", views.employer_plan),
    page("employers/<int:pk>/posts/new/", views.post_new),
    page("posts/", views.post_list),
    page("posts/<int:pk>/", views.post_detail),
    page("posts/<int:pk>/close/", views.post_close),
    page("matches/", views.match_list),
    page("matches/<int:pk>/", views.match_detail),
    page("matches/<int:pk>/do/<slug:action>/", views.match_action),
    page("placements/", views.placement_list),
    page("placements/<int:pk>/", views.placement_detail),
    page("placements/<int:pk>/followup/", views.placement_followup),
    page("placements/<int:pk>/do/<slug:action>/", views.placement_action),
    page("followups/", views.followups_due),
    page("seasons/", views.season_list),
    page("seasons/<int:pk>/", views.season_detail),
    page("seasons/<int:pk>/returns/", views.season_return),
    page("seasons/<int:pk>/export/", views.season_export),
    page("mine/", views.my_posts),
]
