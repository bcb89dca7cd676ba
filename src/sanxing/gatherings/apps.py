from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GatheringsConfig(AppConfig):
    name = "sanxing.gatherings"
    label = "gatherings"
    verbose_name = _("gatherings")

    def ready(self) -> None:
        from sanxing.gatherings import hooks

        hooks.connect()
