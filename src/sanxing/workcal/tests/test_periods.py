"""Counting periods (RULES.md §1) against the official 2004–2026 schedules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from sanxing.workcal.periods import (
    RULE_CIVIL_CODE,
    Period,
    WorkingCalendar,
    add_months,
    add_pause,
    compute_deadline,
    parse_date,
    parse_period,
)

D = dt.date
OFFICIAL = WorkingCalendar.from_chinesecalendar()


def due(start: dt.date, period: str, **kwargs) -> dt.date:
    return compute_deadline(start=start, period=period, calendar=OFFICIAL, **kwargs).due


# The worked examples of RULES.md §1, row by row.
@pytest.mark.parametrize(
    ("start", "period", "expected"),
    [
        (D(2026, 1, 15), "3m", D(2026, 4, 15)),  # corresponding day, a working day
        (D(2026, 1, 31), "1m", D(2026, 2, 28)),  # month end; a make-up Saturday
        (D(2025, 11, 30), "3m", D(2026, 2, 28)),  # the same make-up Saturday
        (D(2025, 9, 26), "15d", D(2025, 10, 11)),  # Saturday worked after National Day
        (D(2025, 9, 30), "1d", D(2025, 10, 9)),  # 1–8 October off
        (D(2026, 4, 30), "30d", D(2026, 6, 1)),  # 30 May a Saturday → Monday
        (D(2026, 2, 6), "5wd", D(2026, 2, 13)),  # 9–13 February
    ],
)
def test_worked_examples_of_the_rules(start, period, expected):
    assert due(start, period) == expected


@pytest.mark.parametrize(
    ("start", "period", "expected", "month_end"),
    [
        (D(2026, 1, 31), "1m", D(2026, 2, 28), True),
        (D(2024, 1, 31), "1m", D(2024, 2, 29), True),  # leap year
        (D(2026, 3, 31), "1m", D(2026, 4, 30), True),
        (D(2024, 2, 29), "1y", D(2025, 2, 28), True),  # 29 Feb + 1 year
        (D(2024, 2, 29), "4y", D(2028, 2, 29), False),
        (D(2025, 8, 31), "6m", D(2026, 2, 28), True),
        (D(2026, 1, 15), "12m", D(2027, 1, 15), False),
    ],
)
def test_months_end_on_the_corresponding_day_or_the_month_end(start, period, expected, month_end):
    result = compute_deadline(start=start, period=period, calendar=OFFICIAL)
    assert result.nominal_end == expected
    assert result.month_end is month_end


def test_add_months_across_years():
    assert add_months(D(2025, 11, 30), 3) == (D(2026, 2, 28), True)
    assert add_months(D(2025, 12, 15), 1) == (D(2026, 1, 15), False)


@pytest.mark.parametrize(
    ("start", "period", "expected", "rolled"),
    [
        # Spring Festival 2026: 15–23 February off, 14 and 28 February worked.
        (D(2026, 2, 4), "10d", D(2026, 2, 14), 0),
        (D(2026, 2, 5), "10d", D(2026, 2, 24), 9),
        (D(2026, 1, 20), "1m", D(2026, 2, 24), 4),
        # National Day 2025: 1–8 October off, Sunday 28 September and Saturday 11 October worked.
        (D(2025, 9, 13), "15d", D(2025, 9, 28), 0),
        (D(2025, 9, 20), "15d", D(2025, 10, 9), 4),
        (D(2025, 9, 27), "15d", D(2025, 10, 13), 1),  # 12 October is an ordinary Sunday
        # National Day 2026: 1–7 October off, Saturday 10 October worked.
        (D(2026, 9, 25), "15d", D(2026, 10, 10), 0),
        (D(2026, 9, 20), "15d", D(2026, 10, 8), 3),
    ],
)
def test_holiday_blocks_and_make_up_days(start, period, expected, rolled):
    result = compute_deadline(start=start, period=period, calendar=OFFICIAL)
    assert result.due == expected
    assert len(result.rollovers) == rolled
    assert result.provisional is False
    assert result.rule == RULE_CIVIL_CODE


@pytest.mark.parametrize(
    ("start", "period", "expected"),
    [
        (D(2026, 2, 6), "5wd", D(2026, 2, 13)),
        (D(2026, 2, 12), "5wd", D(2026, 2, 26)),  # 13, 14 (worked Saturday), 24, 25, 26
        (D(2025, 9, 30), "5wd", D(2025, 10, 14)),  # 9, 10, 11 (worked Saturday), 13, 14
        (D(2026, 9, 30), "5wd", D(2026, 10, 13)),  # 8, 9, 10 (worked Saturday), 12, 13
        (D(2026, 9, 30), "1wd", D(2026, 10, 8)),
    ],
)
def test_working_day_periods_span_holidays(start, period, expected):
    result = compute_deadline(start=start, period=period, calendar=OFFICIAL)
    assert result.due == expected
    assert result.nominal_end == expected
    assert result.rollovers == ()


def test_working_day_count_lists_the_days_not_counted():
    result = compute_deadline(start=D(2026, 2, 6), period="5wd", calendar=OFFICIAL)
    with translation.override("en"):
        assert [str(s) for s in result.skipped] == ["2026-02-07 Saturday", "2026-02-08 Sunday"]


def test_spring_festival_2026_counts_2026_02_12_five_working_days_correctly():
    # 13 Feb (Fri), 14 Feb (Sat, worked), then the holiday 15–23, then 24, 25, 26.
    result = compute_deadline(start=D(2026, 2, 12), period="5wd", calendar=OFFICIAL)
    assert result.due == D(2026, 2, 26)


def test_rollovers_say_why_each_day_was_passed():
    with translation.override("en"):
        national_day = compute_deadline(start=D(2026, 9, 20), period="11d", calendar=OFFICIAL)
        assert str(national_day.rollovers[0]) == "2026-10-01 National Day holiday"
        weekend = compute_deadline(start=D(2026, 4, 30), period="30d", calendar=OFFICIAL)
        assert [str(r) for r in weekend.rollovers] == ["2026-05-30 Saturday", "2026-05-31 Sunday"]


@pytest.mark.parametrize(
    ("start", "period", "expected", "years"),
    [
        (D(2027, 3, 1), "10d", D(2027, 3, 11), (2027,)),
        (D(2026, 12, 20), "15d", D(2027, 1, 4), (2027,)),
        (D(2026, 11, 1), "3m", D(2027, 2, 1), (2027,)),
        (D(2026, 12, 30), "2wd", D(2027, 1, 1), (2027,)),  # no schedule: 1 Jan is a Friday
    ],
)
def test_a_year_without_a_schedule_is_provisional(start, period, expected, years):
    result = compute_deadline(start=start, period=period, calendar=OFFICIAL)
    assert result.due == expected
    assert result.provisional is True
    assert result.provisional_years == years
    with translation.override("en"):
        assert "Provisional" in result.explain()


def test_a_deadline_inside_loaded_years_is_not_provisional():
    result = compute_deadline(start=D(2026, 11, 1), period="1m", calendar=OFFICIAL)
    assert result.due == D(2026, 12, 1)
    assert result.provisional is False


@pytest.mark.parametrize(
    ("start", "period", "extend_by", "expected"),
    [
        (D(2026, 1, 15), "3m", 10, D(2026, 4, 27)),  # 25 April a Saturday
        (D(2026, 4, 30), "20d", 10, D(2026, 6, 1)),
        (D(2026, 2, 6), "5wd", 7, D(2026, 2, 27)),  # counting resumes after 13 Feb
    ],
)
def test_time_not_counted_extends_the_period(start, period, extend_by, expected):
    assert due(start, period, extend_by=extend_by) == expected


def test_add_pause_recomputes_with_more_days_not_counted():
    first = compute_deadline(start=D(2026, 1, 15), period="3m", calendar=OFFICIAL)
    paused = add_pause(first, 10, calendar=OFFICIAL)
    assert paused.extend_by == 10
    assert paused.due == D(2026, 4, 27)
    assert add_pause(paused, 2, calendar=OFFICIAL).due == D(2026, 4, 27)


def test_explanation_in_english_names_the_articles():
    result = compute_deadline(start=D(2026, 1, 31), period="1m", calendar=OFFICIAL)
    with translation.override("en"):
        text = result.explain()
    assert "2026-02-28" in text
    assert "Art. 202" in text
    assert "make-up working day" in text
    assert "\n" not in text


def test_explanation_in_chinese_uses_chinese_dates():
    result = compute_deadline(start=D(2026, 4, 30), period="30d", calendar=OFFICIAL)
    with translation.override("zh-hans"):
        text = result.explain()
    assert "2026年6月1日" in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15d", Period(15, "d")),
        ("1m", Period(1, "m")),
        ("1y", Period(1, "y")),
        ("5wd", Period(5, "wd")),
        (" 3 M ", Period(3, "m")),
        ("10WD", Period(10, "wd")),
    ],
)
def test_parse_period(text, expected):
    assert parse_period(text) == expected
    assert str(parse_period(text)) == f"{expected.count}{expected.unit}"


@pytest.mark.parametrize(
    "text", ["", "15", "d", "0d", "-1d", "15x", "1.5m", "1 month", "99999999d", "200y"]
)
def test_parse_period_refuses_other_forms_with_a_clear_message(text):
    with translation.override("en"), pytest.raises(ValueError) as info:
        parse_period(text)
    assert str(info.value)


def test_parse_period_message_is_translated():
    with translation.override("zh-hans"), pytest.raises(ValueError) as info:
        parse_period("15x")
    assert "15x" in str(info.value)


@pytest.mark.parametrize("text", ["2026-02-30", "2026-13-01", "tomorrow", ""])
def test_parse_date_refuses_impossible_dates(text):
    with pytest.raises(ValueError):
        parse_date(text)


def test_far_future_is_refused_not_crashed():
    with pytest.raises(ValueError):
        compute_deadline(start=D(9999, 12, 1), period="100y", calendar=OFFICIAL)
    with pytest.raises(ValueError):
        compute_deadline(start=D(9999, 12, 30), period="5d", calendar=OFFICIAL)


def test_an_office_correction_takes_precedence():
    calendar = WorkingCalendar(
        official=OFFICIAL.official,
        overrides={D(2026, 6, 1): ("holiday", "flood")},
        loaded_years=OFFICIAL.loaded_years,
    )
    result = compute_deadline(start=D(2026, 4, 30), period="30d", calendar=calendar)
    assert result.due == D(2026, 6, 2)
    with translation.override("en"):
        assert "flood" in str(result.rollovers[-1])


def test_counting_is_fast():
    import time

    begin = time.perf_counter()
    for offset in range(2000):
        compute_deadline(
            start=D(2020, 1, 1) + dt.timedelta(days=offset), period="3m", calendar=OFFICIAL
        )
    assert time.perf_counter() - begin < 2
