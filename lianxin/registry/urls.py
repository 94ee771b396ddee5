from lianxin.core.routes import page

from . import views

app_name = "registry"
urlpatterns = [
    page("", views.household_list),
    page("households/new/", views.household_register),
    page("households/export/", views.household_export),
    page("households/<int:pk>/", views.household_detail),
    page("households/<int:pk>/members/new/", views.member_add),
    page("households/<int:pk>/assistance/", views.assistance_add),
    page("households/<int:pk>/edit/", views.household_edit),
    page("households/<int:pk>/head/", views.head_change),
    page("households/<int:pk>/split/", views.household_split),
    page("households/<int:pk>/merge/", views.household_merge),
    page("assistance/<int:pk>/end/", views.assistance_end),
    page("persons/<int:pk>/", views.person_detail),
    page("persons/<int:pk>/edit/", views.person_edit),
    page("persons/<int:pk>/move/", views.member_move),
    page("persons/<int:pk>/reveal/", views.person_reveal),
    page("persons/<int:pk>/tags/", views.tag_add),
    page("persons/<int:pk>/deceased/", views.person_deceased),
    page("persons/<int:pk>/moved/", views.person_moved),
    page("persons/<int:pk>/disability/", views.disability_set),
    page("tags/<int:pk>/remove/", views.tag_remove),
    page("key-persons/", views.key_person_ledger),
    page("key-persons/export/", views.key_person_export),
    page("duplicates/", views.duplicate_list),
    page("duplicates/<int:pk>/resolve/", views.duplicate_resolve),
    page("imports/", views.import_upload),
    page("imports/template/", views.import_template),
    page("imports/<int:pk>/", views.import_detail),
    page("imports/<int:pk>/status/", views.import_status),
    page("imports/<int:pk>/confirm/", views.import_confirm),
    page("imports/<int:pk>/report/", views.import_report),
]
