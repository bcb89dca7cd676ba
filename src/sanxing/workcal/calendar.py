"""The database calendar as a ``WorkingCalendar`` snapshot, cached in this process.

The snapshot is the whole calendar (about a thousand rows), loaded at once. Before handing
it out, one cheap query reads a stamp of the three tables (row counts, newest change, highest
id); a change made by another process (or a test that rolled back) gives a new stamp and a
reload. Services that change the calendar also drop the cache at once (``invalidate``), so
recomputation inside their transaction already sees the change. Callers that compute many
deadlines take one snapshot and pass it as ``calendar=``.
"""

from __future__ import annotations

import threading
from typing import Any

from django.db import connection

from sanxing.workcal.models import CalendarDay, CalendarOverride, CalendarYear
from sanxing.workcal.periods import WorkingCalendar

_lock = threading.Lock()
_cached: tuple[Any, WorkingCalendar] | None = None


def invalidate() -> None:
    global _cached
    with _lock:
        _cached = None


def _stamp() -> tuple:
    parts = []
    for model in (CalendarYear, CalendarDay, CalendarOverride):
        table = connection.ops.quote_name(model._meta.db_table)
        parts.append(
            f"(SELECT COUNT(*) FROM {table}), (SELECT MAX(updated_at) FROM {table}), "
            f"(SELECT MAX(id) FROM {table})"
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        row = cursor.fetchone()
    return (connection.alias, *[str(value) for value in row])


def load_calendar() -> WorkingCalendar:
    """A fresh snapshot from the database (three queries)."""
    loaded = CalendarYear.objects.filter(loaded=True).values_list("year", flat=True)
    days = CalendarDay.objects.values_list("date", "kind", "name")
    overrides = {
        day: (kind, name or reason)
        for day, kind, name, reason in CalendarOverride.objects.values_list(
            "date", "kind", "name", "reason"
        )
    }
    return WorkingCalendar.from_days(days, loaded_years=loaded, overrides=overrides)


def current_calendar() -> WorkingCalendar:
    """The calendar as the database has it now: one stamp query, plus a load if it changed."""
    global _cached
    stamp = _stamp()
    cached = _cached
    if cached is not None and cached[0] == stamp:
        return cached[1]
    fresh = load_calendar()
    with _lock:
        _cached = (stamp, fresh)
    return fresh
