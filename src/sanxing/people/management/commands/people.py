"""``sanxing people import FILE.xlsx [--skip-bad] [--dry-run] [--congress CODE]``

Imports a list of people (columns: see ``sanxing.people.imports``). Prints the row-by-row
report; exits with status 1 when rows were refused and nothing was imported.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanxing.people.imports import ImportFileError, people_import
from sanxing.people.models import Congress


class Command(BaseCommand):
    help = "Work with the registry of people: import an Excel or CSV list."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Import people from an .xlsx or .csv file.")
        imp.add_argument("file", help="the .xlsx or .csv file")
        imp.add_argument(
            "--skip-bad", action="store_true", help="import the good rows, skip bad ones"
        )
        imp.add_argument("--dry-run", action="store_true", help="check only, import nothing")
        imp.add_argument("--congress", help="the congress code (needed if there are several)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self._import(options)

    def _congress(self, code: str | None) -> Congress:
        if code:
            try:
                return Congress.objects.get(code=code)
            except Congress.DoesNotExist:
                raise CommandError(f"No congress with code {code!r}.") from None
        congresses = list(Congress.objects.all()[:2])
        if len(congresses) != 1:
            raise CommandError("Name the congress with --congress CODE.")
        return congresses[0]

    def _import(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        congress = self._congress(options.get("congress"))
        try:
            result = people_import(
                congress=congress,
                file_name=path.name,
                data=path.read_bytes(),
                skip_bad=options["skip_bad"],
                dry_run=options["dry_run"],
                by=None,
            )
        except ImportFileError as exc:
            raise CommandError(exc.message) from None
        for error in result.errors:
            self.stderr.write(f"row {error.row}, {error.column}: {error.message}")
        if result.applied:
            self.stdout.write(
                f"created {result.created}, updated {result.updated}, "
                f"roles added {result.roles_added}, skipped {result.skipped}"
            )
        elif result.errors:
            raise CommandError(
                f"{len(result.bad_rows)} of {result.total} rows have errors: nothing imported "
                "(use --skip-bad to import the good rows)."
            )
        else:
            self.stdout.write(f"checked {result.total} rows: all correct, nothing imported")
