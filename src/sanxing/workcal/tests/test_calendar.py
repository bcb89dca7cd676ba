"""The database calendar: seeded years, the office's corrections, imports, recomputation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from sanxing.core.errors import BusinessError, NotPermitted
from sanxing.workcal import hooks
from sanxing.workcal.calendar import current_calendar
from sanxing.workcal.models import CalendarDay, CalendarOverride, CalendarYear
from sanxing.workcal.periods import compute_deadline
from sanxing.workcal.services import (
    ImportRow,
    calendar_load_package,
    calendar_override_add,
    calendar_override_remove,
    calendar_year_import,
)

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded():
    """A fake engine that records each call of the recomputation hook."""
    calls: list[dict] = []

    def recompute(**kwargs):
        calls.append(kwargs)

    hooks.register_recomputer(recompute)
    yield calls
    hooks.unregister_recomputer(recompute)


def test_the_migration_seeds_2004_to_2026_from_chinesecalendar():
    years = set(CalendarYear.objects.filter(loaded=True).values_list("year", flat=True))
    assert years == set(range(2004, 2027))
    day = CalendarDay.objects.get(date=D(2026, 2, 28))
    assert (day.kind, day.name, day.source) == ("workday", "Spring Festival", "chinesecalendar")


def test_the_database_calendar_gives_the_rules_examples():
    assert compute_deadline(start=D(2026, 1, 31), period="1m").due == D(2026, 2, 28)
    assert compute_deadline(start=D(2025, 9, 30), period="1d").due == D(2025, 10, 9)
    assert compute_deadline(start=D(2027, 3, 1), period="10d").provisional is True


def test_the_calendar_is_cached_one_query_when_unchanged(django_assert_num_queries):
    current_calendar()
    with django_assert_num_queries(1):
        compute_deadline(start=D(2026, 1, 31), period="1m")


def test_loading_the_package_again_changes_nothing():
    assert calendar_load_package() == []
    assert CalendarDay.objects.filter(source="chinesecalendar").count() == 771


def test_loading_the_package_restores_a_year_and_writes_history(world, recorded):
    CalendarYear.objects.filter(year=2025).update(loaded=False)
    CalendarDay.objects.filter(date__year=2025).delete()
    assert calendar_load_package(by=world.clerk) == [2025]
    assert CalendarDay.objects.filter(date__year=2025).exists()
    assert CalendarDay.history.filter(date__year=2025, history_user=world.clerk).exists()
    assert recorded[0]["start"] == D(2025, 1, 1)
    assert recorded[0]["end"] == D(2025, 12, 31)


def test_a_clerk_marks_a_day_off_and_open_deadlines_are_recomputed(world, recorded):
    before = compute_deadline(start=D(2026, 5, 26), period="7d")
    assert before.due == D(2026, 6, 2)
    override = calendar_override_add(
        date=D(2026, 6, 2), kind="holiday", reason="typhoon warning", by=world.clerk
    )
    assert override.created_by == world.clerk
    assert override.history.first().history_user == world.clerk
    assert compute_deadline(start=D(2026, 5, 26), period="7d").due == D(2026, 6, 3)
    assert len(recorded) == 1
    call = recorded[0]
    assert (call["start"], call["end"]) == (D(2026, 6, 2), D(2026, 6, 2))
    assert call["reason"] == "override added"
    assert call["by"] == world.clerk
    # the recomputer gets the new calendar
    assert call["calendar"].is_working_day(D(2026, 6, 2)) is False

    calendar_override_remove(override=override, by=world.clerk)
    assert not CalendarOverride.objects.exists()
    assert CalendarOverride.all_objects.get().deleted_by == world.clerk
    assert compute_deadline(start=D(2026, 5, 26), period="7d").due == D(2026, 6, 2)
    assert recorded[1]["reason"] == "override removed"


def test_a_clerk_makes_a_saturday_a_working_day(world):
    calendar_override_add(
        date=D(2026, 5, 30), kind="workday", reason="congress session", by=world.clerk
    )
    assert compute_deadline(start=D(2026, 4, 30), period="30d").due == D(2026, 5, 30)


def test_a_failing_recomputer_rolls_the_calendar_change_back(world):
    def broken(**kwargs):
        raise RuntimeError("engine failed")

    hooks.register_recomputer(broken)
    try:
        with pytest.raises(RuntimeError):
            calendar_override_add(
                date=D(2026, 6, 2), kind="holiday", reason="typhoon", by=world.clerk
            )
    finally:
        hooks.unregister_recomputer(broken)
    assert not CalendarOverride.all_objects.exists()
    assert current_calendar().is_working_day(D(2026, 6, 2)) is True


@pytest.mark.parametrize("persona", ["outsider", "deputy", "handler", "member"])
def test_only_office_staff_change_the_calendar(world, persona):
    with pytest.raises(NotPermitted):
        calendar_override_add(
            date=D(2026, 6, 2), kind="holiday", reason="x", by=getattr(world, persona)
        )
    with pytest.raises(NotPermitted):
        calendar_year_import(
            year=2027,
            rows=[ImportRow(1, D(2027, 1, 1), "holiday", "New Year's Day")],
            by=getattr(world, persona),
        )


def test_corrections_are_refused_when_they_change_nothing(world):
    with pytest.raises(BusinessError) as info:
        calendar_override_add(date=D(2026, 6, 2), kind="workday", reason="x", by=world.clerk)
    assert info.value.field == "date"
    with pytest.raises(BusinessError):
        calendar_override_add(date=D(2026, 10, 1), kind="holiday", reason="x", by=world.clerk)
    with pytest.raises(BusinessError) as info:
        calendar_override_add(date=D(2026, 6, 2), kind="holiday", reason=" ", by=world.clerk)
    assert info.value.field == "reason"


def test_importing_a_year_loads_it_and_recomputes(world, recorded):
    assert compute_deadline(start=D(2027, 1, 25), period="15d").provisional is True
    rows = [
        ImportRow(1, D(2027, 2, 6), "workday", "Spring Festival"),
        *[
            ImportRow(2 + i, D(2027, 2, 9) + dt.timedelta(days=i), "holiday", "春節")
            for i in range(8)
        ],
    ]
    year = calendar_year_import(year=2027, rows=rows, by=world.clerk)
    assert year.loaded and year.source == "imported" and year.loaded_by == world.clerk
    result = compute_deadline(start=D(2027, 1, 25), period="15d")
    assert result.provisional is False
    assert result.due == D(2027, 2, 17)
    assert recorded[0]["start"] == D(2027, 1, 1)
    assert recorded[0]["end"] == D(2027, 12, 31)
    assert recorded[0]["reason"] == "year imported"
    # importing again replaces the year's days; the old ones stay in history
    calendar_year_import(
        year=2027, rows=[ImportRow(1, D(2027, 1, 1), "holiday", "元旦")], by=world.clerk
    )
    assert CalendarDay.objects.filter(date__year=2027).count() == 1
    assert CalendarDay.all_objects.filter(date__year=2027).count() == 10


def test_an_import_with_a_day_outside_the_year_saves_nothing(world):
    with pytest.raises(BusinessError):
        calendar_year_import(
            year=2027, rows=[ImportRow(1, D(2028, 1, 1), "holiday", "")], by=world.clerk
        )
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_recomputers_run_inside_the_callers_transaction(world, recorded):
    with transaction.atomic():
        calendar_override_add(date=D(2026, 6, 2), kind="holiday", reason="x", by=world.clerk)
        transaction.set_rollback(True)
    assert not CalendarOverride.all_objects.exists()
    assert current_calendar().is_working_day(D(2026, 6, 2))
