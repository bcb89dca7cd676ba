"""The logistics API (吃、住、行、購、用), the same services and lookups as the logistics page:
rooms, bookings (a clash is a 400 naming the other booking), accommodation, meals with their
counts and dietary needs, vehicles and pick-ups, supplies. Everything here is the office's;
anyone else gets 404."""

import datetime as dt
from typing import Any, Literal

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status
from ninja.pagination import paginate

from sanxing.api.errors import error_responses
from sanxing.api.pagination import PagePagination
from sanxing.core.errors import BusinessError
from sanxing.core.excel import XLSX_CONTENT_TYPE
from sanxing.gatherings import logistics, selectors
from sanxing.gatherings.api_shared import (
    PersonRefOut,
    managed_gathering,
    person_of_congress,
    row_of_managed_gathering,
    user_of,
)
from sanxing.gatherings.models import Gathering, Room, RoomBooking, SupplyItem, Vehicle
from sanxing.people.access import viewer_for
from sanxing.people.models import Congress

router = Router(tags=["gatherings: logistics"])


# --- schemas --------------------------------------------------------------------------------


class RoomOut(Schema):
    id: int
    name: str
    capacity: int
    seats_per_row: int
    location: str


class RoomIn(Schema):
    name: str = Field(..., max_length=120)
    capacity: int
    seats_per_row: int = 10
    location: str = Field("", max_length=200)


class BookingOut(Schema):
    id: int
    room: RoomOut
    gathering_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    purpose: str


class BookingIn(Schema):
    room_id: int
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    purpose: str = Field("", max_length=120)


class StayOut(Schema):
    id: int
    person: PersonRefOut
    hotel: str
    room_number: str
    check_in_on: dt.date
    check_out_on: dt.date
    note: str


class StayIn(Schema):
    person_id: int
    hotel: str = Field(..., max_length=120)
    check_in_on: dt.date
    check_out_on: dt.date
    room_number: str = Field("", max_length=20)
    note: str = Field("", max_length=200)


class NeedCountOut(Schema):
    need: str
    count: int


class MealOut(Schema):
    id: int
    day: dt.date
    kind: str
    place: str
    extra: int
    diners: int
    total: int
    needs: list[NeedCountOut]


class MealIn(Schema):
    day: dt.date
    kind: Literal["breakfast", "lunch", "dinner"]
    place: str = Field("", max_length=120)
    extra: int = Field(0, ge=0)


class DietOut(Schema):
    id: int
    person: PersonRefOut
    need: str
    note: str


class DietIn(Schema):
    person_id: int
    need: str
    note: str = Field("", max_length=200)


class VehicleOut(Schema):
    id: int
    plate: str
    driver: str
    seats: int


class VehicleIn(Schema):
    plate: str = Field(..., max_length=20)
    seats: int
    driver: str = Field("", max_length=60)


class PickUpOut(Schema):
    id: int
    vehicle: VehicleOut
    person: PersonRefOut
    at: dt.datetime
    from_place: str
    to_place: str


class PickUpIn(Schema):
    vehicle_id: int
    person_id: int
    at: dt.datetime
    from_place: str = Field(..., max_length=120)
    to_place: str = Field(..., max_length=120)


class SupplyOut(Schema):
    id: int
    kind: str
    title: str
    quantity: int
    done_at: dt.datetime | None


class SupplyIn(Schema):
    title: str = Field(..., max_length=200)
    kind: str = SupplyItem.Kind.SUPPLY
    quantity: int = Field(1, ge=1)


# --- rooms and bookings ---------------------------------------------------------------------


def _office(request: HttpRequest) -> Any:
    user = user_of(request)
    if not selectors.can_manage(user):
        raise Http404
    return user


@router.get(
    "/rooms",
    response={200: list[RoomOut], **error_responses(401, 404, 422)},
    summary="The rooms the office books",
)
@paginate(PagePagination)
def room_list(request: HttpRequest):
    user = _office(request)
    return Room.objects.filter(congress_id=viewer_for(user).congress_id).order_by("name", "pk")


