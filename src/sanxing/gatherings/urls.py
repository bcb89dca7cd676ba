from django.urls import path

app_name = "gatherings"
urlpatterns: list = []
