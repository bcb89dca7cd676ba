"""The logistics API: rooms, bookings (clash → 400 naming the other), accommodation, meals,
dietary needs, vehicles and pick-ups, supplies (issue 4)."""

import datetime as dt

import pytest
from django.test import Client

from sanxing.gatherings import logistics, services
from sanxing.gatherings.kinds import DIRECTORS_MEETING
from sanxing.gatherings.models import (
    Accommodation,
    Meal,
    PickUp,
    Room,
    RoomBooking,
    SupplyItem,
    Vehicle,
)
from sanxing.gatherings.tests.conftest import PID, Meeting

pytestmark = pytest.mark.django_db
API = "/api/v1"
JSON = "application/json"
H = dt.timedelta(hours=1)


def client_for(user) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(user)
    return c


def test_rooms_and_bookings_with_the_clash_named(meeting: Meeting, django_assert_num_queries):
    w, g = meeting.world, meeting.gathering
    c = client_for(w.clerk)
    r = c.post(f"{API}/rooms", {"name": " ", "capacity": 40}, content_type=JSON)
    assert r.status_code == 400 and r.json()["field"] == "name"
    r = c.post(f"{API}/rooms", {"name": "常委會會議室", "capacity": 40}, content_type=JSON)
    assert r.status_code == 201, r.content
    room_id = r.json()["id"]
    c.post(f"{API}/rooms", {"name": "第二會議室", "capacity": 20}, content_type=JSON)
    c.get(f"{API}/rooms")
    with django_assert_num_queries(5):
        r = c.get(f"{API}/rooms")
    assert r.json()["count"] == 2

    url = f"{API}/gatherings/{g.pk}/bookings"
    r = c.post(url, {"room_id": room_id, "purpose": "全體會議"}, content_type=JSON)
    assert r.status_code == 201, r.content
    assert r.json()["starts_at"] and r.json()["room"]["name"] == "常委會會議室"
    booking = RoomBooking.objects.get()
    assert booking.history.first().history_user == w.clerk
    other = services.gathering_plan(
        congress=w.congress,
        kind=DIRECTORS_MEETING,
        title="主任會議",
        starts_at=g.starts_at + 2 * H,
        ends_at=g.starts_at + 3 * H,
        by=w.clerk,
    )
    r = c.post(f"{API}/gatherings/{other.pk}/bookings", {"room_id": room_id}, content_type=JSON)
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "room_clash" and body["field"] == "room"
    assert g.title in body["message"] and "常委會會議室" in body["message"]
    r = c.post(url, {"room_id": 999999}, content_type=JSON)
    assert r.status_code == 400 and r.json()["field"] == "room_id"
    assert RoomBooking.objects.count() == 1
    c.get(url)
    with django_assert_num_queries(6):
        r = c.get(url)
    assert r.json()["count"] == 1
    # cancel: the room is free again
    assert c.delete(f"{API}/bookings/{booking.pk}").status_code == 204
    assert not RoomBooking.objects.exists()
    r = c.post(f"{API}/gatherings/{other.pk}/bookings", {"room_id": room_id}, content_type=JSON)
    assert r.status_code == 201


def test_accommodation_meals_needs_vehicles_pick_ups(meeting: Meeting, django_assert_num_queries):
    w, g = meeting.world, meeting.gathering
    c = client_for(w.clerk)
    day = g.starts_at.date()
    base = f"{API}/gatherings/{g.pk}"
    stay = {
        "person_id": PID(w.member),
        "hotel": "市政府招待所",
        "check_in_on": str(day),
        "check_out_on": str(day + dt.timedelta(days=1)),
        "room_number": "301",
    }
    assert c.post(f"{base}/accommodation", stay, content_type=JSON).status_code == 201
    r = c.post(f"{base}/accommodation", stay, content_type=JSON)
    assert r.status_code == 400 and r.json()["field"] == "person"
    r = c.post(f"{base}/accommodation", {**stay, "check_out_on": str(day)}, content_type=JSON)
    assert r.status_code == 400
    assert Accommodation.objects.count() == 1
    c.get(f"{base}/accommodation")
    with django_assert_num_queries(6):
        r = c.get(f"{base}/accommodation")
    assert r.json()["items"][0]["person"]["id"] == PID(w.member)

    r = c.post(
        f"{base}/dietary-needs", {"person_id": PID(w.member), "need": "halal"}, content_type=JSON
    )
    assert r.status_code == 201, r.content
    r = c.post(
        f"{base}/dietary-needs", {"person_id": PID(w.member), "need": "x"}, content_type=JSON
    )
    assert r.status_code == 400 and r.json()["field"] == "need"
    assert c.get(f"{base}/dietary-needs").json()["count"] == 1

    r = c.post(f"{base}/meals", {"day": str(day), "kind": "lunch", "extra": 2}, content_type=JSON)
    assert r.status_code == 201, r.content
    assert r.json()["total"] == r.json()["diners"] + 2 and r.json()["needs"]
    r = c.post(f"{base}/meals", {"day": str(day), "kind": "lunch"}, content_type=JSON)
    assert r.status_code == 400 and r.json()["field"] == "kind"
    assert Meal.objects.count() == 1
    assert c.get(f"{base}/meals").json()["items"][0]["kind"] == "lunch"

    r = c.post(f"{base}/vehicles", {"plate": "粵A12345", "seats": 1}, content_type=JSON)
    assert r.status_code == 201
    vid = r.json()["id"]
    r = c.post(f"{base}/vehicles", {"plate": " ", "seats": 4}, content_type=JSON)
    assert r.status_code == 400 and Vehicle.objects.count() == 1
    assert c.get(f"{base}/vehicles").json()["count"] == 1
    trip = {
        "vehicle_id": vid,
        "person_id": PID(w.member),
        "at": g.starts_at.isoformat(),
        "from_place": "高鐵站",
        "to_place": "招待所",
    }
    assert c.post(f"{base}/pick-ups", trip, content_type=JSON).status_code == 201
    r = c.post(f"{base}/pick-ups", {**trip, "person_id": PID(w.director)}, content_type=JSON)
    assert r.status_code == 400 and r.json()["field"] == "vehicle"  # one seat, taken
    assert PickUp.objects.count() == 1
    c.get(f"{base}/pick-ups")
    with django_assert_num_queries(6):
        r = c.get(f"{base}/pick-ups")
    assert r.json()["items"][0]["vehicle"]["plate"] == "粵A12345"