@router.post(
    "/rooms",
    response={201: RoomOut, **error_responses(400, 401, 404, 422)},
    summary="Add a room",
)
def room_create(request: HttpRequest, payload: RoomIn):
    user = _office(request)
    congress = Congress.objects.get(pk=viewer_for(user).congress_id)
    room = logistics.room_add(congress=congress, by=user, **payload.dict())
    return Status(201, room)


@router.get(
    "/gatherings/{gathering_id}/bookings",
    response={200: list[BookingOut], **error_responses(401, 404, 422)},
    summary="The rooms booked for a gathering",
)
@paginate(PagePagination)
def booking_list(request: HttpRequest, gathering_id: int):
    g = selectors.gathering_managed_by(user_of(request), gathering_id)
    return g.room_bookings.select_related("room").order_by("starts_at", "pk")


@router.post(
    "/gatherings/{gathering_id}/bookings",
    response={201: BookingOut, **error_responses(400, 401, 404, 422)},
    summary="Book a room (by default for the whole gathering); a clash names the other booking",
)
def booking_create(request: HttpRequest, gathering_id: int, payload: BookingIn):
    user, g = managed_gathering(request, gathering_id)
    try:
        room = Room.objects.get(pk=payload.room_id, congress_id=g.congress_id)
    except Room.DoesNotExist:
        raise BusinessError(_("Choose a room of this congress."), field="room_id") from None
    booking = logistics.room_book(
        gathering=g,
        room=room,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        purpose=payload.purpose,
        by=user,
    )
    return Status(201, booking)


@router.delete(
    "/bookings/{booking_id}",
    response={204: None, **error_responses(401, 404)},
    summary="Cancel a booking (the room is free again)",
)
def booking_cancel(request: HttpRequest, booking_id: int):
    user = user_of(request)
    booking = row_of_managed_gathering(user, RoomBooking, booking_id)
    logistics.booking_cancel(booking=booking, by=user)
    return Status(204, None)


# --- accommodation, meals, transport, supplies ----------------------------------------------


@router.get(
    "/gatherings/{gathering_id}/accommodation",
    response={200: list[StayOut], **error_responses(401, 404, 422)},
    summary="Who stays where, by hotel and room",
)
@paginate(PagePagination)
def stay_list(request: HttpRequest, gathering_id: int):
    g = selectors.gathering_managed_by(user_of(request), gathering_id)
    return g.accommodations.select_related("person").order_by("hotel", "room_number", "pk")


@router.post(
    "/gatherings/{gathering_id}/accommodation",
    response={201: StayOut, **error_responses(400, 401, 404, 422)},
    summary="Assign a room to someone on the roster",
)
def stay_create(request: HttpRequest, gathering_id: int, payload: StayIn):
    user, g = managed_gathering(request, gathering_id)
    data = payload.dict()
    person = person_of_congress(g.congress_id, data.pop("person_id"))
    stay = logistics.accommodation_add(gathering=g, person=person, by=user, **data)
    return Status(201, stay)


def _meal_out(c: logistics.MealCount) -> dict[str, Any]:
    m = c.meal
    return {
        "id": m.pk,
        "day": m.day,
        "kind": m.kind,
        "place": m.place,
        "extra": m.extra,
        "diners": c.diners,
        "total": c.total,
        "needs": [{"need": label, "count": n} for label, n in c.needs],
    }


@router.get(
    "/gatherings/{gathering_id}/meals",
    response={200: list[MealOut], **error_responses(401, 404, 422)},
    summary="The meals with their covers (roster less approved leave, plus extra) and needs",
)
@paginate(PagePagination)
def meal_list(request: HttpRequest, gathering_id: int):
    g = selectors.gathering_managed_by(user_of(request), gathering_id)
    return [_meal_out(c) for c in logistics.meal_counts(g)]


