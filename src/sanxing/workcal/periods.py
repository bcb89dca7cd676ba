"""Counting a period (期間計算): 《民法典》第二百條至第二百零四條, shared/domain/RULES.md §1.

Pure functions over a ``WorkingCalendar``: give one explicitly (tests, batch recomputation) or
leave ``calendar=None`` to use the database calendar, cached in memory
(``sanxing.workcal.calendar.current_calendar``).

    >>> compute_deadline(start=date(2026, 1, 31), period="1m").due
    datetime.date(2026, 2, 28)
"""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils import formats, translation
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

# The rule every calendar-day period follows; working-day periods follow the law that sets
# them (e.g. 信訪工作條例 Art. 23) through Art. 204, with Art. 201 for the start day.
RULE_CIVIL_CODE = "民法典第二百零一條至第二百零四條"
RULE_WORKING_DAYS = "民法典第二百零一條、第二百零四條（工作日）"
RULE_NAMES = {
    RULE_CIVIL_CODE: gettext_lazy("Civil Code, Articles 201 to 204"),
    RULE_WORKING_DAYS: gettext_lazy("Civil Code, Articles 201 and 204 (working days)"),
}

# Names the chinesecalendar package gives; listed here so that they are translated.
HOLIDAY_NAMES = {
    "New Year's Day": gettext_lazy("New Year's Day"),
    "Spring Festival": gettext_lazy("Spring Festival"),
    "Tomb-sweeping Day": gettext_lazy("Tomb-sweeping Day"),
    "Labour Day": gettext_lazy("Labour Day"),
    "Dragon Boat Festival": gettext_lazy("Dragon Boat Festival"),
    "National Day": gettext_lazy("National Day"),
    "Mid-autumn Festival": gettext_lazy("Mid-autumn Festival"),
    "Anti-Fascist 70th Day": gettext_lazy("Anti-Fascist War Victory 70th Anniversary"),
}

# Generous limits that keep date arithmetic far from year 9999 and loops short.
MAX_COUNT = {"d": 36600, "wd": 25000, "m": 1200, "y": 100}
UNITS = ("d", "wd", "m", "y")
_PERIOD_RE = re.compile(r"^\s*(\d{1,6})\s*(d|wd|m|y)\s*$", re.IGNORECASE)
# No official schedule has ever had more than 9 rest days in a row; this only guards loops.
_MAX_ROLLOVER = 60


def translated_holiday_name(name: str) -> str:
    return str(HOLIDAY_NAMES.get(name, name))


def format_day(day: dt.date) -> str:
    """A date for an explanation: 2026年2月28日 in Chinese, ISO otherwise."""
    language = translation.get_language() or ""
    if language.startswith("zh"):
        return formats.date_format(day, "DATE_FORMAT")
    return day.isoformat()


# --- periods ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    count: int
    unit: str  # "d" days, "wd" working days, "m" months, "y" years

    def __str__(self) -> str:
        return f"{self.count}{self.unit}"

    @property
    def months(self) -> int:
        return self.count * 12 if self.unit == "y" else self.count

    def describe(self) -> str:
        n = self.count
        if self.unit == "d":
            return ngettext("%(count)d day", "%(count)d days", n) % {"count": n}
        if self.unit == "wd":
            return ngettext("%(count)d working day", "%(count)d working days", n) % {"count": n}
        if self.unit == "m":
            return ngettext("%(count)d month", "%(count)d months", n) % {"count": n}
        return ngettext("%(count)d year", "%(count)d years", n) % {"count": n}


def parse_period(text: str | Period) -> Period:
    """``"15d"`` days, ``"5wd"`` working days, ``"3m"`` months, ``"1y"`` years.

    Raises ValueError with a translated message for anything else."""
    if isinstance(text, Period):
        return text
    match = _PERIOD_RE.match(str(text or ""))
    if not match:
        raise ValueError(
            _(
                "“%(text)s” is not a period. Write a number and a unit: 15d (days), "
                "5wd (working days), 3m (months) or 1y (years)."
            )
            % {"text": text}
        )
    count, unit = int(match.group(1)), match.group(2).lower()
    if count < 1:
        raise ValueError(_("A period must be at least 1 day, working day, month or year."))
    if count > MAX_COUNT[unit]:
        raise ValueError(
            _("%(period)s is longer than this calculator allows (at most %(max)s).")
            % {"period": text, "max": f"{MAX_COUNT[unit]}{unit}"}
        )
    return Period(count=count, unit=unit)


def parse_date(text: str) -> dt.date:
    """An ISO date (2026-09-25); ValueError with a translated message otherwise."""
    try:
        return dt.date.fromisoformat(str(text).strip())
    except (ValueError, TypeError):
        raise ValueError(
            _("“%(text)s” is not a date. Write it as YYYY-MM-DD, for example 2026-09-25.")
            % {"text": text}
        ) from None


