"""The calendar page: a year of months, the deadline calculator, the office's corrections
and the yearly import. Reading is for every signed-in user; changing is for office staff."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from sanxing.core.errors import BusinessError
from sanxing.workcal import selectors, services
from sanxing.workcal.forms import DeadlineForm, ImportForm, OverrideForm
from sanxing.workcal.imports import ImportFileError, read_rows
from sanxing.workcal.periods import compute_deadline, format_day

# Column heads of a month: one character in Chinese (一 … 日), so a month fits a phone.
WEEKDAY_HEADERS = [
    pgettext_lazy("month column", "Mon"),
    pgettext_lazy("month column", "Tue"),
    pgettext_lazy("month column", "Wed"),
    pgettext_lazy("month column", "Thu"),
    pgettext_lazy("month column", "Fri"),
    pgettext_lazy("month column", "Sat"),
    pgettext_lazy("month column", "Sun"),
]


def _year_context(request: HttpRequest, year: int) -> dict:
    calendar = selectors.current_calendar()
    return {
        "year": year,
        "grids": selectors.month_grids(year, calendar),
        "special_days": selectors.special_days(year, calendar),
        "calendar_year": selectors.calendar_year(year),
        "provisional": not calendar.has_schedule(year),
        "overrides": list(selectors.overrides_in_year(year)),
        "can_edit": services.can_edit_calendar(request.user),
        "deadline_form": DeadlineForm(),
        "weekday_names": [(str(WEEKDAY_HEADERS[i]), WEEKDAYS[i]) for i in range(7)],
    }


@login_required
def year_view(request: HttpRequest, year: int | None = None) -> HttpResponse:
    today = timezone.localdate()
    if year is None and request.GET.get("y"):
        return redirect("workcal:year", year=selectors.valid_year(request.GET["y"], today.year))
    shown = selectors.valid_year(year, today.year) if year is not None else today.year
    context = _year_context(request, shown)
    context["today"] = today
    if context["can_edit"]:
        first = today if today.year == shown else f"{shown}-01-01"
        context["override_form"] = OverrideForm(initial={"date": first})
    return render(request, "workcal/year.html", context)


@login_required
def deadline_view(request: HttpRequest) -> HttpResponse:
    """The calculator; an htmx request gets only the result."""
    form = DeadlineForm(request.GET or None)
    deadline, error = None, None
    if form.is_valid():
        try:
            deadline = compute_deadline(
                start=form.cleaned_data["start"],
                period=form.cleaned_data["period"],
                extend_by=form.cleaned_data["extend_by"] or 0,
            )
        except ValueError as exc:
            error = str(exc)
    partial = bool(getattr(request, "htmx", False))  # django-htmx's HtmxDetails
    context = {
        "deadline_form": form,
        "deadline": deadline,
        "error": error,
        "standalone": not partial,
    }
    template = "workcal/_deadline_result.html" if partial else "workcal/deadline.html"
    return render(request, template, context)


@login_required
@require_POST
def override_add(request: HttpRequest) -> HttpResponse:
    if not services.can_edit_calendar(request.user):
        raise PermissionDenied
    form = OverrideForm(request.POST)
    if form.is_valid():
        day = form.cleaned_data["date"]
        try:
            services.calendar_override_add(
                date=day,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except BusinessError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _("%(day)s is corrected. Open deadlines that it touches were counted again.")
                % {"day": format_day(day)},
            )
            return redirect("workcal:year", year=day.year)
    year = form.cleaned_data["date"].year if "date" in form.cleaned_data else None
    year = year or timezone.localdate().year
    context = _year_context(request, year)
    context["override_form"] = form
    return render(request, "workcal/year.html", context, status=400)


@login_required
@require_POST
def override_remove(request: HttpRequest, pk: int) -> HttpResponse:
    if not services.can_edit_calendar(request.user):
        raise PermissionDenied
    override = selectors.override_for_user(request.user, pk)
    try:
        services.calendar_override_remove(override=override, by=request.user)
    except BusinessError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The correction of %(day)s is removed. Open deadlines were counted again.")
            % {"day": format_day(override.date)},
        )
    return redirect("workcal:year", year=override.date.year)


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    if not services.can_edit_calendar(request.user):
        raise PermissionDenied
    initial = (
        {"year": selectors.valid_year(request.GET.get("year"), 0)} if "year" in request.GET else {}
    )
    form = ImportForm(request.POST or None, request.FILES or None, initial=initial or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["year"]
        upload = form.cleaned_data["file"]
        try:
            rows = read_rows(content=upload.read(), filename=upload.name, year=year)
            services.calendar_year_import(year=year, rows=rows, by=request.user)
        except ImportFileError as exc:
            errors = exc.errors
            form.add_error("file", _("Nothing was imported: correct the rows listed below."))
        except BusinessError as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(
                request,
                _(
                    "The schedule of %(year)s is imported (%(count)s days). The year is no "
                    "longer provisional, and open deadlines were counted again."
                )
                % {"year": year, "count": len(rows)},
            )
            return redirect("workcal:year", year=year)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "workcal/import.html", {"form": form, "row_errors": errors}, status=status
    )