@router.post(
    "/gatherings/{gathering_id}/meals",
    response={201: MealOut, **error_responses(400, 401, 404, 422)},
    summary="Plan a meal",
)
def meal_create(request: HttpRequest, gathering_id: int, payload: MealIn):
    user, g = managed_gathering(request, gathering_id)
    meal = logistics.meal_add(gathering=g, by=user, **payload.dict())
    return Status(201, next(_meal_out(c) for c in logistics.meal_counts(g) if c.meal.pk == meal.pk))


@router.get(
    "/gatherings/{gathering_id}/dietary-needs",
    response={200: list[DietOut], **error_responses(401, 404, 422)},
    summary="Dietary needs of those on the roster",
)
@paginate(PagePagination)
def diet_list(request: HttpRequest, gathering_id: int):
    g = selectors.gathering_managed_by(user_of(request), gathering_id)
    return g.dietary_needs.select_related("person").order_by("need", "person__name", "pk")


@router.post(
    "/gatherings/{gathering_id}/dietary-needs",
    response={201: DietOut, **error_responses(400, 401, 404, 422)},
    summary="Record a dietary need",
)
def diet_create(request: HttpRequest, gathering_id: int, payload: DietIn):
    user, g = managed_gathering(request, gathering_id)
    person = person_of_congress(g.congress_id, payload.person_id)
    row = logistics.dietary_need_add(
        gathering=g, person=person, need=payload.need, note=payload.note, by=user
    )
    return Status(201, row)


@router.get(
    "/gatherings/{gathering_id}/vehicles",
    response={200: list[VehicleOut], **error_responses(401, 404, 422)},
    summary="The gathering's vehicles",
)
@paginate(PagePagination)
def vehicle_list(request: HttpRequest, gathering_id: int):
    g = selectors.gathering_managed_by(user_of(request), gathering_id)
    return g.vehicles.order_by("pk")


@router.post(
    "/gatherings/{gathering_id}/vehicles",
    response={201: VehicleOut, **error_responses(400, 401, 404, 422)},
    summary="Add a vehicle",
)
def vehicle_create(request: HttpRequest, gathering_id: int, payload: VehicleIn):
    user, g = managed_gathering(request, gathering_id)
    return Status(201, logistics.vehicle_add(gathering=g, by=user, **payload.dict()))


@router.get(
    "/gatherings/{gathering_id}/pick-ups",
    response={200: list[PickUpOut], **error_responses(401, 404, 422)},
    summary="Pick-ups in time order",
)
@paginate(PagePagination)
def pick_up_list(request: HttpRequest, gathering_id: int):
    g = selectors.gathering_managed_by(user_of(request), gathering_id)
    return g.pick_ups.select_related("vehicle", "person").order_by("at", "pk")


@router.post(
    "/gatherings/{gathering_id}/pick-ups",
    response={201: PickUpOut, **error_responses(400, 401, 404, 422)},
    summary="Schedule a pick-up (a vehicle carries no more people at once than it has seats)",
)
def pick_up_create(request: HttpRequest, gathering_id: int, payload: PickUpIn):
    user, g = managed_gathering(request, gathering_id)
    try:
        vehicle = Vehicle.objects.get(pk=payload.vehicle_id, gathering=g)
    except Vehicle.DoesNotExist:
        raise BusinessError(_("Choose a vehicle of this meeting."), field="vehicle_id") from None
    person = person_of_congress(g.congress_id, payload.person_id)
    trip = logistics.pick_up_add(
        gathering=g,
        vehicle=vehicle,
        person=person,
        at=payload.at,
        from_place=payload.from_place,
        to_place=payload.to_place,
        by=user,
    )
    return Status(201, trip)


@router.get(
    "/gatherings/{gathering_id}/supplies",
    response={200: list[SupplyOut], **error_responses(401, 404, 422)},
    summary="Purchases and supplies, with whether each is ready",
)
@paginate(PagePagination)
def supply_list(request: HttpRequest, gathering_id: int):
    g = selectors.gathering_managed_by(user_of(request), gathering_id)
    return g.supplies.order_by("kind", "pk")


