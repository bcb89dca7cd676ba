"""The seat plan the clerk edits: by role by default; pins, swaps, cleared and reserved seats;
generated again with or without the pins; a pinned person who leaves the roster frees the
seat; a seat taken twice refused; every change recorded; two clerks editing (issue 4)."""

import io
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from sanxing.core.errors import BusinessError, StaleEdit
from sanxing.core.services import record_soft_delete
from sanxing.gatherings import logistics
from sanxing.gatherings.models import SeatPin
from sanxing.gatherings.tests.conftest import Meeting, P

pytestmark = pytest.mark.django_db


def _room(meeting: Meeting, capacity: int = 8, per_row: int = 3):
    return logistics.room_add(
        congress=meeting.world.congress,
        name="常委會會議室",
        capacity=capacity,
        seats_per_row=per_row,
        by=meeting.world.clerk,
    )


def _names(plan: logistics.SeatPlan) -> dict[str, str]:
    return {s.label: s.person_name for row in plan.grid for s in row}


def test_the_default_plan_is_by_role_with_free_seats_in_the_grid(meeting: Meeting):
    g = meeting.gathering
    plan = logistics.seat_plan(g, _room(meeting))
    assert [len(r) for r in plan.grid] == [3, 3, 2] and plan.version == 0
    assert plan.seated == g.roster.count() == 6 and not plan.unseated
    assert plan.grid[1][2].capacity == "non_voting"  # the head after the five members
    assert not plan.grid[2][0].taken and not plan.grid[2][0].reserved
    # The dais: the director takes the first seat, whatever the name order.
    director = meeting.world.director.person
    assert director is not None and plan.grid[0][0].person_id == director.pk


def test_pin_swap_clear_reserve_and_the_history(meeting: Meeting):
    w, g = meeting.world, meeting.gathering
    room = _room(meeting)
    head, member = meeting.head, P(w.member)
    plan = logistics.seat_pin(gathering=g, room=room, person=head, row=1, number=1, by=w.clerk)
    assert _names(plan)["1-1"] == head.name and plan.grid[0][0].pinned and plan.version == 1
    assert plan.seated == 6  # everyone else moved along
    # The same seat for someone else: refused, naming who has it.
    with translation.override("en"), pytest.raises(BusinessError) as exc:
        logistics.seat_pin(gathering=g, room=room, person=member, row=1, number=1, by=w.clerk)
    assert exc.value.code == "seat_taken" and head.name in exc.value.message
    # A seat outside the room.
    with pytest.raises(BusinessError) as exc:
        logistics.seat_pin(gathering=g, room=room, person=member, row=3, number=3, by=w.clerk)
    assert exc.value.code == "no_such_seat"
    # Someone not on the roster.
    with pytest.raises(BusinessError):
        logistics.seat_pin(
            gathering=g, room=room, person=P(w.outsider), row=2, number=1, by=w.clerk
        )
    # Swap: both pinned to each other's seat.
    before = logistics.seat_plan(g, room)
    member_seat = before.seat_of(member.pk)
    assert member_seat is not None
    plan = logistics.seat_swap(gathering=g, room=room, first=head, second=member, by=w.clerk)
    assert _names(plan)["1-1"] == member.name
    assert _names(plan)[member_seat.label] == head.name
    # Reserve a seat: nobody sits there, and pinning to it is refused.
    plan = logistics.seat_clear(gathering=g, room=room, row=3, number=1, reserve=True, by=w.clerk)
    assert plan.grid[2][0].reserved and not plan.grid[2][0].taken
    with pytest.raises(BusinessError):
        logistics.seat_pin(gathering=g, room=room, person=head, row=3, number=1, by=w.clerk)
    # Clear the member's pin: back to the order by role.
    plan = logistics.seat_clear(gathering=g, room=room, row=1, number=1, by=w.clerk)
    assert not plan.grid[0][0].pinned
    history = SeatPin.history.all()
    assert {h.history_user for h in history} == {w.clerk}
    assert {h.history_type for h in history} >= {"+", "~"}
    assert logistics.seat_plan_changes(logistics.seat_plan(g, room))[0].history_user == w.clerk


