from django.urls import path

from sanxing.workcal import views

app_name = "workcal"
urlpatterns = [
    path("", views.year_view, name="year"),
    path("<int:year>/", views.year_view, name="year"),
    path("deadline/", views.deadline_view, name="deadline"),
    path("overrides/add/", views.override_add, name="override_add"),
    path("overrides/<int:pk>/remove/", views.override_remove, name="override_remove"),
    path("import/", views.import_view, name="import"),
]