@router.post(
    "/gatherings/{gathering_id}/supplies",
    response={201: SupplyOut, **error_responses(400, 401, 404, 422)},
    summary="Put an item on the checklist",
)
def supply_create(request: HttpRequest, gathering_id: int, payload: SupplyIn):
    user, g = managed_gathering(request, gathering_id)
    return Status(201, logistics.supply_add(gathering=g, by=user, **payload.dict()))


@router.post(
    "/supplies/{supply_id}/toggle",
    response={200: SupplyOut, **error_responses(401, 404)},
    summary="Mark an item ready, or not ready again",
)
def supply_toggle(request: HttpRequest, supply_id: int):
    user = user_of(request)
    item = row_of_managed_gathering(user, SupplyItem, supply_id)
    return logistics.supply_toggle(item=item, by=user)


class SeatOut(Schema):
    row: int
    number: int
    label: str
    person_id: int | None
    person_name: str
    capacity: str
    capacity_label: str
    pinned: bool
    reserved: bool


class SeatPlanOut(Schema):
    room: RoomOut
    version: int = Field(..., description="Send it back with an edit: a stale one is a 409")
    grid: list[list[SeatOut]] = Field(..., description="Every seat, row by row, free ones too")
    rows: list[list[SeatOut]] = Field(..., description="The occupied seats, row by row")
    unseated: list[str]
    seated: int
    warnings: list[str]


class SeatIn(Schema):
    room_id: int
    row: int = Field(..., ge=1)
    number: int = Field(..., ge=1)
    version: int | None = None


class SeatPinIn(SeatIn):
    person_id: int


class SeatClearIn(SeatIn):
    reserve: bool = False


class SeatSwapIn(Schema):
    room_id: int
    first_person_id: int
    second_person_id: int
    version: int | None = None


class SeatResetIn(Schema):
    room_id: int
    drop_pins: bool = False
    confirm: bool = False
    version: int | None = None


def _plan_out(plan: logistics.SeatPlan) -> dict[str, Any]:
    return {
        "room": plan.room,
        "version": plan.version,
        "grid": plan.grid,
        "rows": plan.rows,
        "unseated": plan.unseated,
        "seated": plan.seated,
        "warnings": plan.warnings,
    }


def _seat_room(g: Any, room_id: int | None) -> Room:
    if room_id is None:
        raise BusinessError(_("Choose a room of this congress."), field="room_id")
    try:
        return Room.objects.get(pk=room_id, congress_id=g.congress_id)
    except Room.DoesNotExist:
        raise Http404 from None


@router.get(
    "/gatherings/{gathering_id}/seat-plan",
    response={200: SeatPlanOut, **error_responses(400, 401, 404, 422)},
    summary="Seats by role in a room, with the pinned and reserved seats; who does not fit",
)
def seat_plan(request: HttpRequest, gathering_id: int, room_id: int | None = None):
    # The meeting is looked up (and refused) before the room is asked for.
    g = selectors.gathering_managed_by(user_of(request), gathering_id)
    return _plan_out(logistics.seat_plan(g, _seat_room(g, room_id)))


SEAT_EDIT_ERRORS = error_responses(400, 401, 404, 409, 422)


def _seat_edit(
    request: HttpRequest, gathering_id: int, room_id: int
) -> tuple[Any, Gathering, Room]:
    """The editor, the meeting they manage (404 otherwise) and the room of its seat plan."""
    user, g = managed_gathering(request, gathering_id)
    return user, g, _seat_room(g, room_id)


@router.put(
    "/gatherings/{gathering_id}/seat-plan/pins",
    response={200: SeatPlanOut, **SEAT_EDIT_ERRORS},
    summary="Pin someone on the roster to a seat (a seat taken by another is a 400)",
)
def seat_pin(request: HttpRequest, gathering_id: int, payload: SeatPinIn):
    user, g, room = _seat_edit(request, gathering_id, payload.room_id)
    person = person_of_congress(g.congress_id, payload.person_id)
    plan = logistics.seat_pin(
        gathering=g,
        room=room,
        person=person,
        row=payload.row,
        number=payload.number,
        version=payload.version,
        by=user,
    )
    return _plan_out(plan)


