from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "sanxing.api"
    label = "api"
    verbose_name = _("api")

    def ready(self) -> None:
        # A bare ``@paginate`` uses our paginator (NINJA_PAGINATION_CLASS without touching
        # settings.py); routers should still name PagePagination explicitly.
        from ninja.conf import settings as ninja_settings

        ninja_settings.PAGINATION_CLASS = "sanxing.api.pagination.PagePagination"