def test_regenerate_keeps_pins_unless_confirmed(meeting: Meeting):
    w, g = meeting.world, meeting.gathering
    room = _room(meeting)
    logistics.seat_pin(gathering=g, room=room, person=meeting.head, row=1, number=1, by=w.clerk)
    logistics.seat_clear(gathering=g, room=room, row=3, number=2, reserve=True, by=w.clerk)
    plan = logistics.seat_plan_reset(gathering=g, room=room, by=w.clerk)
    assert plan.grid[0][0].pinned and plan.grid[2][1].reserved
    with pytest.raises(BusinessError) as exc:
        logistics.seat_plan_reset(gathering=g, room=room, drop_pins=True, by=w.clerk)
    assert exc.value.code == "confirm_required" and SeatPin.objects.count() == 2
    plan = logistics.seat_plan_reset(
        gathering=g, room=room, drop_pins=True, confirm=True, by=w.clerk
    )
    assert not SeatPin.objects.exists() and not plan.grid[0][0].pinned
    assert plan.grid[1][2].capacity == "non_voting"


def test_a_pinned_person_who_leaves_the_roster_frees_the_seat(meeting: Meeting):
    w, g = meeting.world, meeting.gathering
    room = _room(meeting)
    logistics.seat_pin(gathering=g, room=room, person=meeting.head, row=3, number=2, by=w.clerk)
    record_soft_delete(obj=g.roster.get(person=meeting.head), by=w.clerk)
    with translation.override("en"):
        plan = logistics.seat_plan(g, room)
    assert not plan.grid[2][1].taken and plan.seated == 5
    assert plan.warnings and meeting.head.name in plan.warnings[0]
    # The freed seat may be given to someone else.
    plan = logistics.seat_pin(
        gathering=g, room=room, person=P(w.member), row=3, number=2, by=w.clerk
    )
    assert _names(plan)["3-2"] == P(w.member).name


def test_two_clerks_editing_the_second_is_told(meeting: Meeting):
    w, g = meeting.world, meeting.gathering
    room = _room(meeting)
    opened = logistics.seat_plan(g, room).version
    logistics.seat_pin(
        gathering=g, room=room, person=meeting.head, row=1, number=1, version=opened, by=w.clerk
    )
    with pytest.raises(StaleEdit):
        logistics.seat_clear(
            gathering=g, room=room, row=2, number=1, reserve=True, version=opened, by=w.clerk
        )
    assert SeatPin.objects.count() == 1


