"""``sanxing casework rates --kind suggestion --from 2025-01-01 --to 2025-12-31
--as-of 2026-03-01 [--json] [--congress CODE] [--topic education]``: the handling rates of
RULES.md §3 per unit, for reports and auditors."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from sanxing.casework import selectors
from sanxing.casework.kinds import SPECS, Topic
from sanxing.people.models import Congress


def _date(value: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--{name} {value!r}: write the date as YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "Casework tools: rates."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rates = sub.add_parser("rates", help="Handling rates per unit (RULES.md §3).")
        rates.add_argument("--kind", default="suggestion", choices=sorted(SPECS))
        rates.add_argument("--from", dest="date_from")
        rates.add_argument("--to", dest="date_to")
        rates.add_argument("--as-of", dest="as_of")
        rates.add_argument("--topic", default="", choices=["", *Topic.values])
        rates.add_argument("--congress", help="congress code (default: the only one)")
        rates.add_argument("--json", action="store_true", help="print JSON")
        imp = sub.add_parser(
            "import", help="Import past records from .xlsx or .csv (see casework/imports.py)."
        )
        imp.add_argument("file")
        imp.add_argument(
            "--kind", required=True, choices=["suggestion", "letter", "review_opinion"]
        )
        imp.add_argument("--congress", help="congress code (default: the only one)")
        imp.add_argument(
            "--by",
            default="",
            help="username recorded as the importer (default: the first administrator)",
        )
        imp.add_argument(
            "--skip-bad", action="store_true", help="import the good rows when some are wrong"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "rates":
            self.rates(options)
        elif options["action"] == "import":
            self.import_file(options)

    def _congress(self, code: str | None) -> Congress:
        if code:
            try:
                return Congress.objects.get(code=code)
            except Congress.DoesNotExist:
                raise CommandError(f"--congress {code!r}: no such congress") from None
        congresses = list(Congress.objects.all()[:2])
        if len(congresses) != 1:
            raise CommandError("Say which congress with --congress CODE")
        return congresses[0]

    def import_file(self, options: dict[str, Any]) -> None:
        from pathlib import Path

        from sanxing.casework.imports import import_rows, read_rows

        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"{path}: no such file")
        try:
            rows = read_rows(path)
        except Exception as exc:  # a broken workbook: say so, not a traceback
            raise CommandError(f"{path}: cannot read it ({exc})") from None
        congress = self._congress(options["congress"])
        report = import_rows(
            congress=congress,
            kind=options["kind"],
            rows=rows,
            by=_import_by(options["by"]),
            skip_bad=options["skip_bad"],
        )
        for error in report.errors:
            self.stderr.write(f"row {error.row}: {error.message}")
        if report.errors and not options["skip_bad"]:
            raise CommandError(
                f"{len(report.errors)} problems; nothing was imported "
                "(fix the rows, or give --skip-bad to import the good ones)"
            )
        self.stdout.write(f"{report.imported} items imported")
        if report.imported and connection.vendor == "postgresql":
            # Fresh statistics at once, not after autovacuum's next pass: without them the
            # planner can take the search and the rates' lists over the new rows for tiny
            # tables (nested loops over every item). SQLite keeps no statistics unless asked.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            self.stdout.write("statistics refreshed (ANALYZE)")

    def rates(self, options: dict[str, Any]) -> None:
        today = timezone.localdate()
        date_from = _date(options["date_from"], "from") if options["date_from"] else None
        date_to = _date(options["date_to"], "to") if options["date_to"] else None
        as_of = _date(options["as_of"], "as-of") if options["as_of"] else today
        date_from = date_from or dt.date(today.year, 1, 1)
        date_to = date_to or dt.date(date_from.year, 12, 31)
        if date_to < date_from:
            raise CommandError("--to is before --from")
        congress = self._congress(options["congress"])
        query = selectors.RateQuery(
            congress_id=congress.pk,
            kind=options["kind"],
            date_from=date_from,
            date_to=date_to,
            as_of=as_of,
            topic=options["topic"],
        )
        rows = selectors.rates(query)
        if options["json"]:
            data = {
                "congress": congress.code,
                "kind": query.kind,
                "from": date_from.isoformat(),
                "to": date_to.isoformat(),
                "as_of": as_of.isoformat(),
                "topic": query.topic,
                "units": [row.as_dict() for row in rows],
                "definitions": {k: str(v) for k, v in selectors.DEFINITIONS.items()},
            }
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        header = ["unit", "assigned", "replied", "on time", "overdue", "A", "B", "C", "D"]
        header += ["evaluated", "sat.", "basic", "unsat.", "no form", "compl.", "on-time"]
        header += ["A rate", "A+B", "satisf.", "basic", "avg days"]
        self.stdout.write("\t".join(header))
        for row in rows:
            c = row.counts
            cells: list[Any] = [row.unit_name, c["assigned"], c["replied"], c["closed_on_time"]]
            cells += [c["open_overdue"], c["class_a"], c["class_b"], c["class_c"], c["class_d"]]
            cells += [c["evaluated"], c["satisfied"], c["basically_satisfied"], c["unsatisfied"]]
            cells += [c["forms_not_returned"]]
            cells += [_pct(getattr(row, name)) for name in row.RATES]
            cells.append("" if row.average_days_to_reply is None else row.average_days_to_reply)
            self.stdout.write("\t".join(str(x) for x in cells))


def _import_by(username: str) -> Any:
    from sanxing.people.models import User

    if not username:
        admin = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if admin is None:
            raise CommandError("Say who imports with --by USERNAME")
        return admin
    try:
        return User.objects.get(username=username)
    except User.DoesNotExist:
        raise CommandError(f"--by {username!r}: no such user") from None


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"
