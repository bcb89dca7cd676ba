"""Importing past records: every clock as if live, all-or-nothing unless --skip-bad."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sanxing.casework import kinds, selectors
from sanxing.casework.kinds import Purpose
from sanxing.casework.models import Clock, Item

pytestmark = pytest.mark.django_db

HEADER = "number,title,submitted_on,deputies,topic,lead_unit,co_units,assigned_on,hard,replied_on,reply_class,evaluation,evaluated_on,closed_on\n"
GOOD = [
    "1,關於增加學位的建議,2025-01-15,陳代表,education,市教育局,市交通運輸局,2025-01-20,否,2025-03-20,A,滿意,2025-03-30,\n",
    "2,關於公交線路的建議,2025-01-16,陳代表,transport,市交通運輸局,,2025-01-20,是,,,,,\n",
]
BAD = "3,,2025-01-17,無名氏,education,市不存在局,,2025-01-10,maybe,,,,,\n"


def write(tmp_path, lines):
    path = tmp_path / "past.csv"
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return str(path)


def test_import_computes_the_clocks_as_if_live(world, tmp_path):
    out = io.StringIO()
    call_command("casework", "import", write(tmp_path, GOOD), "--kind", "suggestion", stdout=out)
    assert "2 items imported" in out.getvalue()
    # PostgreSQL's statistics refreshed after the import (SQLite keeps none)
    from django.db import connection

    assert ("ANALYZE" in out.getvalue()) == (connection.vendor == "postgresql")
    first = Item.objects.get(number=1)
    assert first.state == kinds.CLOSED and first.originators.get().person == world.deputy.person
    reply = Clock.objects.get(item=first, purpose=Purpose.REPLY)
    assert reply.due_on == dt.date(2025, 4, 21)  # 20 April 2025 is a Sunday
    assert reply.stopped_on == dt.date(2025, 3, 20)
    hard = Clock.objects.get(item__number=2, purpose=Purpose.REPLY)
    assert hard.due_on == dt.date(2025, 7, 21) and hard.stopped_on is None  # 6 months: Sunday
    rows = selectors.rates(
        selectors.RateQuery(
            congress_id=world.congress.pk,
            kind="suggestion",
            date_from=dt.date(2025, 1, 1),
            date_to=dt.date(2025, 12, 31),
            as_of=dt.date(2026, 1, 1),
        )
    )
    total = rows[-1]
    assert total.counts["assigned"] == 2 and total.counts["open_overdue"] == 1
    assert total.on_time_rate == 0.5 and total.satisfaction_rate == 1.0


def test_a_bad_row_stops_the_import_and_names_every_problem(world, tmp_path):
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "casework", "import", write(tmp_path, [*GOOD, BAD]), "--kind", "suggestion", stderr=err
        )
    text = err.getvalue()
    assert "row 4" in text and "無名氏" in text and "市不存在局" in text and "maybe" in text
    assert not Item.objects.exists()


def test_skip_bad_imports_the_good_rows(world, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "casework",
        "import",
        write(tmp_path, [*GOOD, BAD]),
        "--kind",
        "suggestion",
        "--skip-bad",
        stdout=out,
        stderr=err,
    )
    assert "2 items imported" in out.getvalue() and "row 4" in err.getvalue()
    assert Item.objects.count() == 2
    with pytest.raises(CommandError):  # the same numbers again
        call_command("casework", "import", write(tmp_path, GOOD), "--kind", "suggestion")


def test_import_letters_from_excel(world, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(
        [
            "number",
            "title",
            "submitted_on",
            "petitioner",
            "assigned_on",
            "lead_unit",
            "replied_on",
            "reply_class",
            "closed_on",
        ]
    )
    ws.append(
        [
            7,
            "小區漏水",
            dt.date(2025, 9, 26),
            "張三",
            dt.date(2025, 9, 30),
            "市教育局",
            dt.date(2025, 11, 1),
            "explain",
            dt.date(2025, 12, 15),
        ]
    )
    path = tmp_path / "letters.xlsx"
    wb.save(path)
    call_command("casework", "import", str(path), "--kind", "letter", stdout=io.StringIO())
    letter = Item.objects.get(kind="letter")
    assert letter.state == kinds.CLOSED and letter.tracking_code
    register = Clock.objects.get(item=letter, purpose=Purpose.REGISTER)
    assert register.due_on == dt.date(2025, 10, 11)


def test_every_imported_row_has_its_creation_in_history_by_the_importer(
    world, tmp_path, django_assert_max_num_queries
):
    from sanxing.casework.imports import import_rows, read_rows
    from sanxing.casework.models import Assignment, Evaluation, ItemOriginator, Reply

    rows = read_rows(Path(write(tmp_path, GOOD)))
    many = [
        {**row, "number": str(n), "title": f"{row['title']}{n}"}
        for n, row in enumerate(rows * 20, start=1)
    ]
    from sanxing.casework.services import workflow_for

    workflow_for(world.congress, "suggestion")  # seeded on first use: not part of the count
    # A few bulk inserts, whatever the number of rows: no per-row save() or query.
    with django_assert_max_num_queries(30):  # 40 rows: about the same for 4 or 400
        report = import_rows(congress=world.congress, kind="suggestion", rows=many, by=world.clerk)
    assert report.imported == 40 and not report.errors
    for model in (Item, ItemOriginator, Assignment, Clock, Reply, Evaluation):
        objects = model.objects.all()
        assert objects.exists(), model
        history = model.history.filter(history_type="+")
        assert history.count() == objects.count(), model
        assert set(history.values_list("history_user", flat=True)) == {world.clerk.pk}, model
        assert set(history.values_list("history_change_reason", flat=True)) == {"import"}, model
    # each historical item holds the final state (one creation row, nothing half-written)
    first = Item.objects.get(number=1)
    assert first.history.get().state == first.state == kinds.CLOSED


def test_imported_letters_have_history_too(world, tmp_path):
    path = tmp_path / "letters.csv"
    path.write_text(
        "number,title,submitted_on,petitioner,lead_unit,assigned_on,replied_on,reply_class\n"
        "1,路燈不亮,2025-02-03,張三,市教育局,2025-02-05,2025-03-01,support\n",
        encoding="utf-8",
    )
    call_command("casework", "import", str(path), "--kind", "letter", "--by", "clerk")
    letter = Item.objects.get()
    assert letter.history.get().history_change_reason == "import"
    assert letter.history.get().history_user == world.clerk
    assert Clock.history.filter(item_id=letter.pk).count() == letter.clocks.count() == 2
