"""``sanxing calendar export --year 2026 > year.ics`` (and its older name
``sanxing gatherings_export``): the year's meetings as iCalendar (RFC 5545)."""

from __future__ import annotations

import argparse
import sys
from typing import Any, BinaryIO

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sanxing.gatherings.ical import year_calendar
from sanxing.people.models import Congress


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--year", type=int, default=timezone.localdate().year)
    parser.add_argument("--congress", help="congress code (default: the only one)")


def run(options: dict[str, Any], out: BinaryIO) -> None:
    congresses = Congress.objects.all()
    if options.get("congress"):
        congresses = congresses.filter(code=options["congress"])
    found = list(congresses[:2])
    if len(found) != 1:
        raise CommandError("Name the congress with --congress CODE.")
    # iCalendar wants CRLF: write bytes so no newline translation happens.
    out.write(year_calendar(found[0], options["year"]).encode())


class Command(BaseCommand):
    help = "Write a congress's meetings of one year as an iCalendar file (RFC 5545) to stdout."

    def add_arguments(self, parser: CommandParser) -> None:
        configure(parser)

    def handle(self, *args, **options) -> None:
        self.stdout.flush()
        run(options, sys.stdout.buffer)
        sys.stdout.flush()
