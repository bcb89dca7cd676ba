from django.urls import path

from sanxing.web import views

urlpatterns = [
    path("", views.home, name="home"),
]