@router.post(
    "/gatherings/{gathering_id}/seat-plan/swap",
    response={200: SeatPlanOut, **SEAT_EDIT_ERRORS},
    summary="Swap two seated people (both are pinned to each other's seat)",
)
def seat_swap(request: HttpRequest, gathering_id: int, payload: SeatSwapIn):
    user, g, room = _seat_edit(request, gathering_id, payload.room_id)
    first = person_of_congress(g.congress_id, payload.first_person_id, "first_person_id")
    second = person_of_congress(g.congress_id, payload.second_person_id, "second_person_id")
    plan = logistics.seat_swap(
        gathering=g, room=room, first=first, second=second, version=payload.version, by=user
    )
    return _plan_out(plan)


@router.post(
    "/gatherings/{gathering_id}/seat-plan/clear",
    response={200: SeatPlanOut, **SEAT_EDIT_ERRORS},
    summary="Unpin a seat, or keep it free (reserve)",
)
def seat_clear(request: HttpRequest, gathering_id: int, payload: SeatClearIn):
    user, g, room = _seat_edit(request, gathering_id, payload.room_id)
    plan = logistics.seat_clear(
        gathering=g,
        room=room,
        row=payload.row,
        number=payload.number,
        reserve=payload.reserve,
        version=payload.version,
        by=user,
    )
    return _plan_out(plan)


@router.post(
    "/gatherings/{gathering_id}/seat-plan/reset",
    response={200: SeatPlanOut, **SEAT_EDIT_ERRORS},
    summary="Generate the plan again by role; pins stay unless drop_pins with confirm",
)
def seat_reset(request: HttpRequest, gathering_id: int, payload: SeatResetIn):
    user, g, room = _seat_edit(request, gathering_id, payload.room_id)
    plan = logistics.seat_plan_reset(
        gathering=g,
        room=room,
        drop_pins=payload.drop_pins,
        confirm=payload.confirm,
        version=payload.version,
        by=user,
    )
    return _plan_out(plan)


# --- the printable and Excel lists ----------------------------------------------------------

BINARY = {"schema": {"type": "string", "format": "binary"}}
LIST_CONTENT = {
    "pdf": "application/pdf",
    "xlsx": XLSX_CONTENT_TYPE,
}


@router.get(
    "/gatherings/{gathering_id}/lists/{name}",
    response={200: None, **error_responses(400, 401, 404, 422)},
    summary="A list as Excel or PDF: rooms, accommodation, meals (counts by day, dietary "
    "needs), pickups, supplies, seat-plan (with room_id), attendance (to sign) or roster",
    openapi_extra={
        "responses": {
            200: {
                "description": "The list as a file (xlsx or pdf, as asked in format)",
                "content": dict.fromkeys(LIST_CONTENT.values(), BINARY),
            }
        },
    },
)
def list_download(
    request: HttpRequest,
    gathering_id: int,
    name: str = Path(..., description="One of: " + ", ".join(logistics.LIST_NAMES)),
    format: Literal["xlsx", "pdf"] = "xlsx",
    room_id: int | None = None,
):
    # The meeting is looked up (and refused) before anything else is asked for.
    g = selectors.gathering_managed_by(user_of(request), gathering_id)
    if name not in logistics.LIST_NAMES:
        raise Http404
    room = _seat_room(g, room_id) if name == "seat-plan" else None
    table = logistics.list_table(g, name, room=room)
    data = logistics.list_xlsx(table) if format == "xlsx" else logistics.list_pdf(g, table)
    response = HttpResponse(data, content_type=LIST_CONTENT[format])
    filename = f"{g.title}-{name}.{format}"
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    return response
