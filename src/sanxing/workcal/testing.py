"""Test support: the official schedules the data migration seeds.

A transactional test (``django_db(transaction=True)``, every browser test) ends by flushing
every table, the seeded calendar included, so tests that run after it (or the next run with
``--reuse-db``) would see an empty calendar. ``ensure_official_calendar()`` puts the package's
years back when they are missing: one query when they are there."""

from __future__ import annotations

from typing import Any


def ensure_official_calendar() -> list[int]:
    from sanxing.workcal.calendar import invalidate
    from sanxing.workcal.models import CalendarDay, CalendarYear
    from sanxing.workcal.seed import seed_years

    added = seed_years(day_model=CalendarDay, year_model=CalendarYear)
    if added:
        invalidate()
    return added


def official_calendar_fixture(request: Any) -> None:
    """Body of an autouse fixture: seed when the test uses the database."""
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if "demo" in names:  # the shared demo (root conftest) seeds it inside its own build
        return
    transactional = marker is not None and marker.kwargs.get("transaction")
    if transactional or names & {"transactional_db", "live_server"}:
        request.getfixturevalue("transactional_db")
    elif marker is not None or "db" in names:
        request.getfixturevalue("db")
    else:
        return
    ensure_official_calendar()
