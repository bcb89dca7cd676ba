"""Excel workbooks for exports: a bold frozen header row, sensible widths, real dates."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MAX_WIDTH = 60


def _cell_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        # Excel has no time zones: write the local wall time.
        if value.tzinfo is not None:
            from django.utils import timezone

            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if value is None or isinstance(value, int | float | dt.date | str):
        return value
    return str(value)


def _width(value: Any) -> int:
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 11
    text = "" if value is None else str(value)
    # CJK characters take about two columns.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def workbook_bytes(
    columns: Sequence[Any], rows: Iterable[Sequence[Any]], *, sheet_title: str = "Sheet1"
) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = str(sheet_title)[:31]
    header = [str(c) for c in columns]
    ws.append(header)
    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font = bold
    widths = [_width(h) for h in header]
    for row in rows:
        values = [_cell_value(v) for v in row]
        ws.append(values)
        row_index = ws.max_row
        for index, value in enumerate(values):
            if isinstance(value, dt.datetime):
                ws.cell(row=row_index, column=index + 1).number_format = DATETIME_FORMAT
            elif isinstance(value, dt.date):
                ws.cell(row=row_index, column=index + 1).number_format = DATE_FORMAT
            if index < len(widths):
                widths[index] = max(widths[index], _width(value))
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = min(width + 2, MAX_WIDTH)
    ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def excel_response(
    filename: str,
    columns: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_title: str = "Sheet1",
) -> HttpResponse:
    """An .xlsx download; ``columns`` are the header labels, ``rows`` the values."""
    data = workbook_bytes(columns, rows, sheet_title=sheet_title)
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    return response
