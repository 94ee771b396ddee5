from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("", views.household_list, name="household_list"),
    path("households/new/", views.household_register, name="household_register"),
    path("households/export/", views.household_export, name="household_export"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("households/<int:pk>/members/new/", views.member_add, name="member_add"),
    path("households/<int:pk>/assistance/", views.assistance_add, name="assistance_add"),
    path("households/<int:pk>/edit/", views.household_edit, name="household_edit"),
    path("households/<int:pk>/head/", views.head_change, name="head_change"),
    path("households/<int:pk>/split/", views.household_split, name="household_split"),
    path("households/<int:pk>/merge/", views.household_merge, name="household_merge"),
    path("assistance/<int:pk>/end/", views.assistance_end, name="assistance_end"),
    path("persons/<int:pk>/", views.person_detail, name="person_detail"),
    path("persons/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("persons/<int:pk>/move/", views.member_move, name="member_move"),
    path("persons/<int:pk>/reveal/", views.person_reveal, name="person_reveal"),
    path("persons/<int:pk>/tags/", views.tag_add, name="tag_add"),
    path("persons/<int:pk>/deceased/", views.person_deceased, name="person_deceased"),
    path("persons/<int:pk>/moved/", views.person_moved, name="person_moved"),
    path("persons/<int:pk>/disability/", views.disability_set, name="disability_set"),
    path("tags/<int:pk>/remove/", views.tag_remove, name="tag_remove"),
    path("key-persons/", views.key_person_ledger, name="key_person_ledger"),
    path("key-persons/export/", views.key_person_export, name="key_person_export"),
    path("duplicates/", views.duplicate_list, name="duplicate_list"),
    path("duplicates/<int:pk>/resolve/", views.duplicate_resolve, name="duplicate_resolve"),
    path("imports/", views.import_upload, name="import_upload"),
    path("imports/template/", views.import_template, name="import_template"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/status/", views.import_status, name="import_status"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/report/", views.import_report, name="import_report"),
]
