"""The auditor's `sanxing deadline` and the operator's `sanxing calendar`."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from sanxing.workcal.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db
SANXING = Path(sys.executable).with_name("sanxing")


def run(*args: str, stdin: str | None = None) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    kwargs: dict[str, Any] = {"stdout": out, "stderr": err}
    if stdin is not None:
        kwargs["stdin"] = io.StringIO(stdin)
    call_command(*args, **kwargs)
    return out.getvalue(), err.getvalue()


def test_deadline_prints_the_iso_due_date_then_the_explanation():
    out, _ = run("deadline", "2026-04-30", "30d")
    line = out.strip()
    assert "\n" not in line
    assert line.startswith("2026-06-01 ")
    assert "2026-05-30 Saturday" in line
    assert "2026-05-31 Sunday" in line
    assert "Art. 203" in line


def test_deadline_says_provisional_for_a_year_without_schedule():
    out, _ = run("deadline", "2027-03-01", "10d")
    assert out.startswith("2027-03-11 ")
    assert "Provisional" in out


def test_deadline_explains_in_another_language_on_request():
    out, _ = run("deadline", "2026-04-30", "30d", "--language", "zh-hans")
    assert out.startswith("2026-06-01 ")
    assert "2026年5月30日" in out


@pytest.mark.parametrize(
    ("start", "period", "message"),
    [("2026-02-30", "15d", "not a date"), ("2026-09-25", "15x", "not a period")],
)
def test_deadline_refuses_bad_input(start, period, message):
    with pytest.raises(CommandError, match=message):
        run("deadline", start, period)


def test_deadline_reads_lines_on_stdin_and_keeps_going_after_a_bad_one():
    stdin = "2026-09-25 15d\n2026-02-30 1d\n\n# comment\n2026-01-31 1m\nnonsense\n"
    out = io.StringIO()
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 line"):
        call_command("deadline", "-", stdin=io.StringIO(stdin), stdout=out, stderr=err)
    assert [line.split()[0] for line in out.getvalue().splitlines()] == [
        "2026-10-10",
        "2026-02-28",
    ]
    assert "line 2:" in err.getvalue()
    assert "line 6:" in err.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_installed_command_answers_stdin_line_by_line():
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and "memory" not in name:
        # the subprocess reads the test database (the fixture made sure it is seeded)
        env = dict(os.environ, DATABASE_URL="sqlite:///" + name)
        args: list[str] = []
    else:
        # an in-memory test database is out of reach: count on the package's schedules
        env = dict(os.environ)
        args = ["--calendar", "package"]
    done = subprocess.run(
        [str(SANXING), "deadline", "-", *args],
        input="2025-09-30 1d\n2026-02-06 5wd\n2026-13-01 1d\n2027-03-01 10d\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode != 0
    lines = done.stdout.splitlines()
    assert lines[0].startswith("2025-10-09 ")
    assert "2025-10-01 National Day holiday" in lines[0]
    assert lines[1].startswith("2026-02-13 ")
    assert lines[2].startswith("2027-03-11 ")
    assert "Provisional" in lines[2]
    assert "line 3:" in done.stderr
    assert "1 line(s) failed" in done.stderr


def test_calendar_load_is_idempotent():
    out, _ = run("calendar", "load")
    assert "nothing to load" in out


def test_calendar_import_from_csv(tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text(
        "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-06,workday,春節\n", encoding="utf-8"
    )
    out, _ = run("calendar", "import", str(path), "--year", "2027")
    assert "imported 2 days" in out
    assert CalendarYear.objects.get(year=2027).loaded
    assert CalendarDay.objects.filter(date__year=2027).count() == 2


def test_calendar_import_lists_every_bad_row_and_saves_nothing(tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text(
        "date,kind,name\n2027-02-30,holiday,x\n2027-03-03,workday,x\n2028-01-01,holiday,x\n"
        "2027-01-01,party,x\n",
        encoding="utf-8",
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("calendar", "import", str(path), "--year", "2027", stderr=err)
    lines = err.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines] == ["Row 2", "Row 3", "Row 4", "Row 5"]
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_calendar_import_from_xlsx(tmp_path):
    import datetime as dt

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.worksheets[0]
    sheet.append(["date", "kind", "name"])
    sheet.append([dt.datetime(2027, 10, 1), "holiday", "國慶節"])  # noqa: DTZ001
    sheet.append(["2027-10-09", "workday", "國慶節"])
    path = tmp_path / "2027.xlsx"
    book.save(path)
    out, _ = run("calendar", "import", str(path), "--year", "2027")
    assert "imported 2 days" in out
