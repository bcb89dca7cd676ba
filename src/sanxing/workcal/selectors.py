"""Reading the calendar: a year's months for the page, the days for the API, and the
permission-checked lookup of a correction."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from sanxing.people.access import viewer_for
from sanxing.workcal.calendar import current_calendar
from sanxing.workcal.models import CalendarOverride, CalendarYear
from sanxing.workcal.periods import DayInfo, WorkingCalendar

MIN_YEAR, MAX_YEAR = 1990, 2100


@dataclass(frozen=True)
class MonthGrid:
    month: int
    first: dt.date
    weeks: list[list[DayInfo | None]]  # Monday first; None pads the first and last week


def month_grids(year: int, calendar: WorkingCalendar | None = None) -> list[MonthGrid]:
    cal = calendar or current_calendar()
    weeks_of = pycalendar.Calendar(firstweekday=0)
    grids = []
    for month in range(1, 13):
        weeks = [
            [cal.day(day) if day.month == month else None for day in week]
            for week in weeks_of.monthdatescalendar(year, month)
        ]
        grids.append(MonthGrid(month=month, first=dt.date(year, month, 1), weeks=weeks))
    return grids


def special_days(year: int, calendar: WorkingCalendar | None = None) -> list[DayInfo]:
    """Every day of ``year`` that is not an ordinary weekday or weekend, in date order."""
    cal = calendar or current_calendar()
    day, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    found = []
    while day <= end:
        info = cal.day(day)
        if info.why not in ("weekday", "weekend"):
            found.append(info)
        day += dt.timedelta(days=1)
    return found


def calendar_year(year: int) -> CalendarYear | None:
    return CalendarYear.objects.filter(year=year).select_related("loaded_by").first()


def overrides_in_year(year: int) -> QuerySet[CalendarOverride]:
    return CalendarOverride.objects.filter(date__year=year).select_related("created_by")


def override_for_user(user: Any, pk: Any) -> CalendarOverride:
    """A correction, for a signed-in user (the calendar is public to all of them)."""
    if not viewer_for(user).is_authenticated:
        raise Http404
    try:
        return CalendarOverride.objects.select_related("created_by").get(pk=pk)
    except (CalendarOverride.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def valid_year(value: Any, default: int) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return default
    return year if MIN_YEAR <= year <= MAX_YEAR else default
