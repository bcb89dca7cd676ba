"""Changing the calendar. Every change runs the registered recomputers (``hooks``) inside
the same transaction, so open deadlines never disagree with the calendar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxing.core.errors import BusinessError, NotPermitted
from sanxing.people.access import viewer_for
from sanxing.workcal import calendar as db_calendar
from sanxing.workcal.hooks import run_recomputers
from sanxing.workcal.models import CalendarDay, CalendarOverride, CalendarYear, DayKind, Source
from sanxing.workcal.periods import format_day
from sanxing.workcal.seed import chinesecalendar_years, seed_years


def calendar_keeper_id() -> int | None:
    """The congress whose office keeps the working calendar.

    The calendar is one for the whole deployment (the State Council's schedule), so only one
    office may correct it: the congress named by ``settings.CALENDAR_CONGRESS`` (a code), or
    else the deployment's only top-level congress (a city hosting its districts). With
    several top-level congresses and no setting, only administrators edit it."""
    from django.conf import settings

    from sanxing.people.models import Congress

    code = getattr(settings, "CALENDAR_CONGRESS", "")
    roots = Congress.objects.filter(code=code) if code else Congress.objects.filter(parent=None)
    ids = list(roots.values_list("pk", flat=True)[:2])
    return ids[0] if len(ids) == 1 else None


def can_edit_calendar(user: Any) -> bool:
    """Administrators, and the office staff of the congress that keeps the calendar."""
    v = viewer_for(user)
    if v.is_admin:
        return True
    return v.is_office and v.congress_id is not None and v.congress_id == calendar_keeper_id()


def _require_editor(by: Any) -> None:
    # ``by=None`` is a management command run by the operator.
    if by is not None and not can_edit_calendar(by):
        raise NotPermitted(_("Only the office that keeps the working calendar can change it."))


@contextmanager
def _calendar_change(*, start: dt.date, end: dt.date, reason: str, by: Any) -> Iterator[None]:
    """One transaction: the change (the ``with`` body), then every recomputer."""
    try:
        with transaction.atomic():
            yield
            db_calendar.invalidate()
            run_recomputers(
                start=start,
                end=end,
                reason=reason,
                calendar=db_calendar.current_calendar(),
                by=by,
            )
    finally:
        # Committed or rolled back, the next reader loads what the database holds.
        db_calendar.invalidate()


def calendar_override_add(
    *, date: dt.date, kind: str, reason: str, by: Any, name: str = ""
) -> CalendarOverride:
    """The office marks ``date`` a holiday or a working day."""
    _require_editor(by)
    if kind not in DayKind.values:
        raise BusinessError(_("Choose holiday or working day."), field="kind")
    reason = (reason or "").strip()
    if not reason:
        raise BusinessError(_("Say why the day changes."), field="reason")
    if CalendarOverride.objects.filter(date=date).exists():
        raise BusinessError(
            _("%(day)s already has a correction; remove it first.") % {"day": format_day(date)},
            field="date",
        )
    current = db_calendar.current_calendar().day(date)
    if current.working == (kind == DayKind.WORKDAY):
        message = (
            _("%(day)s is already a working day.")
            if current.working
            else _("%(day)s is already a day off.")
        )
        raise BusinessError(message % {"day": format_day(date)}, field="date")
    with _calendar_change(start=date, end=date, reason="override added", by=by):
        override = CalendarOverride(
            date=date, kind=kind, reason=reason, name=name.strip(), created_by=by
        )
        override._history_user = by  # type: ignore[attr-defined]
        override.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                override.save()
        except IntegrityError:
            # Someone corrected the same day a moment ago (workcal_override_unique).
            raise BusinessError(
                _("%(day)s already has a correction; remove it first.") % {"day": format_day(date)},
                field="date",
            ) from None
    return override


def calendar_override_remove(*, override: CalendarOverride, by: Any) -> CalendarOverride:
    _require_editor(by)
    with _calendar_change(start=override.date, end=override.date, reason="override removed", by=by):
        # Not core.services.record_soft_delete: its F("version") breaks the history insert.
        removed = CalendarOverride.all_objects.select_for_update().get(pk=override.pk)
        if removed.deleted_at is not None:
            raise BusinessError(_("This correction has already been removed."))
        removed.deleted_at, removed.deleted_by = timezone.now(), by
        removed.version += 1
        removed._history_user = by  # type: ignore[attr-defined]
        removed.save(update_fields=["deleted_at", "deleted_by", "version", "updated_at"])
    return removed


@dataclass(frozen=True)
class ImportRow:
    line: int
    date: dt.date
    kind: str
    name: str


def calendar_year_import(
    *, year: int, rows: Sequence[ImportRow], by: Any, source: str = Source.IMPORTED
) -> CalendarYear:
    """Replace the official schedule of ``year`` with ``rows`` and mark the year loaded.

    Rows are checked by ``imports.read_rows``; this checks again that each lies in the year."""
    _require_editor(by)
    if not rows:
        raise BusinessError(_("The file has no days."), field="file")
    outside = [r for r in rows if r.date.year != year]
    if outside:
        raise BusinessError(
            _("Row %(line)s: %(day)s is not in %(year)s.")
            % {"line": outside[0].line, "day": outside[0].date.isoformat(), "year": year},
            field="file",
        )
    now = timezone.now()
    with _calendar_change(
        start=dt.date(year, 1, 1), end=dt.date(year, 12, 31), reason="year imported", by=by
    ):
        for old in CalendarDay.objects.filter(date__year=year).select_for_update():
            old.deleted_at, old.deleted_by = now, by
            old.version += 1
            old._history_user = by  # type: ignore[attr-defined]
            old.save(update_fields=["deleted_at", "deleted_by", "version", "updated_at"])
        new_days = CalendarDay.objects.bulk_create(
            [
                CalendarDay(date=r.date, kind=r.kind, name=r.name, source=source)
                for r in sorted(rows, key=lambda r: r.date)
            ]
        )
        CalendarDay.history.bulk_history_create(  # type: ignore[attr-defined]
            new_days, default_user=by, default_change_reason="year imported"
        )
        calendar_year, _created = CalendarYear.objects.select_for_update().get_or_create(year=year)
        calendar_year.loaded, calendar_year.source = True, source
        calendar_year.loaded_at, calendar_year.loaded_by = now, by
        calendar_year.version += 1
        calendar_year._history_user = by  # type: ignore[attr-defined]
        calendar_year.save()
    return calendar_year


def calendar_load_package(*, years: list[int] | None = None, by: Any = None) -> list[int]:
    """Load the ``chinesecalendar`` package's schedule for every year not loaded yet."""
    _require_editor(by)
    available = list(chinesecalendar_years())
    wanted = [y for y in (years or available) if y in available]
    loaded = set(
        CalendarYear.objects.filter(year__in=wanted, loaded=True).values_list("year", flat=True)
    )
    todo = [y for y in wanted if y not in loaded]
    if not todo:
        return []
    with _calendar_change(
        start=dt.date(min(todo), 1, 1), end=dt.date(max(todo), 12, 31), reason="year loaded", by=by
    ):
        added = seed_years(day_model=CalendarDay, year_model=CalendarYear, years=todo)
        CalendarDay.history.bulk_history_create(  # type: ignore[attr-defined]
            list(CalendarDay.objects.filter(date__year__in=added)),
            default_user=by,
            default_change_reason="loaded from chinesecalendar",
        )
    return added
