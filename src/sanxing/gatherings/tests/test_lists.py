"""The printable and Excel lists at the API: the same tables as the pages, as xlsx or PDF;
the outsider, the member and another congress's clerk refused; an unknown list is a 404 in
the error shape (issue 4)."""

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from sanxing.core.excel import XLSX_CONTENT_TYPE
from sanxing.gatherings import logistics
from sanxing.gatherings.models import DietaryNeed, Meal
from sanxing.gatherings.tests.conftest import Meeting, P
from sanxing.people.models import Congress, Organisation, Role
from sanxing.people.testing import give_role, make_user

pytestmark = pytest.mark.django_db
API = "/api/v1"


def _client(user) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(user)
    return c


def _other_congress_clerk() -> Any:
    congress = Congress.objects.create(code="other", name="另一市人民代表大會", short_name="另一市")
    office = Organisation.objects.create(
        congress=congress, kind=Organisation.Kind.OFFICE_BODY, name="辦公室", code="office"
    )
    clerk = make_user(congress, "other_clerk", "另一秘書")
    give_role(clerk, office, Role.Kind.STAFF)
    return clerk


@pytest.fixture
def prepared(meeting: Meeting) -> Meeting:
    w, g = meeting.world, meeting.gathering
    day = g.starts_at.date()
    room = logistics.room_add(
        congress=w.congress, name="常委會會議室", capacity=8, seats_per_row=4, by=w.clerk
    )
    logistics.room_book(gathering=g, room=room, by=w.clerk)
    logistics.accommodation_add(
        gathering=g,
        person=P(w.member),
        hotel="示範市賓館",
        check_in_on=day,
        check_out_on=day + dt.timedelta(days=1),
        room_number="808",
        by=w.clerk,
    )
    logistics.meal_add(gathering=g, day=day, kind=Meal.Kind.LUNCH, extra=2, by=w.clerk)
    logistics.dietary_need_add(
        gathering=g, person=P(w.member), need=DietaryNeed.Need.HALAL, by=w.clerk
    )
    vehicle = logistics.vehicle_add(gathering=g, plate="示A·12345", seats=4, by=w.clerk)
    logistics.pick_up_add(
        gathering=g,
        vehicle=vehicle,
        person=P(w.member),
        at=g.starts_at - dt.timedelta(hours=1),
        from_place="火車站",
        to_place="賓館",
        by=w.clerk,
    )
    logistics.supply_add(gathering=g, title="礦泉水", quantity=50, by=w.clerk)
    meeting.room = room  # type: ignore[attr-defined]
    return meeting


def test_every_list_as_excel_matches_the_page_and_as_pdf(prepared: Meeting):
    w, g, room = prepared.world, prepared.gathering, prepared.room  # type: ignore[attr-defined]
    c = _client(w.clerk)
    base = f"{API}/gatherings/{g.pk}/lists"
    expected = {
        "rooms": "常委會會議室",
        "accommodation": "808",
        "meals": 8,  # six on the roster plus two extra covers
        "pickups": "火車站",
        "supplies": "礦泉水",
        "seat-plan": "1-1",
        "attendance": prepared.head.name,
        "roster": prepared.head.name,
    }
    for name in logistics.LIST_NAMES:
        query = f"?room_id={room.pk}" if name == "seat-plan" else ""
        r = c.get(f"{base}/{name}{query}")
        assert r.status_code == 200 and r["Content-Type"] == XLSX_CONTENT_TYPE, name
        assert "attachment" in r["Content-Disposition"]
        sheet: Any = openpyxl.load_workbook(io.BytesIO(r.content)).active
        values = [v for row in sheet.iter_rows(values_only=True) for v in row]
        assert expected[name] in values, (name, values)
        pdf = c.get(f"{base}/{name}{query}{'&' if query else '?'}format=pdf")
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf", name
        assert pdf.content.startswith(b"%PDF")
    # The meal list has the dietary needs, like the page.
    meals: Any = openpyxl.load_workbook(io.BytesIO(c.get(f"{base}/meals").content)).active
    assert "1" in str(meals.cell(row=2, column=7).value)
    # The page's workbook is the same table.
    page = c.get(reverse("gatherings:logistics_export", args=[g.pk, "meals"]))
    page_sheet: Any = openpyxl.load_workbook(io.BytesIO(page.content)).active
    assert [list(r) for r in page_sheet.iter_rows(values_only=True)] == [
        list(r) for r in meals.iter_rows(values_only=True)
    ]


