from django.urls import path

from sanxing.deputies import views

app_name = "deputies"

urlpatterns = [
    path("", views.index, name="index"),
    path("meetings/<int:gathering_id>/rotation/", views.rotation, name="rotation"),
    path("meetings/<int:gathering_id>/rotation/next/", views.invite_next, name="invite_next"),
    path("invitations/<int:pk>/", views.invitation, name="invitation"),
    path("mine/", views.mine, name="mine"),
    path("coverage/", views.coverage, name="coverage"),
    path("coverage.xlsx", views.coverage_export, name="coverage_export"),
]
