"""Only the API, for the API tests: neighbours' half-built pages must not break them."""

from django.urls import path

from sanxing.api.api import api

urlpatterns = [path("api/v1/", api.urls)]
