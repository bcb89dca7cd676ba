"""The calendar feeds parse as RFC 5545: read by an independent parser (the ``icalendar``
package, ``Calendar.from_ical``) that must find the right events, and checked line by line by
a small strict parser (CRLF, folding at 75 octets, balanced components)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import icalendar
import pytest
from django.test import Client
from django.urls import reverse

from sanxing.gatherings import ical, services
from sanxing.gatherings.models import Gathering
from sanxing.gatherings.tests.conftest import Meeting

pytestmark = pytest.mark.django_db


def parse(text: str) -> list[dict]:
    """Strictly parse an iCalendar stream; returns the VEVENTs as dicts of property → value."""
    raw = text.encode("utf-8")
    assert raw.endswith(b"\r\n"), "ends with CRLF"
    physical = raw.split(b"\r\n")[:-1]
    for line in physical:
        assert b"\n" not in line and b"\r" not in line, "bare LF or CR"
        assert len(line) <= 75, f"line longer than 75 octets: {line!r}"
        line.decode("utf-8")  # folding never splits a character
    logical: list[str] = []
    for line in physical:
        text_line = line.decode("utf-8")
        if text_line.startswith((" ", "\t")):
            assert logical, "continuation before any line"
            logical[-1] += text_line[1:]
        else:
            logical.append(text_line)
    stack: list[str] = []
    events: list[dict] = []
    current: dict | None = None
    for entry in logical:
        name, sep, value = entry.partition(":")
        assert sep, f"no colon: {entry!r}"
        prop = name.split(";", 1)[0]
        if prop == "BEGIN":
            stack.append(value)
            if value == "VEVENT":
                current = {}
        elif prop == "END":
            assert stack and stack[-1] == value, f"END:{value} does not close {stack}"
            stack.pop()
            if value == "VEVENT":
                assert current is not None
                for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
                    assert required in current, f"{required} missing"
                events.append(current)
                current = None
        elif current is not None:
            current[prop] = value
    assert stack == [], "unbalanced BEGIN/END"
    assert logical[0] == "BEGIN:VCALENDAR" and "VERSION:2.0" in logical
    assert any(line.startswith("PRODID:") for line in logical)
    return events


def independent(text: str | bytes) -> list[Any]:
    """The VEVENTs as the icalendar package reads them (it raises on a malformed stream)."""
    cal = icalendar.Calendar.from_ical(text)
    assert cal.name == "VCALENDAR"
    assert str(cal["VERSION"]) == "2.0" and cal.get("PRODID")
    return list(cal.walk("VEVENT"))


def test_folding_never_splits_a_character():
    line = "SUMMARY:" + "關於示範市國民經濟和社會發展計劃執行情況的報告" * 4
    folded = ical.fold(line)
    for piece in folded.split("\r\n"):
        assert len(piece.encode("utf-8")) <= 75
    assert folded.replace("\r\n ", "") == line
    assert ical.escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_year_calendar_has_every_meeting(meeting: Meeting):
    w = meeting.world
    services.gathering_plan(
        congress=w.congress,
        kind="directors_meeting",
        title="主任會議, 第二十次; 長標題" * 3,
        starts_at=meeting.gathering.starts_at - dt.timedelta(days=7),
        ends_at=meeting.gathering.starts_at - dt.timedelta(days=7, hours=-2),
        by=w.clerk,
    )
    events = parse(ical.year_calendar(w.congress, 2026))
    assert len(events) == 2
    committee = next(e for e in events if e["UID"] == f"gathering-{meeting.gathering.pk}@127.0.0.1")
    assert committee["DTSTART"] == "20261218T010000Z" and committee["DTEND"] == "20261218T050000Z"
    assert committee["LOCATION"] == "常委會會議室"
    assert parse(ical.year_calendar(w.congress, 2025)) == []

    read = independent(ical.year_calendar(w.congress, 2026))
    by_uid = {str(e["UID"]): e for e in read}
    assert set(by_uid) == {f"gathering-{g.pk}@127.0.0.1" for g in Gathering.objects.all()}
    ev = by_uid[f"gathering-{meeting.gathering.pk}@127.0.0.1"]
    assert ev.decoded("DTSTART") == meeting.gathering.starts_at
    assert ev.decoded("DTEND") == meeting.gathering.ends_at
    assert str(ev["SUMMARY"]) == meeting.gathering.title
    assert str(ev["LOCATION"]) == "常委會會議室"
    directors = next(e for e in read if e is not ev)
    # commas, semicolons and folding of a long Chinese title come back intact
    assert str(directors["SUMMARY"]) == "主任會議, 第二十次; 長標題" * 3
    assert directors.decoded("DTEND") - directors.decoded("DTSTART") == dt.timedelta(hours=2)
    assert independent(ical.year_calendar(w.congress, 2025)) == []


def test_personal_feed_by_secret_url_and_revocable(meeting: Meeting):
    w, g = meeting.world, meeting.gathering
    services.checklist_generate(gathering=g, owner=w.member, by=w.clerk)
    c = Client()
    c.force_login(w.member)
    page = c.get(reverse("gatherings:my_calendar"))
    assert page.status_code == 200
    _feed, raw = ical.feed_issue(user=w.member)
    url = reverse("gatherings:feed", args=[raw])
    anonymous = Client()
    response = anonymous.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = parse(response.content.decode())
    assert any(e["SUMMARY"] == g.title for e in events)
    tasks = [e for e in events if e["UID"].startswith("gathering-task-")]
    assert len(tasks) == 9 and all(e.get("DTSTART", "").isdigit() for e in tasks)
    read = independent(response.content)
    meetings = [e for e in read if str(e["UID"]) == f"gathering-{g.pk}@127.0.0.1"]
    assert len(meetings) == 1 and meetings[0].decoded("DTSTART") == g.starts_at
    read_tasks = {str(e["UID"]): e for e in read if str(e["UID"]).startswith("gathering-task-")}
    for task in g.checklist.all():
        ev = next(
            e for uid, e in read_tasks.items() if uid.startswith(f"gathering-task-{task.pk}@")
        )
        assert ev.decoded("DTSTART") == task.due_on  # an all-day date, not a datetime
        assert str(ev["SUMMARY"]) == task.title
    c.post(reverse("gatherings:my_calendar"))
    assert anonymous.get(url).status_code == 404
    assert anonymous.get(reverse("gatherings:feed", args=["nonsense"])).status_code == 404
    # the outsider's feed has nothing of this meeting
    _outsider_feed, outsider_raw = ical.feed_issue(user=w.outsider)
    body = anonymous.get(reverse("gatherings:feed", args=[outsider_raw])).content.decode()
    assert parse(body) == [] and independent(body) == []


def test_year_export_is_for_the_office(meeting: Meeting):
    c = Client()
    c.force_login(meeting.world.outsider)
    assert c.get(reverse("gatherings:year_ics", args=[2026])).status_code == 404
    c.force_login(meeting.world.clerk)
    response = c.get(reverse("gatherings:year_ics", args=[2026]))
    assert len(parse(response.content.decode())) == 1
    (ev,) = independent(response.content)
    assert str(ev["SUMMARY"]) == meeting.gathering.title


def test_export_command_writes_the_year(meeting: Meeting, capsysbinary):
    from django.core.management import call_command

    call_command("gatherings_export", "--year", "2026")
    out = capsysbinary.readouterr().out.decode()
    assert len(parse(out)) == 1


def test_calendar_export_writes_the_year_with_crlf(meeting: Meeting, capsysbinary):
    from django.core.management import call_command

    call_command("calendar", "export", "--year", "2026")
    out = capsysbinary.readouterr().out
    assert out.startswith(b"BEGIN:VCALENDAR\r\n")
    assert len(parse(out.decode())) == 1
    assert [str(e["SUMMARY"]) for e in independent(out)] == [meeting.gathering.title]
