"""Logistics for a gathering (吃、住、行、購、用): rooms and bookings, the seat plan by role,
accommodation, meals and dietary needs, vehicles and pick-ups, purchases and supplies.

Services take keyword-only arguments, run in one transaction, record the acting user and
raise ``BusinessError`` with a translated message for bad input; reads (the seat plan, meal
counts) are plain functions.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sanxing.core.errors import BusinessError
from sanxing.core.services import record_soft_delete
from sanxing.gatherings.models import (
    Accommodation,
    DietaryNeed,
    Gathering,
    LeaveRequest,
    Meal,
    PickUp,
    Room,
    RoomBooking,
    RosterEntry,
    SupplyItem,
    Vehicle,
)
from sanxing.people.models import Congress, Person


def _by(obj: Any, user: Any) -> Any:
    obj._history_user = user
    return obj


def _on_roster(gathering: Gathering, person: Person) -> None:
    if not gathering.roster.filter(person=person).exists():
        raise BusinessError(_("Choose someone on the meeting's roster."), field="person")


# --- rooms and bookings ---------------------------------------------------------------------


def room_add(
    *,
    congress: Congress,
    name: str,
    capacity: int,
    seats_per_row: int = 10,
    location: str = "",
    by: Any,
) -> Room:
    if not name.strip():
        raise BusinessError(_("Enter a name."), field="name")
    if capacity < 1:
        raise BusinessError(_("A room holds at least one person."), field="capacity")
    if seats_per_row < 1:
        raise BusinessError(_("A row has at least one seat."), field="seats_per_row")
    with transaction.atomic():
        if Room.objects.filter(congress=congress, name=name.strip()).exists():
            raise BusinessError(_("There is already a room with this name."), field="name")
        room = Room(
            congress=congress,
            name=name.strip(),
            capacity=capacity,
            seats_per_row=seats_per_row,
            location=location.strip(),
        )
        _by(room, by).save()
        return room


def _clash_message(other: RoomBooking) -> str:
    start = timezone.localtime(other.starts_at)
    end = timezone.localtime(other.ends_at)
    return _(
        "%(room)s is already booked from %(start)s to %(end)s for %(gathering)s. "
        "Choose another room or time."
    ) % {
        "room": other.room.name,
        "start": f"{date_format(start.date())} {start:%H:%M}",
        "end": f"{date_format(end.date())} {end:%H:%M}",
        "gathering": other.gathering.title,
    }


def room_book(
    *,
    gathering: Gathering,
    room: Room,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
    purpose: str = "",
    by: Any,
) -> RoomBooking:
    """Book ``room`` for the gathering (by default for the whole meeting). A booking that
    overlaps another live booking of the room is refused, naming the other one."""
    starts_at = starts_at or gathering.starts_at
    ends_at = ends_at or gathering.ends_at
    if room.congress_id != gathering.congress_id:
        raise BusinessError(_("Choose a room of this congress."), field="room")
    if ends_at <= starts_at:
        raise BusinessError(_("The end must be after the start."), field="ends_at")
    try:
        with transaction.atomic():
            Room.objects.select_for_update().get(pk=room.pk)  # one booking at a time per room
            other = (
                RoomBooking.objects.filter(room=room, starts_at__lt=ends_at, ends_at__gt=starts_at)
                .select_related("room", "gathering")
                .first()
            )
            if other is not None:
                raise BusinessError(_clash_message(other), field="room", code="room_clash")
            booking = RoomBooking(
                congress_id=gathering.congress_id,
                room=room,
                gathering=gathering,
                starts_at=starts_at,
                ends_at=ends_at,
                purpose=purpose.strip(),
            )
            _by(booking, by).save()
            return booking
    except IntegrityError:
        # The database's own guard (exclusion constraint on PostgreSQL, same start elsewhere)
        # caught a booking made at the same moment.
        raise BusinessError(
            _("%(room)s is already booked at that time. Choose another room or time.")
            % {"room": room.name},
            field="room",
            code="room_clash",
        ) from None


def booking_cancel(*, booking: RoomBooking, by: Any) -> RoomBooking:
    return record_soft_delete(obj=booking, by=by)


# --- seat plan ------------------------------------------------------------------------------

SEAT_ORDER: list[str] = [
    RosterEntry.Capacity.VOTING_MEMBER,
    RosterEntry.Capacity.NON_VOTING,
    RosterEntry.Capacity.INVITED_DEPUTY,
    RosterEntry.Capacity.LECTURER,
    RosterEntry.Capacity.STAFF,
]


@dataclass
class Seat:
    row: int
    number: int
    person_name: str
    capacity: str
    capacity_label: str


@dataclass
class SeatPlan:
    room: Room
    rows: list[list[Seat]] = field(default_factory=list)
    unseated: list[str] = field(default_factory=list)

    @property
    def seated(self) -> int:
        return sum(len(r) for r in self.rows)


def seat_plan(gathering: Gathering, room: Room) -> SeatPlan:
    """Seats by role: voting members from the front row, then attendees without a vote,
    invited deputies, lecturers and staff; by name within a role. Who does not fit is listed."""
    entries = sorted(
        gathering.roster.select_related("person"),
        key=lambda e: (
            SEAT_ORDER.index(e.capacity) if e.capacity in SEAT_ORDER else 99,
            e.person.name,
        ),
    )
    plan = SeatPlan(room=room)
    per_row = room.seats_per_row
    for i, entry in enumerate(entries):
        if i >= room.capacity:
            plan.unseated.append(entry.person.name)
            continue
        row, number = divmod(i, per_row)
        if number == 0:
            plan.rows.append([])
        plan.rows[-1].append(
            Seat(
                row=row + 1,
                number=number + 1,
                person_name=entry.person.name,
                capacity=entry.capacity,
                capacity_label=str(entry.get_capacity_display()),
            )
        )
    return plan


# --- accommodation, meals, transport, supplies ----------------------------------------------


def accommodation_add(
    *,
    gathering: Gathering,
    person: Person,
    hotel: str,
    check_in_on: dt.date,
    check_out_on: dt.date,
    room_number: str = "",
    note: str = "",
    by: Any,
) -> Accommodation:
    _on_roster(gathering, person)
    if not hotel.strip():
        raise BusinessError(_("Enter the hotel."), field="hotel")
    if check_out_on <= check_in_on:
        raise BusinessError(_("Check-out must be after check-in."), field="check_out_on")
    with transaction.atomic():
        if Accommodation.objects.filter(gathering=gathering, person=person).exists():
            raise BusinessError(_("This person already has a room."), field="person")
        stay = Accommodation(
            congress_id=gathering.congress_id,
            gathering=gathering,
            person=person,
            hotel=hotel.strip(),
            room_number=room_number.strip(),
            check_in_on=check_in_on,
            check_out_on=check_out_on,
            note=note.strip(),
        )
        _by(stay, by).save()
        return stay


def meal_add(
    *, gathering: Gathering, day: dt.date, kind: str, place: str = "", extra: int = 0, by: Any
) -> Meal:
    if kind not in Meal.Kind.values:
        raise BusinessError(_("Choose a meal."), field="kind")
    with transaction.atomic():
        if Meal.objects.filter(gathering=gathering, day=day, kind=kind).exists():
            raise BusinessError(_("This meal is already planned."), field="kind")
        meal = Meal(
            congress_id=gathering.congress_id,
            gathering=gathering,
            day=day,
            kind=kind,
            place=place.strip(),
            extra=extra,
        )
        _by(meal, by).save()
        return meal


def dietary_need_add(
    *, gathering: Gathering, person: Person, need: str, note: str = "", by: Any
) -> DietaryNeed:
    _on_roster(gathering, person)
    if need not in DietaryNeed.Need.values:
        raise BusinessError(_("Choose a dietary need."), field="need")
    with transaction.atomic():
        if DietaryNeed.objects.filter(gathering=gathering, person=person, need=need).exists():
            raise BusinessError(_("This need is already recorded."), field="need")
        row = DietaryNeed(
            congress_id=gathering.congress_id,
            gathering=gathering,
            person=person,
            need=need,
            note=note.strip(),
        )
        _by(row, by).save()
        return row


@dataclass
class MealCount:
    meal: Meal
    diners: int
    total: int
    needs: list[tuple[str, int]]


def meal_counts(gathering: Gathering) -> list[MealCount]:
    """Covers per meal: the roster less approved leave, plus the extra covers; with the
    dietary needs of those eating (three queries whatever the number of meals)."""
    on_leave = set(
        gathering.leave_requests.filter(status=LeaveRequest.Status.APPROVED).values_list(
            "person_id", flat=True
        )
    )
    roster = set(gathering.roster.values_list("person_id", flat=True))
    diners = roster - on_leave
    needs = Counter(
        str(n.get_need_display()) for n in gathering.dietary_needs.all() if n.person_id in diners
    )
    needs_list = sorted(needs.items())
    return [
        MealCount(meal=m, diners=len(diners), total=len(diners) + m.extra, needs=needs_list)
        for m in gathering.meals.order_by("day", "kind")
    ]


def vehicle_add(
    *, gathering: Gathering, plate: str, seats: int, driver: str = "", by: Any
) -> Vehicle:
    if not plate.strip():
        raise BusinessError(_("Enter the number plate."), field="plate")
    if seats < 1:
        raise BusinessError(_("A vehicle has at least one seat."), field="seats")
    with transaction.atomic():
        vehicle = Vehicle(
            congress_id=gathering.congress_id,
            gathering=gathering,
            plate=plate.strip(),
            driver=driver.strip(),
            seats=seats,
        )
        _by(vehicle, by).save()
        return vehicle


def pick_up_add(
    *,
    gathering: Gathering,
    vehicle: Vehicle,
    person: Person,
    at: dt.datetime,
    from_place: str,
    to_place: str,
    by: Any,
) -> PickUp:
    """A pick-up; a vehicle carries no more people at one time than it has seats."""
    _on_roster(gathering, person)
    if vehicle.gathering_id != gathering.pk:
        raise BusinessError(_("Choose a vehicle of this meeting."), field="vehicle")
    if not from_place.strip() or not to_place.strip():
        raise BusinessError(_("Enter where from and where to."), field="from_place")
    with transaction.atomic():
        Vehicle.objects.select_for_update().get(pk=vehicle.pk)
        if PickUp.objects.filter(vehicle=vehicle, at=at).count() >= vehicle.seats:
            raise BusinessError(
                _("%(plate)s is full at that time (%(seats)d seats).")
                % {"plate": vehicle.plate, "seats": vehicle.seats},
                field="vehicle",
            )
        trip = PickUp(
            congress_id=gathering.congress_id,
            gathering=gathering,
            vehicle=vehicle,
            person=person,
            at=at,
            from_place=from_place.strip(),
            to_place=to_place.strip(),
        )
        _by(trip, by).save()
        return trip


def supply_add(
    *,
    gathering: Gathering,
    title: str,
    kind: str = SupplyItem.Kind.SUPPLY,
    quantity: int = 1,
    by: Any,
) -> SupplyItem:
    if not title.strip():
        raise BusinessError(_("Enter the item."), field="title")
    if kind not in SupplyItem.Kind.values:
        raise BusinessError(_("Choose purchase or supply."), field="kind")
    with transaction.atomic():
        item = SupplyItem(
            congress_id=gathering.congress_id,
            gathering=gathering,
            kind=kind,
            title=title.strip(),
            quantity=quantity,
        )
        _by(item, by).save()
        return item


def supply_toggle(*, item: SupplyItem, by: Any) -> SupplyItem:
    with transaction.atomic():
        current = SupplyItem.objects.select_for_update().get(pk=item.pk)
        current.done_at = None if current.done_at else timezone.now()
        current.version += 1
        _by(current, by).save(update_fields=["done_at", "version", "updated_at"])
        return current