def test_unknown_list_room_or_format(prepared: Meeting):
    w, g = prepared.world, prepared.gathering
    c = _client(w.clerk)
    base = f"{API}/gatherings/{g.pk}/lists"
    r = c.get(f"{base}/nonsense")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    r = c.get(f"{base}/seat-plan")
    assert r.status_code == 400 and r.json()["field"] == "room_id"
    assert c.get(f"{base}/seat-plan?room_id=999999").status_code == 404
    r = c.get(f"{base}/meals?format=doc")
    assert r.status_code == 422 and r.json()["code"] == "invalid_input"


def test_the_outsider_member_and_another_congress_are_refused(prepared: Meeting):
    w, g, room = prepared.world, prepared.gathering, prepared.room  # type: ignore[attr-defined]
    base = f"{API}/gatherings/{g.pk}/lists"
    for user in (w.outsider, w.member, _other_congress_clerk()):
        c = _client(user)
        for name in ("meals", "roster", "seat-plan", "nonsense"):
            r = c.get(f"{base}/{name}?room_id={room.pk}&format=pdf")
            assert r.status_code == 404 and r.json()["code"] == "not_found", (user, name)
            assert b"%PDF" not in r.content
    assert Client().get(f"{base}/meals").status_code == 401


def test_the_list_costs_the_same_whatever_its_length(prepared: Meeting, django_assert_num_queries):
    w, g = prepared.world, prepared.gathering
    c = _client(w.clerk)
    with django_assert_num_queries(5):
        assert c.get(f"{API}/gatherings/{g.pk}/lists/pickups").status_code == 200
    for i in range(3):
        logistics.supply_add(gathering=g, title=f"物品{i}", by=w.clerk)
    with django_assert_num_queries(5):
        assert c.get(f"{API}/gatherings/{g.pk}/lists/supplies").status_code == 200


def test_the_logistics_page_prints_each_list_and_refuses_others(prepared: Meeting):
    """The page's printable lists: the same table as the workbook, as an A4 PDF, linked from
    the logistics page; the member and another congress's clerk are refused."""
    w, g = prepared.world, prepared.gathering
    c = _client(w.clerk)
    page = c.get(reverse("gatherings:logistics", args=[g.pk])).content.decode()
    for name in ("rooms", "accommodation", "meals", "pickups", "supplies"):
        url = reverse("gatherings:logistics_print", args=[g.pk, name])
        assert f'href="{url}"' in page, name
        r = c.get(url)
        assert r.status_code == 200 and r["Content-Type"] == "application/pdf", name
        assert r.content.startswith(b"%PDF")
    assert c.get(reverse("gatherings:logistics_print", args=[g.pk, "seat-plan"])).status_code == 404
    assert c.get(reverse("gatherings:logistics_print", args=[g.pk, "nonsense"])).status_code == 404
    for user in (w.outsider, w.member, _other_congress_clerk()):
        url = reverse("gatherings:logistics_print", args=[g.pk, "meals"])
        assert _client(user).get(url).status_code == 404


