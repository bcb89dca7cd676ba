from django.urls import path

from sanxing.notify import views

app_name = "notify"
urlpatterns = [
    path("", views.index, name="index"),
    path("read-all/", views.mark_all_read, name="read_all"),
    path("settings/", views.notice_settings, name="settings"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/read/", views.mark_read, name="read"),
]