def test_supplies_added_and_toggled(meeting: Meeting, django_assert_num_queries):
    w, g = meeting.world, meeting.gathering
    c = client_for(w.clerk)
    url = f"{API}/gatherings/{g.pk}/supplies"
    r = c.post(url, {"title": " "}, content_type=JSON)
    assert r.status_code == 400 and r.json()["field"] == "title"
    r = c.post(url, {"title": "桌牌", "kind": "nonsense"}, content_type=JSON)
    assert r.status_code == 400 and r.json()["field"] == "kind"
    assert not SupplyItem.objects.exists()
    r = c.post(url, {"title": "桌牌", "quantity": 30}, content_type=JSON)
    assert r.status_code == 201 and r.json()["done_at"] is None
    sid = r.json()["id"]
    assert c.post(f"{API}/supplies/{sid}/toggle").json()["done_at"]
    assert c.post(f"{API}/supplies/{sid}/toggle").json()["done_at"] is None
    c.post(url, {"title": "礦泉水", "kind": "purchase"}, content_type=JSON)
    c.get(url)
    with django_assert_num_queries(6):
        r = c.get(url)
    assert r.json()["count"] == 2


def test_the_outsider_and_the_member_are_refused(meeting: Meeting):
    w, g = meeting.world, meeting.gathering
    room = logistics.room_add(congress=w.congress, name="會議室", capacity=10, by=w.clerk)
    booking = logistics.room_book(gathering=g, room=room, by=w.clerk)
    item = logistics.supply_add(gathering=g, title="桌牌", by=w.clerk)
    base = f"/gatherings/{g.pk}"
    calls = [
        ("get", "/rooms", None),
        ("post", "/rooms", {"name": "x", "capacity": 1}),
        ("get", f"{base}/bookings", None),
        ("post", f"{base}/bookings", {"room_id": room.pk}),
        ("delete", f"/bookings/{booking.pk}", None),
        ("get", f"{base}/accommodation", None),
        (
            "post",
            f"{base}/accommodation",
            {
                "person_id": 1,
                "hotel": "h",
                "check_in_on": "2026-12-18",
                "check_out_on": "2026-12-19",
            },
        ),
        ("get", f"{base}/meals", None),
        ("post", f"{base}/meals", {"day": "2026-12-18", "kind": "lunch"}),
        ("get", f"{base}/dietary-needs", None),
        ("post", f"{base}/dietary-needs", {"person_id": 1, "need": "halal"}),
        ("get", f"{base}/vehicles", None),
        ("post", f"{base}/vehicles", {"plate": "x", "seats": 1}),
        ("get", f"{base}/pick-ups", None),
        (
            "post",
            f"{base}/pick-ups",
            {
                "vehicle_id": 1,
                "person_id": 1,
                "at": "2026-12-18T09:00:00+08:00",
                "from_place": "a",
                "to_place": "b",
            },
        ),
        ("get", f"{base}/supplies", None),
        ("post", f"{base}/supplies", {"title": "x"}),
        ("post", f"/supplies/{item.pk}/toggle", None),
    ]
    for user in (w.outsider, w.member):
        c = client_for(user)
        for method, url, body in calls:
            kwargs = {"data": body, "content_type": JSON} if body is not None else {}
            r = getattr(c, method)(API + url, **kwargs)
            assert r.status_code == 404, (user, method, url, r.content)
            assert r.json()["code"] == "not_found"
    assert Room.objects.count() == 1 and RoomBooking.objects.count() == 1
    assert SupplyItem.objects.get().done_at is None and not Meal.objects.exists()


def test_the_seat_plan(meeting: Meeting):
    w, g = meeting.world, meeting.gathering
    room = logistics.room_add(
        congress=w.congress, name="小會議室", capacity=3, seats_per_row=2, by=w.clerk
    )
    c = client_for(w.clerk)
    r = c.get(f"{API}/gatherings/{g.pk}/seat-plan?room_id={room.pk}")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["seated"] == 3 and len(body["rows"]) == 2 and body["unseated"]
    assert body["rows"][0][0]["capacity"] == "voting_member"
    assert c.get(f"{API}/gatherings/{g.pk}/seat-plan?room_id=999999").status_code == 404
    r = client_for(w.outsider).get(f"{API}/gatherings/{g.pk}/seat-plan?room_id={room.pk}")
    assert r.status_code == 404
