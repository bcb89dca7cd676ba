"""Logistics pages: rooms, bookings, seat plan, accommodation, meals, transport, supplies;
printable lists and Excel exports. Everything here is the office's (others get 404)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sanxing.core.errors import BusinessError
from sanxing.core.excel import excel_response
from sanxing.core.pdf import pdf_response
from sanxing.gatherings import forms, logistics, selectors
from sanxing.gatherings.models import Gathering, Room, RoomBooking, SupplyItem
from sanxing.people.access import viewer_for


def _fail(form: Any, exc: BusinessError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


# section → (form class, service, success message)
SECTIONS: dict[str, tuple[Any, Callable[..., Any], Any]] = {
    "booking": (forms.BookingForm, logistics.room_book, gettext_lazy("The room is booked.")),
    "stay": (
        forms.AccommodationForm,
        logistics.accommodation_add,
        gettext_lazy("The room is assigned."),
    ),
    "meal": (forms.MealForm, logistics.meal_add, gettext_lazy("The meal is planned.")),
    "diet": (
        forms.DietaryNeedForm,
        logistics.dietary_need_add,
        gettext_lazy("The dietary need is recorded."),
    ),
    "vehicle": (forms.VehicleForm, logistics.vehicle_add, gettext_lazy("The vehicle is added.")),
    "pickup": (
        forms.PickUpForm,
        logistics.pick_up_add,
        gettext_lazy("The pick-up is scheduled."),
    ),
    "supply": (
        forms.SupplyForm,
        logistics.supply_add,
        gettext_lazy("The item is on the checklist."),
    ),
}


def _context(g: Gathering, bound: dict[str, Any]) -> dict[str, Any]:
    context: dict[str, Any] = {
        "g": g,
        "bookings": list(g.room_bookings.select_related("room").order_by("starts_at")),
        "stays": list(g.accommodations.select_related("person").order_by("hotel", "room_number")),
        "meals": logistics.meal_counts(g),
        "needs": list(g.dietary_needs.select_related("person").order_by("need", "person__name")),
        "vehicles": list(g.vehicles.all()),
        "pickups": list(g.pick_ups.select_related("vehicle", "person").order_by("at")),
        "supplies": list(g.supplies.order_by("kind", "pk")),
        "downloads": logistics.PAGE_LISTS,
    }
    hotels: dict[str, list[Any]] = {}
    for stay in context["stays"]:
        hotels.setdefault(stay.hotel, []).append(stay)
    context["hotels"] = hotels
    for name, (form_class, _service, _msg) in SECTIONS.items():
        context[f"{name}_form"] = bound.get(name) or form_class(gathering=g)
    return context


@login_required
def logistics_page(request: HttpRequest, pk: int) -> HttpResponse:
    g = selectors.gathering_managed_by(request.user, pk)
    return render(request, "gatherings/logistics.html", _context(g, {}))


@login_required
@require_POST
def logistics_add(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    g = selectors.gathering_managed_by(request.user, pk)
    if section not in SECTIONS:
        raise Http404
    form_class, service, msg = SECTIONS[section]
    form = form_class(request.POST, gathering=g)
    if form.is_valid():
        try:
            service(gathering=g, by=request.user, **form.cleaned_data)
        except BusinessError as exc:
            _fail(form, exc)
        else:
            messages.success(request, str(msg))
            return redirect(reverse("gatherings:logistics", args=[g.pk]) + f"#{section}")
    response = render(request, "gatherings/logistics.html", _context(g, {section: form}))
    response.status_code = 400
    return response


@login_required
@require_POST
def booking_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        booking = RoomBooking.objects.select_related("gathering").get(pk=pk)
    except RoomBooking.DoesNotExist:
        raise Http404 from None
    selectors.gathering_managed_by(request.user, booking.gathering_id)
    logistics.booking_cancel(booking=booking, by=request.user)
    messages.success(request, _("The booking is cancelled."))
    return redirect(reverse("gatherings:logistics", args=[booking.gathering_id]) + "#booking")


@login_required
@require_POST
def supply_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        item = SupplyItem.objects.get(pk=pk)
    except SupplyItem.DoesNotExist:
        raise Http404 from None
    selectors.gathering_managed_by(request.user, item.gathering_id)
    logistics.supply_toggle(item=item, by=request.user)
    return redirect(reverse("gatherings:logistics", args=[item.gathering_id]) + "#supply")


SEAT_ACTIONS = ("pin", "swap", "clear", "reserve", "reset")


def _int(data: Any, name: str) -> int | None:
    try:
        return int(data.get(name, ""))
    except (TypeError, ValueError):
        return None


def _seat(data: Any) -> tuple[int, int]:
    """A seat given as "row-number" (the seat choice) or as row and number."""
    raw = str(data.get("seat", ""))
    if "-" in raw:
        row, _sep, number = raw.partition("-")
        if row.isdigit() and number.isdigit():
            return int(row), int(number)
    row_n, number_n = _int(data, "row"), _int(data, "number")
    if row_n is None or number_n is None:
        raise BusinessError(_("Choose a seat."), field="seat")
    return row_n, number_n


def _roster_person(g: Gathering, data: Any, name: str) -> Any:
    person_id = _int(data, name)
    entry = (
        g.roster.select_related("person").filter(person_id=person_id).first()
        if person_id is not None
        else None
    )
    if entry is None:
        raise BusinessError(_("Choose someone on the meeting's roster."), field=name)
    return entry.person


def seat_action(g: Gathering, room: Room, action: str, data: Any, by: Any) -> str:
    """Apply one edit of the seat plan from a form's data; the success message."""
    version = _int(data, "version")
    if action == "pin":
        person = _roster_person(g, data, "person")
        row, number = _seat(data)
        logistics.seat_pin(
            gathering=g, room=room, person=person, row=row, number=number, version=version, by=by
        )
        return _("%(name)s is pinned to seat %(seat)s.") % {
            "name": person.name,
            "seat": f"{row}-{number}",
        }
    if action == "swap":
        first = _roster_person(g, data, "first")
        second = _roster_person(g, data, "second")
        logistics.seat_swap(
            gathering=g, room=room, first=first, second=second, version=version, by=by
        )
        return _("%(first)s and %(second)s swapped seats.") % {
            "first": first.name,
            "second": second.name,
        }
    if action in ("clear", "reserve"):
        row, number = _seat(data)
        logistics.seat_clear(
            gathering=g,
            room=room,
            row=row,
            number=number,
            reserve=action == "reserve",
            version=version,
            by=by,
        )
        if action == "reserve":
            return _("Seat %(seat)s is reserved.") % {"seat": f"{row}-{number}"}
        return _("Seat %(seat)s is cleared.") % {"seat": f"{row}-{number}"}
    if action == "reset":
        logistics.seat_plan_reset(
            gathering=g,
            room=room,
            drop_pins=bool(data.get("drop_pins")),
            confirm=bool(data.get("confirm")),
            version=version,
            by=by,
        )
        return _("The seat plan is generated again by role.")
    raise BusinessError(_("Choose what to do."), field="action")


