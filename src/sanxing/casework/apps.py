from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "sanxing.casework"
    label = "casework"
    verbose_name = _("casework")

    def ready(self) -> None:
        from sanxing.casework import (
            hooks,
            search,  # noqa: F401 - connects its post_migrate handler
        )

        hooks.connect()
