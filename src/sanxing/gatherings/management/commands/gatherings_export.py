"""``sanxing gatherings_export --year 2026 > year.ics``: the year's meetings as iCalendar.

Meant to be reached later as ``sanxing calendar export --year`` (the ``calendar`` command
belongs to workcal, which can call ``sanxing.gatherings.ical.year_calendar``)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sanxing.gatherings.ical import year_calendar
from sanxing.people.models import Congress


class Command(BaseCommand):
    help = "Write a congress's meetings of one year as an iCalendar file (RFC 5545) to stdout."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, default=timezone.localdate().year)
        parser.add_argument("--congress", help="congress code (default: the only one)")

    def handle(self, *args, **options) -> None:
        congresses = Congress.objects.all()
        if options["congress"]:
            congresses = congresses.filter(code=options["congress"])
        found = list(congresses[:2])
        if len(found) != 1:
            raise CommandError("Name the congress with --congress CODE.")
        # iCalendar wants CRLF: write bytes so no newline translation happens.
        self.stdout._out.buffer.write(year_calendar(found[0], options["year"]).encode())  # type: ignore[attr-defined]
        self.stdout.flush()
