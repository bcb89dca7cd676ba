from django.urls import path

from sanxing.people import views

app_name = "people"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("new/", views.person_create_view, name="person_create"),
    path("deleted/", views.deleted_list, name="deleted"),
    path("import/", views.import_people, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("<int:pk>/", views.person_detail, name="person_detail"),
    path("<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("<int:pk>/delete/", views.person_delete, name="person_delete"),
    path("<int:pk>/restore/", views.person_restore_view, name="person_restore"),
    path("<int:pk>/personal-data/", views.person_personal_data, name="person_personal_data"),
    path("<int:pk>/card.pdf", views.person_card, name="person_card"),
    path("<int:pk>/roles/new/", views.role_grant_view, name="role_grant"),
    path("roles/<int:pk>/end/", views.role_end_view, name="role_end"),
    path("organisations/", views.organisations, name="organisations"),
    path("organisations/new/", views.organisation_create_view, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
]
