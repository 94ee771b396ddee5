from lianxin.core.routes import page

from . import views

app_name = "care"
urlpatterns = [
    page("", views.case_index),
    page("export/", views.case_export),
    page("measures/export/", views.measure_export),
    page("batches/<int:pk>/export/", views.batch_export),
    page("todos/", views.todos),
    page("discover/", views.discover),
    page("reviews/", views.review_queue),
    page("measures/", views.measure_queue),
    page("leader/", views.leader_households),
    page("cases/<int:pk>/", views.case_detail),
    page("cases/<int:pk>/investigate/", views.investigate),
    page("cases/<int:pk>/plan/print/", views.plan_print),
    page("cases/<int:pk>/plan/pdf/", views.plan_pdf),
    page("cases/<int:pk>/do/<slug:action>/", views.case_action),
    page("measures/<int:pk>/do/<slug:action>/", views.measure_action),
    page("photos/<int:pk>/", views.photo),
    page("proofs/<int:pk>/", views.measure_proof),
    page("referrals/", views.referral_queue),
    page("referrals/<int:pk>/do/<slug:action>/", views.referral_action),
    page("batches/", views.batch_index),
    page("batches/<int:pk>/", views.batch_detail),
    page("meetings/", views.meeting_index),
    page("meetings/new/", views.meeting_create),
    page("meetings/<int:pk>/", views.meeting_detail),
    page("meetings/<int:pk>/do/<slug:action>/", views.meeting_action),
]
