from django.urls import path

app_name = "casework_search"
urlpatterns: list = []
