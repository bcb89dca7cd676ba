from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeputiesConfig(AppConfig):
    name = "sanxing.deputies"
    label = "deputies"
    verbose_name = _("deputies")

    def ready(self) -> None:
        from sanxing.deputies import hooks

        hooks.connect()
