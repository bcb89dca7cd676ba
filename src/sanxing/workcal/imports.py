"""Reading a year's schedule from a CSV or Excel file: columns date, kind, name.

All or nothing: every row is checked and every problem reported with its row number before
anything is saved."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable

from django.utils.translation import gettext as _

from sanxing.workcal.services import ImportRow

KIND_WORDS = {
    "holiday": "holiday",
    "假": "holiday",
    "休": "holiday",
    "workday": "workday",
    "班": "workday",
    "上班": "workday",
}
MAX_BYTES = 2 * 1024 * 1024


class ImportFileError(ValueError):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def read_rows(*, content: bytes, filename: str, year: int) -> list[ImportRow]:
    """The file's rows, checked; ImportFileError listing every problem otherwise."""
    if len(content) > MAX_BYTES:
        raise ImportFileError([_("The file is larger than 2 MB.")])
    name = filename.lower()
    if name.endswith(".xlsx"):
        raw = _xlsx_rows(content)
    elif name.endswith(".csv") or name.endswith(".txt"):
        raw = _csv_rows(content)
    else:
        raise ImportFileError([_("Upload a .csv or .xlsx file.")])
    return check_rows(raw, year=year)


def _csv_rows(content: bytes) -> list[list[object]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError([_("The file is not UTF-8 or GB18030 text.")])
    return [list(row) for row in csv.reader(io.StringIO(text))]


def _xlsx_rows(content: bytes) -> list[list[object]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:
        raise ImportFileError([_("The file is not an Excel workbook (.xlsx).")]) from None
    sheet = book.worksheets[0]
    rows: list[list[object]] = [list(row) for row in sheet.iter_rows(values_only=True)]
    book.close()
    return rows


def _cell_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip().replace("/", "-"))
    except ValueError:
        return None


def check_rows(raw: Iterable[list[object]], *, year: int) -> list[ImportRow]:
    rows: list[ImportRow] = []
    errors: list[str] = []
    seen: dict[dt.date, int] = {}
    for line, cells in enumerate(raw, start=1):
        cells = [*cells, None, None, None]
        first = "" if cells[0] is None else str(cells[0]).strip()
        if not first and all(c in (None, "") for c in cells[1:3]):
            continue  # blank row
        if line == 1 and first.lower() in ("date", "日期"):
            continue  # header
        day = _cell_date(cells[0])
        kind = KIND_WORDS.get(str(cells[1] or "").strip().lower())
        name = str(cells[2] or "").strip()
        if day is None:
            errors.append(
                _("Row %(line)s: “%(value)s” is not a date (write YYYY-MM-DD).")
                % {"line": line, "value": first}
            )
            continue
        if kind is None:
            errors.append(
                _("Row %(line)s: the kind must be holiday or workday, not “%(value)s”.")
                % {"line": line, "value": cells[1] or ""}
            )
            continue
        if day.year != year:
            errors.append(
                _("Row %(line)s: %(day)s is not in %(year)s.")
                % {"line": line, "day": day.isoformat(), "year": year}
            )
            continue
        if day in seen:
            errors.append(
                _("Row %(line)s: %(day)s is already on row %(first)s.")
                % {"line": line, "day": day.isoformat(), "first": seen[day]}
            )
            continue
        if kind == "workday" and day.weekday() < 5:
            errors.append(
                _(
                    "Row %(line)s: %(day)s is a weekday; only a Saturday or Sunday can be made "
                    "a working day."
                )
                % {"line": line, "day": day.isoformat()}
            )
            continue
        if len(name) > 100:
            errors.append(
                _("Row %(line)s: the name is longer than 100 characters.") % {"line": line}
            )
            continue
        seen[day] = line
        rows.append(ImportRow(line=line, date=day, kind=kind, name=name))
    if not rows and not errors:
        errors.append(_("The file has no days."))
    if errors:
        raise ImportFileError(errors)
    return rows
