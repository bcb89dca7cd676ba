from django.contrib import admin
from django.urls import include, path

from sanxing.api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("people/", include("sanxing.people.urls")),
    path("calendar/", include("sanxing.workcal.urls")),
    path("casework/search/", include("sanxing.casework.search_urls")),
    path("casework/", include("sanxing.casework.urls")),
    path("gatherings/", include("sanxing.gatherings.urls")),
    path("deputies/", include("sanxing.deputies.urls")),
    path("notices/", include("sanxing.notify.urls")),
    path("", include("sanxing.web.urls")),
]
