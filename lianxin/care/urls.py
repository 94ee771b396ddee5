from django.urls import path

from . import views

app_name = "care"
urlpatterns = [
    path("", views.case_index, name="case_index"),
    path("export/", views.case_export, name="case_export"),
    path("measures/export/", views.measure_export, name="measure_export"),
    path("batches/<int:pk>/export/", views.batch_export, name="batch_export"),
    path("todos/", views.todos, name="todos"),
    path("discover/", views.discover, name="discover"),
    path("reviews/", views.review_queue, name="review_queue"),
    path("measures/", views.measure_queue, name="measure_queue"),
    path("leader/", views.leader_households, name="leader_households"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/investigate/", views.investigate, name="investigate"),
    path("cases/<int:pk>/plan/print/", views.plan_print, name="plan_print"),
    path("cases/<int:pk>/plan/pdf/", views.plan_pdf, name="plan_pdf"),
    path("cases/<int:pk>/do/<slug:action>/", views.case_action, name="case_action"),
    path("measures/<int:pk>/do/<slug:action>/", views.measure_action, name="measure_action"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("proofs/<int:pk>/", views.measure_proof, name="measure_proof"),
    path("referrals/", views.referral_queue, name="referral_queue"),
    path("referrals/<int:pk>/do/<slug:action>/", views.referral_action, name="referral_action"),
    path("batches/", views.batch_index, name="batch_index"),
    path("batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("meetings/", views.meeting_index, name="meeting_index"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/do/<slug:action>/", views.meeting_action, name="meeting_action"),
]