# --- the calendar ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayInfo:
    """Whether a date is a working day, and why.

    ``why`` is one of: weekday, weekend, holiday, workday (make-up working day),
    office_holiday, office_workday (the office's corrections)."""

    day: dt.date
    working: bool
    why: str
    name: str = ""

    @property
    def reason(self) -> str:
        if self.why == "holiday":
            if self.name:
                return _("%(name)s holiday") % {"name": translated_holiday_name(self.name)}
            return _("public holiday")
        if self.why == "office_holiday":
            return _("day off set by the office (%(reason)s)") % {"reason": self.name}
        if self.why == "workday":
            if self.name:
                return _("make-up working day for %(name)s") % {
                    "name": translated_holiday_name(self.name)
                }
            return _("make-up working day")
        if self.why == "office_workday":
            return _("working day set by the office (%(reason)s)") % {"reason": self.name}
        return str(WEEKDAYS[self.day.weekday()])


@dataclass(frozen=True)
class WorkingCalendar:
    """An immutable snapshot of the calendar: official days, the office's corrections (by
    date: ``(kind, text)``, kind ``holiday``/``workday``) and the years with a schedule."""

    official: Mapping[dt.date, tuple[str, str]] = field(default_factory=dict)
    overrides: Mapping[dt.date, tuple[str, str]] = field(default_factory=dict)
    loaded_years: frozenset[int] = frozenset()

    def day(self, day: dt.date) -> DayInfo:
        if day in self.overrides:
            kind, text = self.overrides[day]
            if kind == "holiday":
                return DayInfo(day, False, "office_holiday", text)
            return DayInfo(day, True, "office_workday", text)
        if day in self.official:
            kind, name = self.official[day]
            if kind == "holiday":
                return DayInfo(day, False, "holiday", name)
            return DayInfo(day, True, "workday", name)
        if day.weekday() >= 5:
            return DayInfo(day, False, "weekend")
        return DayInfo(day, True, "weekday")

    def is_working_day(self, day: dt.date) -> bool:
        return self.day(day).working

    def has_schedule(self, year: int) -> bool:
        return year in self.loaded_years

    @classmethod
    def from_days(
        cls,
        days: Iterable[tuple[dt.date, str, str]],
        *,
        loaded_years: Iterable[int],
        overrides: Mapping[dt.date, tuple[str, str]] | None = None,
    ) -> WorkingCalendar:
        return cls(
            official={day: (kind, name) for day, kind, name in days},
            overrides=dict(overrides or {}),
            loaded_years=frozenset(loaded_years),
        )

    @classmethod
    def from_chinesecalendar(cls) -> WorkingCalendar:
        """The package's schedules alone, without the database (tests, the seed)."""
        from sanxing.workcal.seed import chinesecalendar_days, chinesecalendar_years

        return cls.from_days(chinesecalendar_days(), loaded_years=chinesecalendar_years())


# --- deadlines ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rollover:
    """A day the end of a period moved past (Art. 203), or skipped when counting working days."""

    date: dt.date
    info: DayInfo

    @property
    def reason(self) -> str:
        return self.info.reason

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.reason}"


@dataclass(frozen=True)
class Deadline:
    start: dt.date
    period: Period
    due: dt.date
    nominal_end: dt.date
    rollovers: tuple[Rollover, ...]
    provisional: bool
    rule: str
    extend_by: int = 0
    month_end: bool = False
    provisional_years: tuple[int, ...] = ()
    skipped: tuple[Rollover, ...] = ()  # non-working days passed over in a working-day count
    due_info: DayInfo | None = None

    @property
    def rule_display(self) -> str:
        return str(RULE_NAMES.get(self.rule, self.rule))

    def explain(self) -> str:
        """One paragraph (one line) in the active language saying how the due date was found."""
        p = self.period
        parts: list[str] = []
        values = {
            "start": format_day(self.start),
            "period": p.describe(),
            "nominal": format_day(self.nominal_end),
            "due": format_day(self.due),
        }
        if self.extend_by:
            parts.append(
                ngettext(
                    "%(days)d day not counted (a pause or hearing time) extends the period.",
                    "%(days)d days not counted (a pause or hearing time) extend the period.",
                    self.extend_by,
                )
                % {"days": self.extend_by}
            )
        if p.unit == "wd":
            parts.insert(
                0,
                _(
                    "Counting starts the day after %(start)s (Art. 201); "
                    "a period of %(period)s ends on %(due)s."
                )
                % values,
            )
            if self.skipped:
                parts.append(
                    _("Not counted as working days: %(days)s.")
                    % {"days": _list(_day_and_reason(r) for r in self.skipped)}
                )
        else:
            if p.unit == "d":
                text = _(
                    "Counting starts the day after %(start)s (Art. 201); "
                    "a period of %(period)s ends on %(nominal)s."
                )
            elif self.month_end:
                text = _(
                    "Counting starts the day after %(start)s (Art. 201); after %(period)s "
                    "the month has no corresponding day, so the period ends on the last day "
                    "of the month, %(nominal)s (Art. 202)."
                )
            else:
                text = _(
                    "Counting starts the day after %(start)s (Art. 201); a period of %(period)s "
                    "ends on the corresponding day, %(nominal)s (Art. 202)."
                )
            parts.insert(0, text % values)
            if self.rollovers:
                parts.append(
                    _(
                        "%(nominal)s is not a working day, so the period ends on the next "
                        "working day, %(due)s (Art. 203). Rolled over: %(days)s."
                    )
                    % {
                        **values,
                        "days": _list(_day_and_reason(r) for r in self.rollovers),
                    }
                )
            elif self.due_info is not None and self.due_info.why in ("workday", "office_workday"):
                parts.append(
                    _("%(due)s is a working day (%(reason)s), so the period ends then.")
                    % {**values, "reason": self.due_info.reason}
                )
            else:
                parts.append(_("%(due)s is a working day, so the period ends then.") % values)
        parts.append(_("Due by 24:00 on %(due)s.") % values)
        if self.provisional:
            parts.append(
                _(
                    "Provisional: no official holiday schedule is loaded for %(years)s, so "
                    "weekends were taken as rest days and weekdays as working days."
                )
                % {"years": ", ".join(str(y) for y in self.provisional_years)}
            )
        return _sentences(parts)

    def as_dict(self) -> dict:
        """The API's shape: ISO dates, the explanation in the active language."""
        return {
            "start": self.start.isoformat(),
            "period": str(self.period),
            "due": self.due.isoformat(),
            "nominal_end": self.nominal_end.isoformat(),
            "rollovers": [{"date": r.date.isoformat(), "reason": r.reason} for r in self.rollovers],
            "provisional": self.provisional,
            "rule": self.rule,
            "explanation": self.explain(),
        }


