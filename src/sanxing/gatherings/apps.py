from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GatheringsConfig(AppConfig):
    name = "sanxing.gatherings"
    label = "gatherings"
    verbose_name = _("gatherings")

    def ready(self) -> None:
        from sanxing.gatherings import hooks

        hooks.connect()

        from django.http import Http404
        from django.urls import reverse
        from django.utils.translation import gettext_lazy as _

        from sanxing.gatherings import selectors
        from sanxing.gatherings.management.commands.gatherings_export import configure, run
        from sanxing.people.links import register_person_link
        from sanxing.workcal.commands import register_calendar_action

        def _may_see(user, person) -> bool:  # type: ignore[no-untyped-def]
            try:
                selectors.attendance_person_for_user(user, person.pk)
            except Http404:
                return False
            return True

        register_person_link(
            _("Attendance record"),
            lambda person: reverse("gatherings:person_attendance", args=[person.pk]),
            _may_see,
        )
        register_calendar_action(
            "export", "write a year's meetings as iCalendar to stdout", configure, run
        )