def test_the_page_edits_prints_and_refuses_others(meeting: Meeting, django_assert_num_queries):
    w, g = meeting.world, meeting.gathering
    room = _room(meeting)
    clerk = Client(HTTP_ACCEPT_LANGUAGE="en")
    clerk.force_login(w.clerk)
    url = reverse("gatherings:seat_plan", args=[g.pk, room.pk])
    r = clerk.post(url, {"action": "pin", "person": meeting.head.pk, "seat": "1-1", "version": 0})
    assert r.status_code == 302
    r = clerk.post(url, {"action": "pin", "person": P(w.member).pk, "seat": "1-1", "version": 1})
    assert r.status_code == 400 and "already taken by" in r.content.decode()
    r = clerk.post(url, {"action": "reserve", "seat": "3-2", "version": 0})
    assert r.status_code == 409 and "Someone else changed" in r.content.decode()
    assert clerk.post(url, {"action": "reserve", "seat": "3-2", "version": 1}).status_code == 302
    r = clerk.post(url, {"action": "reset", "drop_pins": "1", "version": 2})
    assert r.status_code == 400 and SeatPin.objects.count() == 2
    assert clerk.post(url, {"action": "nonsense"}).status_code == 400
    with django_assert_num_queries(12):
        page = clerk.get(url)
    body = page.content.decode()
    assert page.status_code == 200 and "pinned" in body and "reserved" in body
    assert meeting.head.name in body and 'id="seat-changes"' in body
    xlsx = clerk.get(url + "?format=xlsx")
    sheet: Any = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 1 + room.capacity and sheet.cell(row=2, column=4).value == "市長"
    pdf = clerk.get(url + "?format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    for user in (w.outsider, w.member):
        c = Client()
        c.force_login(user)
        assert c.get(url).status_code == 404
        assert c.post(url, {"action": "clear", "seat": "1-1"}).status_code == 404
    assert SeatPin.objects.count() == 2


API = "/api/v1"
JSON = "application/json"


def test_the_api_pins_swaps_clears_and_resets(meeting: Meeting):
    w, g = meeting.world, meeting.gathering
    room = _room(meeting)
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(w.clerk)
    base = f"{API}/gatherings/{g.pk}/seat-plan"
    r = c.get(f"{base}?room_id={room.pk}")
    assert r.status_code == 200 and r.json()["version"] == 0
    assert len(r.json()["grid"]) == 3 and r.json()["seated"] == 6
    pin = {"room_id": room.pk, "person_id": meeting.head.pk, "row": 1, "number": 1, "version": 0}
    r = c.put(f"{base}/pins", pin, content_type=JSON)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["grid"][0][0]["person_name"] == "市長" and body["grid"][0][0]["pinned"]
    taken = dict(pin, person_id=P(w.member).pk, version=1)
    r = c.put(f"{base}/pins", taken, content_type=JSON)
    assert r.status_code == 400 and r.json()["code"] == "seat_taken"
    assert "市長" in r.json()["message"]
    r = c.post(
        f"{base}/clear",
        {"room_id": room.pk, "row": 3, "number": 2, "reserve": True, "version": 0},
        content_type=JSON,
    )
    assert r.status_code == 409 and r.json()["code"] == "stale"
    r = c.post(
        f"{base}/swap",
        {
            "room_id": room.pk,
            "first_person_id": meeting.head.pk,
            "second_person_id": P(w.member).pk,
        },
        content_type=JSON,
    )
    assert r.status_code == 200 and r.json()["grid"][0][0]["person_id"] == P(w.member).pk
    r = c.post(
        f"{base}/clear",
        {"room_id": room.pk, "row": 3, "number": 2, "reserve": True},
        content_type=JSON,
    )
    assert r.status_code == 200 and r.json()["grid"][2][1]["reserved"]
    r = c.post(f"{base}/reset", {"room_id": room.pk, "drop_pins": True}, content_type=JSON)
    assert r.status_code == 400 and r.json()["field"] == "confirm"
    r = c.post(
        f"{base}/reset", {"room_id": room.pk, "drop_pins": True, "confirm": True}, content_type=JSON
    )
    assert r.status_code == 200 and not SeatPin.objects.exists()
    r = c.put(f"{base}/pins", dict(pin, row=9, version=None), content_type=JSON)
    assert r.status_code == 400 and r.json()["code"] == "no_such_seat"
    # The outsider and the member are refused (404), and nothing is written.
    for user in (w.outsider, w.member):
        other = Client()
        other.force_login(user)
        assert other.get(f"{base}?room_id={room.pk}").status_code == 404
        assert other.put(f"{base}/pins", pin, content_type=JSON).status_code == 404
        assert other.post(f"{base}/clear", pin, content_type=JSON).status_code == 404
        swap = {"room_id": room.pk, "first_person_id": 1, "second_person_id": 2}
        assert other.post(f"{base}/swap", swap, content_type=JSON).status_code == 404
        reset = {"room_id": room.pk}
        assert other.post(f"{base}/reset", reset, content_type=JSON).status_code == 404
    assert not SeatPin.objects.exists()
