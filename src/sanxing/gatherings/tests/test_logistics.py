"""Logistics: room bookings refused when they overlap, the seat plan by role, accommodation,
meals with counts and dietary needs, pick-ups, supplies; pages, exports and the outsider."""

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from sanxing.core.errors import BusinessError
from sanxing.gatherings import logistics, services
from sanxing.gatherings.kinds import DIRECTORS_MEETING
from sanxing.gatherings.models import LeaveRequest, RoomBooking
from sanxing.gatherings.tests.conftest import Meeting, P

pytestmark = pytest.mark.django_db
H = dt.timedelta(hours=1)


def _room(meeting: Meeting, name: str = "常委會會議室", capacity: int = 40, per_row: int = 3):
    return logistics.room_add(
        congress=meeting.world.congress,
        name=name,
        capacity=capacity,
        seats_per_row=per_row,
        by=meeting.world.clerk,
    )


def test_overlapping_bookings_of_a_room_are_refused_with_the_clash_named(meeting: Meeting):
    w, g = meeting.world, meeting.gathering
    room = _room(meeting)
    booking = logistics.room_book(gathering=g, room=room, by=w.clerk)
    assert booking.starts_at == g.starts_at and booking.history.first().history_user == w.clerk
    other = services.gathering_plan(
        congress=w.congress,
        kind=DIRECTORS_MEETING,
        title="主任會議",
        starts_at=g.starts_at + 2 * H,
        ends_at=g.starts_at + 3 * H,
        by=w.clerk,
    )
    with pytest.raises(BusinessError) as err:
        logistics.room_book(gathering=other, room=room, by=w.clerk)
    assert err.value.code == "room_clash" and g.title in err.value.message
    assert "常委會會議室" in err.value.message
    # back to back is fine; another room is fine
    logistics.room_book(
        gathering=other, room=room, starts_at=g.ends_at, ends_at=g.ends_at + H, by=w.clerk
    )
    logistics.room_book(gathering=other, room=_room(meeting, "第二會議室"), by=w.clerk)
    # a cancelled booking frees the room
    logistics.booking_cancel(booking=booking, by=w.clerk)
    logistics.room_book(gathering=other, room=room, by=w.clerk)
    assert RoomBooking.objects.filter(room=room).count() == 2
    with pytest.raises(BusinessError):
        logistics.room_book(
            gathering=other, room=room, starts_at=g.ends_at, ends_at=g.starts_at, by=w.clerk
        )


def test_the_database_refuses_a_clash_the_service_did_not_see(meeting: Meeting):
    w, g = meeting.world, meeting.gathering
    room = _room(meeting)
    logistics.room_book(gathering=g, room=room, by=w.clerk)
    # same start: a unique constraint everywhere; any overlap: the exclusion on PostgreSQL
    starts = [g.starts_at]
    if connection.vendor == "postgresql":
        starts.append(g.starts_at + H)
    for start in starts:
        with pytest.raises(IntegrityError), transaction.atomic():
            RoomBooking.objects.create(
                congress=w.congress, room=room, gathering=g, starts_at=start, ends_at=start + H
            )


def test_seat_plan_by_role_front_rows_for_voting_members(meeting: Meeting):
    g = meeting.gathering
    plan = logistics.seat_plan(g, _room(meeting, capacity=5, per_row=3))
    seated = [s for row in plan.rows for s in row]
    assert [len(r) for r in plan.rows] == [3, 2] and len(seated) == 5
    assert all(s.capacity == "voting_member" for s in seated)  # five members fill the room
    assert plan.unseated == [meeting.head.name]  # the government head did not fit
    big = logistics.seat_plan(g, _room(meeting, "大廳", capacity=50, per_row=10))
    last = big.rows[-1][-1]
    assert last.person_name == meeting.head.name and last.capacity == "non_voting"


