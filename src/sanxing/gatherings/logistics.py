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
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanxing.core.errors import BusinessError, StaleEdit
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
    SeatPin,
    SeatPlanState,
    SupplyItem,
    Vehicle,
)
from sanxing.people.models import Congress, Person, Role


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
    person_id: int | None = None
    pinned: bool = False
    reserved: bool = False

    @property
    def label(self) -> str:
        return f"{self.row}-{self.number}"

    @property
    def taken(self) -> bool:
        return self.person_id is not None


@dataclass
class SeatPlan:
    room: Room
    grid: list[list[Seat]] = field(default_factory=list)
    unseated: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    version: int = 0
    state_id: int | None = None
    roster: list[RosterEntry] = field(default_factory=list)

    @property
    def rows(self) -> list[list[Seat]]:
        """The occupied seats, row by row (rows without anyone left out)."""
        return [r for r in ([s for s in row if s.taken] for row in self.grid) if r]

    @property
    def seated(self) -> int:
        return sum(len(r) for r in self.rows)

    def seat_of(self, person_id: int) -> Seat | None:
        return next((s for row in self.grid for s in row if s.person_id == person_id), None)


def _seat_positions(room: Room) -> list[tuple[int, int]]:
    per_row = room.seats_per_row
    return [(i // per_row + 1, i % per_row + 1) for i in range(room.capacity)]


def _state(gathering: Gathering, room: Room) -> SeatPlanState | None:
    return SeatPlanState.objects.filter(gathering=gathering, room=room).first()


# The dais (主席台): the director, then the deputy directors, take the first seats.
DAIS_ROLES = [Role.Kind.DIRECTOR, Role.Kind.DEPUTY_DIRECTOR]


def _dais(gathering: Gathering, person_ids: list[int]) -> dict[int, int]:
    """Who of the roster sits on the dais, by rank (one query)."""
    day = timezone.localtime(gathering.starts_at).date()
    rank: dict[int, int] = {}
    for person_id, kind in (
        Role.objects.filter(person_id__in=person_ids, kind__in=DAIS_ROLES, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .values_list("person_id", "kind")
    ):
        rank[person_id] = min(rank.get(person_id, 99), DAIS_ROLES.index(kind))
    return rank


def seat_plan(gathering: Gathering, room: Room) -> SeatPlan:
    """Seats by role: the dais first (the director, the deputy directors), voting members from the front row, then attendees without a vote,
    invited deputies, lecturers and staff; by name within a role. Seats the clerk pinned or
    reserved are kept; everyone else fills the free seats in that order. Who does not fit is
    listed; a pinned person no longer on the roster frees the seat (a warning)."""
    roster = list(gathering.roster.select_related("person"))
    dais = _dais(gathering, [e.person_id for e in roster])
    entries = sorted(
        roster,
        key=lambda e: (
            dais.get(e.person_id, len(DAIS_ROLES)),
            SEAT_ORDER.index(e.capacity) if e.capacity in SEAT_ORDER else 99,
            e.person.name,
        ),
    )
    by_person = {e.person_id: e for e in entries}
    state = _state(gathering, room)
    plan = SeatPlan(
        room=room,
        version=state.version if state else 0,
        state_id=state.pk if state else None,
        roster=entries,
    )
    pins: dict[tuple[int, int], SeatPin] = {}
    if state is not None:
        for pin in state.pins.select_related("person"):
            if pin.person is not None and pin.person_id not in by_person:
                plan.warnings.append(
                    _("%(name)s is no longer on the roster: seat %(seat)s is free again.")
                    % {"name": pin.person.name, "seat": f"{pin.row}-{pin.number}"}
                )
                continue
            pins[(pin.row, pin.number)] = pin
    pinned_people = {p.person_id for p in pins.values() if p.person_id is not None}
    waiting = [e for e in entries if e.person_id not in pinned_people]
    current: tuple[int, ...] = ()
    for row, number in _seat_positions(room):
        if row != (current[0] if current else 0):
            plan.grid.append([])
            current = (row,)
        fixed = pins.get((row, number))
        entry = None
        if fixed is not None and fixed.person_id is not None:
            entry = by_person[fixed.person_id]
        elif fixed is None and waiting:
            entry = waiting.pop(0)
        plan.grid[-1].append(
            Seat(
                row=row,
                number=number,
                person_name=entry.person.name if entry else "",
                capacity=entry.capacity if entry else "",
                capacity_label=str(entry.get_capacity_display()) if entry else "",
                person_id=entry.person_id if entry else None,
                pinned=fixed is not None and fixed.person_id is not None,
                reserved=fixed is not None and fixed.reserved,
            )
        )
    plan.unseated = [e.person.name for e in waiting]
    return plan


def _seat_in_room(room: Room, row: int, number: int) -> None:
    if (row, number) not in set(_seat_positions(room)):
        raise BusinessError(
            _("There is no seat %(seat)s in %(room)s.")
            % {"seat": f"{row}-{number}", "room": room.name},
            field="seat",
            code="no_such_seat",
        )


def _locked_state(gathering: Gathering, room: Room, version: int | None, by: Any) -> SeatPlanState:
    """The plan's state, created on first edit and locked; a stale version is refused."""
    if room.congress_id != gathering.congress_id:
        raise BusinessError(_("Choose a room of this congress."), field="room")
    state = SeatPlanState.objects.select_for_update().filter(gathering=gathering, room=room).first()
    current = state.version if state else 0
    if version is not None and version != current:
        raise StaleEdit(
            _(
                "Someone else changed this seat plan after you opened it. "
                "Reload the page to see their changes, then make yours again."
            )
        )
    if state is None:
        state = SeatPlanState(
            congress_id=gathering.congress_id, gathering=gathering, room=room, version=0
        )
        _by(state, by).save()
    return state


def _bump(state: SeatPlanState, by: Any) -> None:
    state.version += 1
    _by(state, by).save(update_fields=["version", "updated_at"])


def _unpin(pin: SeatPin, by: Any) -> None:
    pin.deleted_at = timezone.now()
    pin.deleted_by = by
    pin.version += 1
    _by(pin, by).save()


def _pin(state: SeatPlanState, row: int, number: int, by: Any, **values: Any) -> SeatPin:
    pin = SeatPin(congress_id=state.congress_id, plan=state, row=row, number=number, **values)
    _by(pin, by).save()
    return pin


def seat_pin(
    *,
    gathering: Gathering,
    room: Room,
    person: Person,
    row: int,
    number: int,
    version: int | None = None,
    by: Any,
) -> SeatPlan:
    """Pin someone on the roster to a seat (moving their pin if they had one). A seat
    another person is pinned to, or a reserved one, is refused: clear it or swap."""
    _on_roster(gathering, person)
    _seat_in_room(room, row, number)
    with transaction.atomic():
        state = _locked_state(gathering, room, version, by)
        taken = state.pins.filter(row=row, number=number).select_related("person").first()
        if taken is not None and taken.person_id == person.pk:
            return seat_plan(gathering, room)
        if taken is not None and taken.reserved:
            raise BusinessError(
                _("Seat %(seat)s is reserved. Clear it first.") % {"seat": f"{row}-{number}"},
                field="seat",
                code="seat_taken",
            )
        if (
            taken is not None
            and taken.person is not None
            and taken.person_id in _roster_ids(gathering)
        ):
            raise BusinessError(
                _("Seat %(seat)s is already taken by %(name)s. Clear it first, or swap them.")
                % {"seat": f"{row}-{number}", "name": taken.person.name},
                field="seat",
                code="seat_taken",
            )
        if taken is not None:  # pinned to someone who left the roster: the seat is free
            _unpin(taken, by)
        for old in state.pins.filter(person=person):
            _unpin(old, by)
        _pin(state, row, number, by, person=person)
        _bump(state, by)
    return seat_plan(gathering, room)


def _roster_ids(gathering: Gathering) -> set[int]:
    return set(gathering.roster.values_list("person_id", flat=True))


def seat_swap(
    *,
    gathering: Gathering,
    room: Room,
    first: Person,
    second: Person,
    version: int | None = None,
    by: Any,
) -> SeatPlan:
    """Swap two seated people: both are pinned to each other's seat."""
    if first.pk == second.pk:
        raise BusinessError(_("Choose two different people."), field="second")
    with transaction.atomic():
        state = _locked_state(gathering, room, version, by)
        plan = seat_plan(gathering, room)
        a, b = plan.seat_of(first.pk), plan.seat_of(second.pk)
        for who, seat, name in ((first, a, "first"), (second, b, "second")):
            if seat is None:
                raise BusinessError(
                    _("%(name)s has no seat in this plan.") % {"name": who.name}, field=name
                )
        assert a is not None and b is not None
        for old in state.pins.filter(
            Q(person__in=[first, second])
            | Q(row=a.row, number=a.number)
            | Q(row=b.row, number=b.number)
        ):
            _unpin(old, by)
        _pin(state, b.row, b.number, by, person=first)
        _pin(state, a.row, a.number, by, person=second)
        _bump(state, by)
    return seat_plan(gathering, room)


def seat_clear(
    *,
    gathering: Gathering,
    room: Room,
    row: int,
    number: int,
    reserve: bool = False,
    version: int | None = None,
    by: Any,
) -> SeatPlan:
    """Unpin a seat (it is filled by role again), or keep it free (``reserve``)."""
    _seat_in_room(room, row, number)
    with transaction.atomic():
        state = _locked_state(gathering, room, version, by)
        for old in state.pins.filter(row=row, number=number):
            _unpin(old, by)
        if reserve:
            _pin(state, row, number, by, reserved=True)
        _bump(state, by)
    return seat_plan(gathering, room)


def seat_plan_reset(
    *,
    gathering: Gathering,
    room: Room,
    drop_pins: bool = False,
    confirm: bool = False,
    version: int | None = None,
    by: Any,
) -> SeatPlan:
    """Re-generate the plan by role. Pins and reserved seats stay, unless ``drop_pins`` —
    which must be confirmed, since every pin goes."""
    if drop_pins and not confirm:
        raise BusinessError(
            _("Confirm that every pinned and reserved seat goes."),
            field="confirm",
            code="confirm_required",
        )
    with transaction.atomic():
        state = _locked_state(gathering, room, version, by)
        if drop_pins:
            for old in state.pins.all():
                _unpin(old, by)
        _bump(state, by)
    return seat_plan(gathering, room)


def seat_plan_changes(plan: SeatPlan, limit: int = 20) -> list[Any]:
    """The latest changes to the plan's seats (who, when, which seat, what)."""
    if plan.state_id is None:
        return []
    return list(
        SeatPin.history.filter(plan_id=plan.state_id)
        .select_related("history_user__person", "person")
        .order_by("-history_date", "-history_id")[:limit]
    )


def seat_plan_table(plan: SeatPlan) -> tuple[list[str], list[list[Any]]]:
    """The seat plan as a list (the Excel workbook and the API): one line per seat."""
    columns = [_("Seat"), _("Row"), _("Number"), _("Person"), _("Capacity"), _("Fixed")]
    rows = [
        [
            s.label,
            s.row,
            s.number,
            s.person_name or (_("reserved") if s.reserved else "—"),
            s.capacity_label,
            _("pinned") if s.pinned else (_("reserved") if s.reserved else ""),
        ]
        for row in plan.grid
        for s in row
    ]
    return columns, rows


def seat_plan_pdf(gathering: Gathering, plan: SeatPlan) -> bytes:
    from sanxing.core.pdf import render_pdf

    return render_pdf("gatherings/seat_plan_pdf.html", {"g": gathering, "plan": plan})


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


# --- the printable and Excel lists (pages and API alike) ------------------------------------

LIST_NAMES = (
    "rooms",
    "accommodation",
    "meals",
    "pickups",
    "supplies",
    "seat-plan",
    "attendance",
    "roster",
)

# The lists the logistics page offers as Excel and PDF, with their titles (the seat plan of
# each booked room downloads from its own page).
PAGE_LISTS: tuple[tuple[str, Any], ...] = (
    ("rooms", gettext_lazy("Rooms")),
    ("accommodation", gettext_lazy("Accommodation")),
    ("meals", gettext_lazy("Meals")),
    ("pickups", gettext_lazy("Vehicles and pick-ups")),
    ("supplies", gettext_lazy("Purchases and supplies")),
    ("attendance", gettext_lazy("Attendance list")),
    ("roster", gettext_lazy("Roster")),
)


@dataclass
class ListTable:
    name: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    plan: SeatPlan | None = None
    summary: dict[str, int] | None = None


def _fmt(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value


@dataclass
class AttendanceLine:
    """One line of the attendance list: the same in the workbook, the API and both PDFs."""

    n: int
    name: str
    capacity: str
    status: str

    def as_row(self) -> list[Any]:
        return [self.n, self.name, self.capacity, self.status]


def attendance_lines(g: Gathering) -> tuple[list[AttendanceLine], dict[str, int]]:
    """The roster in list order with who attends as what and their status ("on leave" for
    approved leave not yet checked as such), and the summary by status (two queries)."""
    from sanxing.gatherings import selectors

    rows = selectors.roster_rows(g)
    on_leave = set(
        g.leave_requests.filter(status=LeaveRequest.Status.APPROVED).values_list(
            "person_id", flat=True
        )
    )
    leave = _("on leave")
    lines = [
        AttendanceLine(
            i,
            r.name,
            r.capacity_label,
            r.status_label or (leave if r.person_id in on_leave else ""),
        )
        for i, r in enumerate(rows, 1)
    ]
    return lines, selectors.attendance_summary(rows)


ATTENDANCE_PDF_TEMPLATE = "gatherings/attendance_pdf.html"


def attendance_pdf_context(
    g: Gathering, lines: list[AttendanceLine], summary: dict[str, int]
) -> dict[str, Any]:
    """What the attendance list's PDF (簽到表: the lines, a column to sign, the summary)
    is rendered from, for the preparation page's PDF and the lists' alike."""
    return {"g": g, "lines": lines, "summary": summary, "printed_on": timezone.localdate()}


def list_table(g: Gathering, name: str, *, room: Room | None = None) -> ListTable:
    """One of the gathering's lists as columns and rows: what the logistics page shows, its
    Excel workbook, its printable PDF and the API's downloads. Unknown name: KeyError; the
    seat plan without a room: BusinessError."""
    if name == "rooms":
        return ListTable(
            name,
            _("Rooms"),
            [_("Room"), _("From"), _("Until"), _("Purpose")],
            [
                [b.room.name, _fmt(b.starts_at), _fmt(b.ends_at), b.purpose]
                for b in g.room_bookings.select_related("room").order_by("starts_at", "pk")
            ],
        )
    if name == "accommodation":
        return ListTable(
            name,
            _("Accommodation"),
            [_("Hotel"), _("Room number"), _("Person"), _("Check-in"), _("Check-out"), _("Note")],
            [
                [s.hotel, s.room_number, s.person.name, s.check_in_on, s.check_out_on, s.note]
                for s in g.accommodations.select_related("person").order_by(
                    "hotel", "room_number", "pk"
                )
            ],
        )
    if name == "meals":
        return ListTable(
            name,
            _("Meals"),
            [
                _("Day"),
                _("Meal"),
                _("Place"),
                _("Diners"),
                _("Extra covers"),
                _("Total"),
                _("Dietary needs"),
            ],
            [
                [
                    c.meal.day,
                    str(c.meal.get_kind_display()),
                    c.meal.place,
                    c.diners,
                    c.meal.extra,
                    c.total,
                    "、".join(f"{label} {n}" for label, n in c.needs),
                ]
                for c in meal_counts(g)
            ],
        )
    if name == "pickups":
        return ListTable(
            name,
            _("Vehicles and pick-ups"),
            [_("Pick-up time"), _("Person"), _("Vehicle"), _("Driver"), _("From"), _("To")],
            [
                [
                    _fmt(p.at),
                    p.person.name,
                    p.vehicle.plate,
                    p.vehicle.driver,
                    p.from_place,
                    p.to_place,
                ]
                for p in g.pick_ups.select_related("vehicle", "person").order_by("at", "pk")
            ],
        )
    if name == "supplies":
        return ListTable(
            name,
            _("Purchases and supplies"),
            [_("Kind"), _("Item"), _("Quantity"), _("Ready")],
            [
                [
                    str(s.get_kind_display()),
                    s.title,
                    s.quantity,
                    _("yes") if s.done_at else _("no"),
                ]
                for s in g.supplies.order_by("kind", "pk")
            ],
        )
    if name == "seat-plan":
        if room is None:
            raise BusinessError(_("Choose a room of this congress."), field="room_id")
        plan = seat_plan(g, room)
        columns, rows = seat_plan_table(plan)
        return ListTable(name, _("Seat plan"), columns, rows, plan=plan)
    if name in ("attendance", "roster"):
        lines, summary = attendance_lines(g)
        title = _("Attendance list") if name == "attendance" else _("Roster")
        return ListTable(
            name,
            title,
            ["#", _("Name"), _("Attends as"), _("Status")],
            [line.as_row() for line in lines],
            summary=summary,
        )
    raise KeyError(name)


def list_xlsx(table: ListTable) -> bytes:
    from sanxing.core.excel import workbook_bytes

    return workbook_bytes(table.columns, table.rows, sheet_title=table.name)


def list_pdf(g: Gathering, table: ListTable) -> bytes:
    """The printable list: the seat plan as its grid, the attendance list with a column to
    sign, any other as a table."""
    from sanxing.core.pdf import render_pdf

    if table.plan is not None:
        return seat_plan_pdf(g, table.plan)
    if table.name == "attendance":
        lines = [AttendanceLine(*row) for row in table.rows]
        return render_pdf(
            ATTENDANCE_PDF_TEMPLATE, attendance_pdf_context(g, lines, table.summary or {})
        )
    return render_pdf(
        "gatherings/logistics_list_pdf.html",
        {"g": g, "table": table, "printed_on": timezone.localdate()},
    )
