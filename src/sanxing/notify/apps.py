from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "sanxing.notify"
    label = "notify"
    verbose_name = _("notices")

    def ready(self) -> None:
        from sanxing.notify.periodic import register_notify_jobs

        register_notify_jobs()
