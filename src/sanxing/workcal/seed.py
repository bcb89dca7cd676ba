"""The official schedules the ``chinesecalendar`` package carries (2004 to its last year).

Used by the data migration (with the migration's historical models) and by
``sanxing calendar load``; both only add years that are not loaded yet, so they are
idempotent and never overwrite a year the office imported.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

SOURCE = "chinesecalendar"


def chinesecalendar_years() -> range:
    from chinese_calendar.constants import holidays

    years = [day.year for day in holidays]
    return range(min(years), max(years) + 1)


def chinesecalendar_days(years: range | list[int] | None = None) -> list[tuple[dt.date, str, str]]:
    """``(date, "holiday"|"workday", English name)`` for every listed day, sorted by date."""
    from chinese_calendar.constants import holidays, workdays

    wanted = set(years if years is not None else chinesecalendar_years())
    days = [(day, "holiday", name) for day, name in holidays.items() if day.year in wanted]
    days += [(day, "workday", name) for day, name in workdays.items() if day.year in wanted]
    return sorted(days)


def seed_years(*, day_model: Any, year_model: Any, years: list[int] | None = None) -> list[int]:
    """Add the package's days for each year not loaded yet; returns the years added.

    Works with real or migration models (no managers beyond the default ones, no history:
    callers that need history rows write them, see ``services.calendar_load_package``)."""
    available = list(chinesecalendar_years())
    wanted = [y for y in (years or available) if y in available]
    existing = {
        row.year: row
        for row in year_model._default_manager.filter(year__in=wanted, deleted_at__isnull=True)
    }
    todo = [y for y in wanted if not (y in existing and existing[y].loaded)]
    if not todo:
        return []
    now = timezone.now()
    day_model._default_manager.filter(date__year__in=todo, deleted_at__isnull=True).update(
        deleted_at=now, updated_at=now
    )
    day_model._default_manager.bulk_create(
        [
            day_model(date=day, kind=kind, name=name, source=SOURCE, created_at=now)
            for day, kind, name in chinesecalendar_days(todo)
        ]
    )
    for year in todo:
        row = existing.get(year)
        if row is None:
            year_model._default_manager.create(
                year=year, loaded=True, source=SOURCE, loaded_at=now, created_at=now
            )
        else:
            row.loaded, row.source, row.loaded_at = True, SOURCE, now
            row.version += 1
            row.save(update_fields=["loaded", "source", "loaded_at", "version", "updated_at"])
    return todo