def _room_of(g: Gathering, room_id: int) -> Room:
    try:
        return Room.objects.get(pk=room_id, congress_id=g.congress_id)
    except Room.DoesNotExist:
        raise Http404 from None


@login_required
def seat_plan(request: HttpRequest, pk: int, room_id: int) -> HttpResponse:
    """The seat plan: by role, with the clerk's pins. POST edits it (pin, swap, clear,
    reserve, reset); ``?format=xlsx`` or ``?format=pdf`` downloads it."""
    g = selectors.gathering_managed_by(request.user, pk)
    room = _room_of(g, room_id)
    error = ""
    status = 200
    if request.method == "POST":
        try:
            message = seat_action(
                g, room, request.POST.get("action", ""), request.POST, request.user
            )
        except BusinessError as exc:
            error, status = exc.message, getattr(exc, "status", 400)
        else:
            messages.success(request, message)
            return redirect(reverse("gatherings:seat_plan", args=[g.pk, room.pk]))
    plan = logistics.seat_plan(g, room)
    fmt = request.GET.get("format")
    if fmt == "xlsx":
        columns, rows = logistics.seat_plan_table(plan)
        return excel_response(f"{g.title}-{room.name}.xlsx", columns, rows, sheet_title="seats")
    if fmt == "pdf":
        return pdf_response(f"{g.title}-{room.name}.pdf", logistics.seat_plan_pdf(g, plan))
    roster = sorted(plan.roster, key=lambda e: (e.person.name, e.person_id))
    response = render(
        request,
        "gatherings/seat_plan.html",
        {
            "g": g,
            "plan": plan,
            "roster": roster,
            "seats": [s for row in plan.grid for s in row],
            "error": error,
            "changes": logistics.seat_plan_changes(plan),
        },
    )
    response.status_code = status
    return response


@login_required
def logistics_export(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    """One list as an Excel workbook: rooms, accommodation, meals, pickups, supplies,
    attendance or roster (the seat plan's is on its page)."""
    g = selectors.gathering_managed_by(request.user, pk)
    if what not in logistics.LIST_NAMES or what == "seat-plan":
        raise Http404
    table = logistics.list_table(g, what)
    return excel_response(f"{g.title}-{what}.xlsx", table.columns, table.rows, sheet_title=what)


@login_required
def logistics_print(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    """The same list as a printable PDF (A4, CJK fonts), built from the same table as the
    workbook and the API's ``/lists/{name}?format=pdf``."""
    g = selectors.gathering_managed_by(request.user, pk)
    if what not in logistics.LIST_NAMES or what == "seat-plan":
        raise Http404
    table = logistics.list_table(g, what)
    return pdf_response(f"{g.title}-{what}.pdf", logistics.list_pdf(g, table))


@login_required
def rooms(request: HttpRequest) -> HttpResponse:
    """The rooms the office books (office staff only)."""
    if not selectors.can_manage(request.user):
        raise Http404
    v = viewer_for(request.user)
    form = forms.RoomForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        from sanxing.people.models import Congress

        try:
            logistics.room_add(
                congress=Congress.objects.get(pk=v.congress_id),
                by=request.user,
                **form.cleaned_data,
            )
        except BusinessError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("The room is added."))
            return redirect("gatherings:rooms")
    return render(
        request,
        "gatherings/rooms.html",
        {"rooms": Room.objects.filter(congress_id=v.congress_id), "form": form},
    )