def _chinese() -> bool:
    return (translation.get_language() or "").startswith("zh")


def _sentences(parts: Iterable[str]) -> str:
    return ("" if _chinese() else " ").join(parts)


def _list(items: Iterable[str]) -> str:
    return ("；" if _chinese() else "; ").join(items)


def _day_and_reason(rollover: Rollover) -> str:
    return f"{format_day(rollover.date)} {rollover.reason}"


def add_months(start: dt.date, months: int) -> tuple[dt.date, bool]:
    """The corresponding day ``months`` later, or that month's last day (Art. 202).

    Returns the date and whether the month end was used."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    last = pycalendar.monthrange(year, month)[1]
    if start.day > last:
        return dt.date(year, month, last), True
    return dt.date(year, month, start.day), False


def compute_deadline(
    *,
    start: dt.date,
    period: Period | str,
    calendar: WorkingCalendar | None = None,
    extend_by: int = 0,
) -> Deadline:
    """The last day of a period that starts the day after ``start`` (RULES.md §1).

    ``extend_by``: days not counted (a pause, hearing time: RULES §1.7) lengthen the period.
    Raises ValueError (translated message) for a bad period or a date out of range."""
    period = parse_period(period)
    if extend_by < 0:
        raise ValueError(_("Days not counted cannot be negative."))
    cal = calendar if calendar is not None else _current_calendar()
    one = dt.timedelta(days=1)
    rollovers: list[Rollover] = []
    skipped: list[Rollover] = []
    month_end = False
    try:
        if period.unit == "wd":
            day = start + dt.timedelta(days=extend_by)
            counted = 0
            while counted < period.count:
                day += one
                info = cal.day(day)
                if info.working:
                    counted += 1
                else:
                    skipped.append(Rollover(day, info))
            nominal = due = day
            rule = RULE_WORKING_DAYS
        else:
            if period.unit == "d":
                nominal = start + dt.timedelta(days=period.count)
            else:
                nominal, month_end = add_months(start, period.months)
            nominal += dt.timedelta(days=extend_by)
            due = nominal
            while not (info := cal.day(due)).working:
                rollovers.append(Rollover(due, info))
                if len(rollovers) > _MAX_ROLLOVER:
                    raise ValueError(
                        _("The calendar has no working day within %(n)s days after %(day)s.")
                        % {"n": _MAX_ROLLOVER, "day": nominal.isoformat()}
                    )
                due += one
            rule = RULE_CIVIL_CODE
    except OverflowError:
        raise ValueError(_("The due date would fall after the year 9999.")) from None
    missing = tuple(y for y in range(start.year, due.year + 1) if not cal.has_schedule(y))
    return Deadline(
        start=start,
        period=period,
        due=due,
        nominal_end=nominal,
        rollovers=tuple(rollovers),
        provisional=bool(missing),
        rule=rule,
        extend_by=extend_by,
        month_end=month_end,
        provisional_years=missing,
        skipped=tuple(skipped),
        due_info=cal.day(due),
    )


def add_pause(
    deadline: Deadline, days: int, *, calendar: WorkingCalendar | None = None
) -> Deadline:
    """The same deadline with ``days`` more not counted (RULES §1.7), recomputed."""
    return compute_deadline(
        start=deadline.start,
        period=deadline.period,
        calendar=calendar,
        extend_by=deadline.extend_by + days,
    )


def recompute(deadline: Deadline, *, calendar: WorkingCalendar | None = None) -> Deadline:
    """The same period counted again, e.g. after the calendar changed."""
    return compute_deadline(
        start=deadline.start,
        period=deadline.period,
        calendar=calendar,
        extend_by=deadline.extend_by,
    )


def _current_calendar() -> WorkingCalendar:
    from sanxing.workcal.calendar import current_calendar

    return current_calendar()