def test_accommodation_meals_pick_ups_and_supplies(meeting: Meeting):
    w, g = meeting.world, meeting.gathering
    day = g.starts_at.date()
    member = P(w.member)
    stay = logistics.accommodation_add(
        gathering=g,
        person=member,
        hotel="示範市賓館",
        room_number="301",
        check_in_on=day - dt.timedelta(days=1),
        check_out_on=day + dt.timedelta(days=1),
        by=w.clerk,
    )
    assert stay.hotel == "示範市賓館"
    with pytest.raises(BusinessError):
        logistics.accommodation_add(
            gathering=g,
            person=P(w.outsider),
            hotel="x",
            check_in_on=day,
            check_out_on=day + dt.timedelta(days=1),
            by=w.clerk,
        )
    with pytest.raises(BusinessError):
        logistics.accommodation_add(
            gathering=g,
            person=meeting.extra[0],
            hotel="x",
            check_in_on=day,
            check_out_on=day,
            by=w.clerk,
        )
    logistics.meal_add(gathering=g, day=day, kind="lunch", place="機關食堂", extra=4, by=w.clerk)
    with pytest.raises(BusinessError):
        logistics.meal_add(gathering=g, day=day, kind="lunch", by=w.clerk)
    logistics.dietary_need_add(gathering=g, person=member, need="halal", by=w.clerk)
    logistics.dietary_need_add(gathering=g, person=meeting.extra[0], need="vegetarian", by=w.clerk)
    services.leave_request(
        gathering=g,
        person=meeting.extra[0],
        reason="出差",
        by=w.clerk,
        at=g.starts_at - dt.timedelta(days=2),
    )
    leave = LeaveRequest.objects.get(person=meeting.extra[0])
    services.leave_decide(leave=leave, approve=True, by=w.clerk)
    (count,) = logistics.meal_counts(g)
    roster = g.roster.count()
    assert count.diners == roster - 1 and count.total == roster - 1 + 4
    assert [n for _label, n in count.needs] == [1]  # the vegetarian is on leave

    car = logistics.vehicle_add(
        gathering=g, plate="示A·12345", seats=1, driver="王師傅", by=w.clerk
    )
    at = g.starts_at - 2 * H
    logistics.pick_up_add(
        gathering=g,
        vehicle=car,
        person=member,
        at=at,
        from_place="高鐵站",
        to_place="賓館",
        by=w.clerk,
    )
    with pytest.raises(BusinessError) as err:
        logistics.pick_up_add(
            gathering=g,
            vehicle=car,
            person=meeting.extra[1],
            at=at,
            from_place="高鐵站",
            to_place="賓館",
            by=w.clerk,
        )
    assert "示A·12345" in err.value.message
    item = logistics.supply_add(gathering=g, title="桌牌", quantity=30, by=w.clerk)
    assert logistics.supply_toggle(item=item, by=w.clerk).done_at is not None


def test_logistics_pages_exports_and_the_outsider(meeting: Meeting, django_assert_num_queries):
    w, g = meeting.world, meeting.gathering
    room = _room(meeting)
    clerk = Client()
    clerk.force_login(w.clerk)
    url = reverse("gatherings:logistics", args=[g.pk])
    assert clerk.get(url).status_code == 200
    add = lambda section, data: clerk.post(  # noqa: E731
        reverse("gatherings:logistics_add", args=[g.pk, section]), data
    )
    fmt = "%Y-%m-%dT%H:%M"
    local = lambda v: v.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime(fmt)  # noqa: E731
    assert (
        add(
            "booking",
            {"room": room.pk, "starts_at": local(g.starts_at), "ends_at": local(g.ends_at)},
        ).status_code
        == 302
    )
    clash = add(
        "booking",
        {"room": room.pk, "starts_at": local(g.starts_at + H), "ends_at": local(g.ends_at + H)},
    )
    assert clash.status_code == 400 and "常委會會議室" in clash.content.decode()
    day = g.starts_at.date().isoformat()
    assert add("meal", {"day": day, "kind": "lunch", "extra": 2}).status_code == 302
    assert add("supply", {"kind": "purchase", "title": "礦泉水", "quantity": 5}).status_code == 302
    assert (
        add(
            "stay",
            {
                "person": P(w.member).pk,
                "hotel": "賓館",
                "check_in_on": day,
                "check_out_on": "2026-12-19",
            },
        ).status_code
        == 302
    )
    assert add("nonsense", {}).status_code == 404
    with django_assert_num_queries(19):
        page = clerk.get(url)
    assert "礦泉水" in page.content.decode()
    for what in ("rooms", "accommodation", "meals", "pickups", "supplies"):
        response = clerk.get(reverse("gatherings:logistics_export", args=[g.pk, what]))
        assert response.status_code == 200, what
        wb = openpyxl.load_workbook(io.BytesIO(response.content))
        sheet: Any = wb.active
        assert sheet.max_row >= 1
    meals: Any = openpyxl.load_workbook(
        io.BytesIO(clerk.get(reverse("gatherings:logistics_export", args=[g.pk, "meals"])).content)
    ).active
    assert meals.cell(row=2, column=6).value == g.roster.count() + 2
    seats = clerk.get(reverse("gatherings:seat_plan", args=[g.pk, room.pk]))
    assert seats.status_code == 200 and "seat-plan" in seats.content.decode()
    assert clerk.get(reverse("gatherings:rooms")).status_code == 200
    assert (
        clerk.post(
            reverse("gatherings:rooms"), {"name": "小會議室", "capacity": 12, "seats_per_row": 6}
        ).status_code
        == 302
    )

    booking = RoomBooking.objects.get()
    for user in (w.outsider, w.member):
        c = Client()
        c.force_login(user)
        for name, args in (
            ("gatherings:logistics", [g.pk]),
            ("gatherings:logistics_export", [g.pk, "meals"]),
            ("gatherings:seat_plan", [g.pk, room.pk]),
            ("gatherings:rooms", []),
        ):
            assert c.get(reverse(name, args=args)).status_code == 404, name
        assert (
            c.post(
                reverse("gatherings:logistics_add", args=[g.pk, "supply"]), {"title": "x"}
            ).status_code
            == 404
        )
        assert c.post(reverse("gatherings:booking_cancel", args=[booking.pk])).status_code == 404
