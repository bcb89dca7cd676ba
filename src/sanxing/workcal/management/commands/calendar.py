"""``sanxing calendar load``: the chinesecalendar package's schedules for years not loaded yet.
``sanxing calendar import FILE.csv|.xlsx --year 2027``: a year's official schedule from a file
(all or nothing; every bad row is listed). Both recompute open deadlines.
Other apps add subcommands through ``sanxing.workcal.commands`` (e.g. gatherings' ``export``)."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from sanxing.core.errors import BusinessError
from sanxing.workcal.commands import ACTIONS
from sanxing.workcal.imports import ImportFileError, read_rows
from sanxing.workcal.services import calendar_load_package, calendar_year_import


class Command(BaseCommand):
    help = "Load or import official holiday schedules into the working calendar."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load the chinesecalendar package's years")
        load.add_argument("--year", type=int, action="append", dest="years")
        imp = sub.add_parser("import", help="import one year from a .csv or .xlsx file")
        imp.add_argument("file")
        imp.add_argument("--year", type=int, required=True)
        for action in ACTIONS.values():
            action.configure(sub.add_parser(action.name, help=action.help))

    def handle(self, *args, **options) -> None:
        if options["action"] in ACTIONS:
            ACTIONS[options["action"]].run(options, sys.stdout.buffer)
            sys.stdout.flush()
            return
        with translation.override("en"):
            if options["action"] == "load":
                added = calendar_load_package(years=options.get("years"))
                if added:
                    self.stdout.write(f"loaded {', '.join(str(y) for y in added)}")
                else:
                    self.stdout.write("nothing to load: every year is loaded")
                return
            path = Path(options["file"])
            try:
                content = path.read_bytes()
            except OSError as exc:
                raise CommandError(f"{path}: {exc.strerror}") from None
            year = options["year"]
            try:
                rows = read_rows(content=content, filename=path.name, year=year)
                calendar_year_import(year=year, rows=rows, by=None)
            except ImportFileError as exc:
                for error in exc.errors:
                    self.stderr.write(error)
                raise CommandError(f"{path}: nothing imported ({len(exc.errors)} errors)") from None
            except BusinessError as exc:
                raise CommandError(exc.message) from None
            self.stdout.write(f"imported {len(rows)} days for {year}; {year} is loaded")
