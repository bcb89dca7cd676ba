"""The working calendar over JSON: ISO dates; explanations in the request's language."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from sanxing.workcal import selectors
from sanxing.workcal.calendar import current_calendar
from sanxing.workcal.periods import compute_deadline, parse_date, parse_period

router = Router(tags=["workcal"])


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None


class RolloverOut(Schema):
    date: str
    reason: str


class DeadlineOut(Schema):
    start: str
    period: str
    due: str
    nominal_end: str
    rollovers: list[RolloverOut]
    provisional: bool
    rule: str
    explanation: str


class DayOut(Schema):
    date: str
    kind: str  # holiday | workday
    name: str
    reason: str
    source: str  # official | office


class DaysOut(Schema):
    year: int
    loaded: bool
    provisional: bool
    days: list[DayOut]


@router.get("/deadline", response={200: DeadlineOut, 400: ErrorOut})
def deadline(request: HttpRequest, start: str, period: str, extend_by: int = 0):
    """The last day of ``period`` (15d, 5wd, 3m, 1y) counted from the day after ``start``."""
    try:
        start_date = parse_date(start)
    except ValueError as exc:
        return Status(400, {"code": "invalid", "message": str(exc), "field": "start"})
    try:
        parsed = parse_period(period)
    except ValueError as exc:
        return Status(400, {"code": "invalid", "message": str(exc), "field": "period"})
    try:
        result = compute_deadline(start=start_date, period=parsed, extend_by=extend_by)
    except ValueError as exc:
        return Status(400, {"code": "invalid", "message": str(exc), "field": "extend_by"})
    return Status(200, result.as_dict())


@router.get("/days", response={200: DaysOut, 400: ErrorOut})
def days(request: HttpRequest, year: int):
    """The holidays and make-up working days of ``year``, the office's corrections included."""
    if not selectors.MIN_YEAR <= year <= selectors.MAX_YEAR:
        return Status(
            400,
            {
                "code": "invalid",
                "message": _("The year must be between %(min)s and %(max)s.")
                % {"min": selectors.MIN_YEAR, "max": selectors.MAX_YEAR},
                "field": "year",
            },
        )
    calendar = current_calendar()
    rows = [
        {
            "date": d.day.isoformat(),
            "kind": "workday" if d.working else "holiday",
            "name": d.name,
            "reason": d.reason,
            "source": "office" if d.why.startswith("office") else "official",
        }
        for d in selectors.special_days(year, calendar)
    ]
    loaded = calendar.has_schedule(year)
    return Status(200, {"year": year, "loaded": loaded, "provisional": not loaded, "days": rows})
