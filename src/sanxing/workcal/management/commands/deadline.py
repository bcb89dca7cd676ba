"""``sanxing deadline 2026-09-25 15d``: the due date and how it was found, for auditors.

``sanxing deadline -`` reads ``FROM PERIOD`` lines on stdin and answers one line per input
line (blank lines and ``#`` comments are skipped). Output: the ISO due date, a space, the
explanation (English unless ``--language``); ``--calendar package`` uses the chinesecalendar
package alone, with no database. Bad lines are reported on stderr with their line
number; the command keeps going and exits non-zero at the end if any line failed."""

from __future__ import annotations

import sys
from typing import TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils import translation

from sanxing.workcal.calendar import current_calendar
from sanxing.workcal.periods import WorkingCalendar, compute_deadline, parse_date


class Command(BaseCommand):
    stealth_options = ("stdin",)  # tests pass a file object; otherwise sys.stdin
    help = "Compute a deadline under Civil Code Arts. 201-204: FROM PERIOD, or - for stdin."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("start", help="start date YYYY-MM-DD, or - to read lines on stdin")
        parser.add_argument("period", nargs="?", help="15d, 5wd, 3m or 1y")
        parser.add_argument(
            "--calendar",
            choices=["database", "package"],
            default="database",
            help="database: the office's calendar (default); package: the chinesecalendar "
            "package's official schedules alone, without a database",
        )
        parser.add_argument(
            "--language", default="en", help="language of the explanation (en, zh-hans, zh-hant)"
        )

    def handle(self, *args, **options) -> None:
        with translation.override(options["language"] or "en"):
            if options["calendar"] == "package":
                calendar = WorkingCalendar.from_chinesecalendar()
            else:
                try:
                    calendar = current_calendar()
                except DatabaseError:
                    # A fresh checkout before `sanxing migrate`: the official schedules still
                    # answer; only the office's own corrections are missing.
                    self.stderr.write(
                        "note: the database is not migrated; using the chinesecalendar "
                        "package's official schedules without the office's corrections"
                    )
                    calendar = WorkingCalendar.from_chinesecalendar()
            if options["start"] == "-":
                self._stdin(calendar, options.get("stdin") or sys.stdin)
                return
            if not options["period"]:
                raise CommandError("give a period after the start date, e.g. 15d")
            try:
                self.stdout.write(self._answer(options["start"], options["period"], calendar))
            except ValueError as exc:
                raise CommandError(str(exc)) from None

    def _answer(self, start: str, period: str, calendar: WorkingCalendar) -> str:
        result = compute_deadline(start=parse_date(start), period=period, calendar=calendar)
        return f"{result.due.isoformat()} {result.explain()}"

    def _stdin(self, calendar: WorkingCalendar, stdin: TextIO) -> None:
        failed = 0
        for number, raw in enumerate(stdin, start=1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split()
            try:
                if len(parts) != 2:
                    raise ValueError(f"expected FROM PERIOD, got {line!r}")
                self.stdout.write(self._answer(parts[0], parts[1], calendar))
            except ValueError as exc:
                failed += 1
                self.stderr.write(f"line {number}: {exc}")
        if failed:
            raise CommandError(f"{failed} line(s) failed")
