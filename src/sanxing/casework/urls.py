from django.urls import path

from sanxing.casework import views

app_name = "casework"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("items/<int:pk>/", views.item_page, name="item"),
]
