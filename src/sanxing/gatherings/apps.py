from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GatheringsConfig(AppConfig):
    name = "sanxing.gatherings"
    label = "gatherings"
    verbose_name = _("gatherings")

    def ready(self) -> None:
        from sanxing.gatherings import hooks

        hooks.connect()

        from sanxing.gatherings.management.commands.gatherings_export import configure, run
        from sanxing.workcal.commands import register_calendar_action

        register_calendar_action(
            "export", "write a year's meetings as iCalendar to stdout", configure, run
        )