def test_the_logistics_page_offers_every_list_as_excel_and_pdf(prepared: Meeting):
    """Every list the page names has both downloads, each answering with its type; the
    attendance list and the roster too; others get 404 for every link."""
    w, g = prepared.world, prepared.gathering
    c = _client(w.clerk)
    page = c.get(reverse("gatherings:logistics", args=[g.pk])).content.decode()
    names = [name for name, _title in logistics.PAGE_LISTS]
    assert sorted(names) == sorted(n for n in logistics.LIST_NAMES if n != "seat-plan")
    expected = {
        "rooms": "常委會會議室",
        "accommodation": "808",
        "meals": 8,
        "pickups": "火車站",
        "supplies": "礦泉水",
        "attendance": prepared.head.name,
        "roster": prepared.head.name,
    }
    urls = []
    for name in names:
        xlsx = reverse("gatherings:logistics_export", args=[g.pk, name])
        pdf = reverse("gatherings:logistics_print", args=[g.pk, name])
        assert f'href="{xlsx}"' in page and f'href="{pdf}"' in page, name
        urls += [xlsx, pdf]
        r = c.get(xlsx)
        assert r.status_code == 200 and r["Content-Type"] == XLSX_CONTENT_TYPE, name
        sheet: Any = openpyxl.load_workbook(io.BytesIO(r.content)).active
        assert expected[name] in [v for row in sheet.iter_rows(values_only=True) for v in row]
        r = c.get(pdf)
        assert r.status_code == 200 and r["Content-Type"] == "application/pdf", name
        assert r.content.startswith(b"%PDF") and "attachment" in r["Content-Disposition"]
    for user in (w.outsider, w.member, _other_congress_clerk()):
        other = _client(user)
        for url in urls:
            r = other.get(url)
            assert r.status_code == 404 and not r.content.startswith(b"%PDF"), (user, url)
    assert Client().get(urls[0]).status_code == 302  # to sign in


def test_the_attendance_pdf_and_the_lists_read_the_same_lines(prepared: Meeting, monkeypatch):
    """One function makes the attendance lines (name, capacity, status incl. on leave): the
    preparation page's PDF, the page's workbook and the list PDF show the same rows."""
    from django.template.loader import render_to_string
    from django.utils import translation

    from sanxing.gatherings import services, views_preparation

    w, g = prepared.world, prepared.gathering
    services.leave_request(
        gathering=g,
        person=prepared.extra[0],
        reason="出差",
        by=w.clerk,
        at=g.starts_at - dt.timedelta(days=1),
    )
    services.leave_decide(leave=g.leave_requests.get(), approve=True, by=w.clerk)
    with translation.override("en"):
        lines, summary = logistics.attendance_lines(g)
    assert [line.n for line in lines] == list(range(1, g.roster.count() + 1))
    leave = next(line for line in lines if line.name == prepared.extra[0].name)
    assert leave.status == "on leave"
    assert sum(summary.values()) == len(lines) and summary["leave"] == 1

    c = _client(w.clerk)
    sheet: Any = openpyxl.load_workbook(
        io.BytesIO(c.get(reverse("gatherings:logistics_export", args=[g.pk, "attendance"])).content)
    ).active
    assert [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)] == [
        [v if v != "" else None for v in line.as_row()]
        for line in lines  # blank cells
    ]

    seen: list[dict[str, Any]] = []
    real = views_preparation.render_pdf

    def capture(template, context, **kw):
        seen.append(context)
        assert "Signature" in render_to_string(template, context)
        return real(template, context, **kw)

    monkeypatch.setattr(views_preparation, "render_pdf", capture)
    monkeypatch.setattr("sanxing.core.pdf.render_pdf", capture)
    for url in (
        reverse("gatherings:attendance_pdf", args=[g.pk]),
        reverse("gatherings:logistics_print", args=[g.pk, "attendance"]),
    ):
        r = c.get(url)
        assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert len(seen) == 2
    assert [line.as_row() for line in seen[0]["lines"]] == [line.as_row() for line in lines]
    assert [line.as_row() for line in seen[1]["lines"]] == [line.as_row() for line in lines]
    assert seen[0]["summary"] == seen[1]["summary"] == summary
