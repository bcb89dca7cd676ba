from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sanxing.gatherings.kinds import kind_choices
from sanxing.gatherings.models import AgendaItem, Ballot, Vote
from sanxing.people.models import Organisation

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class GatheringForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=())
    title = forms.CharField(label=_("Title"), max_length=200)
    sitting = forms.IntegerField(
        label=_("Sitting number"),
        min_value=1,
        required=False,
        help_text=_("Leave empty to number it after the last meeting of this kind in the term."),
    )
    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices()  # type: ignore[attr-defined]


class CloneForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )


class QuickSelect(forms.Select):
    """A plain <select> rendered in Python: Django renders every option through a template
    (about 0.1 ms an option), most of the meeting page's time with its list of bodies. No
    option groups; everything is escaped by ``format_html``."""

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = {str(v) for v in self.format_value(value)}
        selected = mark_safe(" selected")
        options = format_html_join(
            "\n",
            '<option value="{}"{}>{}</option>',
            (
                (key, selected if key in chosen else "", label)
                for key, label in (
                    ("" if v is None else str(v), label) for v, label in self.choices
                )
            ),
        )
        return format_html("<select{}>\n{}\n</select>", flatatt(final), options)


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Agenda item"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=AgendaItem.Kind.choices)
    presenting_body = forms.ModelChoiceField(
        label=_("Presenting body"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=QuickSelect,
    )
    responsible_committee = forms.ModelChoiceField(
        label=_("Responsible special committee"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=QuickSelect,
    )

    def __init__(self, *args, congress_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = Organisation.objects.filter(congress_id=congress_id)
        self.fields["presenting_body"].queryset = (  # type: ignore[attr-defined]
            orgs.filter(parent__isnull=True)
        )
        self.fields["responsible_committee"].queryset = orgs.filter(  # type: ignore[attr-defined]
            kind=Organisation.Kind.SPECIAL_COMMITTEE
        )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason for withdrawal"), max_length=300)


class LeaveForm(forms.Form):
    person = forms.ChoiceField(label=_("Person"), choices=(), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args, people: list[tuple[int, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is None:
            del self.fields["person"]
        else:
            self.fields["person"].choices = people  # type: ignore[attr-defined]
            self.fields["person"].required = True


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Check-in code"),
        max_length=12,
        help_text=_("The six digits on the screen in the hall."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*"}
        ),
    )


class VoteOpenForm(forms.Form):
    motion = forms.CharField(label=_("Motion put to the vote"), max_length=300)
    mode = forms.ChoiceField(
        label=_("How the vote is recorded"),
        choices=Vote.Mode.choices,
        widget=forms.RadioSelect,
        initial=Vote.Mode.NAMED,
    )


class BallotForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    option = forms.ChoiceField(
        label=_("Option"),
        choices=[(o.value, o.label) for o in Ballot.Option if o.value in ("yes", "no", "abstain")],
    )


class CountsForm(forms.Form):
    yes = forms.IntegerField(label=pgettext_lazy("vote option", "Yes"), min_value=0)
    no = forms.IntegerField(label=pgettext_lazy("vote option", "No"), min_value=0)
    abstain = forms.IntegerField(label=pgettext_lazy("vote option", "Abstain"), min_value=0)


class ChecklistTaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    offset_days = forms.IntegerField(
        label=_("Days from the meeting"),
        help_text=_("Negative for before the meeting: -7 is a week before."),
        min_value=-365,
        max_value=365,
    )
    working_days = forms.BooleanField(label=_("Count working days"), required=False, initial=True)
    counterpart = forms.ChoiceField(
        label=_("Outside body to coordinate with"),
        required=False,
        help_text=_("For coordination tasks with the Party committee, government, CPPCC, courts…"),
    )
    counterpart_contact = forms.CharField(label=_("Contact"), max_length=120, required=False)

    def __init__(self, *args, **kwargs):
        from sanxing.gatherings.models import COUNTERPARTS

        super().__init__(*args, **kwargs)
        self.fields["counterpart"].choices = [("", "—"), *COUNTERPARTS]  # type: ignore[attr-defined]


def local_input(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M")


# --- follow-up ------------------------------------------------------------------------------


def _organisations(congress_id: int):
    return Organisation.objects.filter(congress_id=congress_id).order_by("name")


class MinutesForm(forms.Form):
    text = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 8}))


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=())
    text = forms.CharField(label=_("Decision"), widget=forms.Textarea(attrs={"rows": 3}))
    agenda_item = forms.ModelChoiceField(
        label=_("Agenda item"), queryset=AgendaItem.objects.none(), required=False
    )
    units = forms.ModelMultipleChoiceField(
        label=_("Implementing units"), queryset=Organisation.objects.none(), required=False
    )

    def __init__(self, *args, gathering, **kwargs):
        super().__init__(*args, **kwargs)
        from sanxing.gatherings.models import Decision

        self.fields["kind"].choices = Decision.Kind.choices  # type: ignore[attr-defined]
        self.fields["agenda_item"].queryset = gathering.agenda_items.filter(  # type: ignore[attr-defined]
            withdrawn_at__isnull=True
        )
        self.fields["units"].queryset = _organisations(gathering.congress_id)  # type: ignore[attr-defined]


class RemarkForm(forms.Form):
    """``person_choices``: the roster (the office records for anyone on it); ``None`` for a
    member speaking for themselves. Choices are given, not queried, so a page with many agenda
    items asks the database once."""

    person = forms.TypedChoiceField(label=_("Speaker"), coerce=int, choices=())
    text = forms.CharField(label=_("Remark"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, person_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if person_choices is None:
            del self.fields["person"]
        else:
            self.fields["person"].choices = [("", "—"), *person_choices]  # type: ignore[attr-defined]


class OpinionForm(forms.Form):
    title = forms.CharField(label=_("Title of the review opinion"), max_length=200)
    preface = forms.CharField(
        label=_("Preface"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    remarks = forms.TypedMultipleChoiceField(
        label=_("Remarks"),
        coerce=int,
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    units = forms.TypedMultipleChoiceField(
        label=_("Handling units"), coerce=int, choices=(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, remark_choices=(), unit_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remarks"].choices = list(remark_choices)  # type: ignore[attr-defined]
        self.fields["units"].choices = list(unit_choices)  # type: ignore[attr-defined]


# --- logistics ------------------------------------------------------------------------------

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _roster_persons(gathering):
    from sanxing.people.models import Person

    return Person.objects.filter(pk__in=gathering.roster.values("person_id")).order_by("name")


class RoomForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1)
    seats_per_row = forms.IntegerField(label=_("Seats per row"), min_value=1, initial=10)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)


class BookingForm(forms.Form):
    room = forms.ModelChoiceField(label=_("Room"), queryset=Organisation.objects.none())
    starts_at = forms.DateTimeField(
        label=_("From"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
    ends_at = forms.DateTimeField(
        label=_("Until"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=120, required=False)

    def __init__(self, *args, gathering, **kwargs):
        from sanxing.gatherings.models import Room

        kwargs.setdefault("auto_id", "booking_%s")
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = Room.objects.filter(congress_id=gathering.congress_id)  # type: ignore[attr-defined]
        self.fields["starts_at"].initial = local_input(gathering.starts_at)
        self.fields["ends_at"].initial = local_input(gathering.ends_at)


class _RosterPersonForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=Organisation.objects.none())
    prefix_id = "x"

    def __init__(self, *args, gathering, **kwargs):
        kwargs.setdefault("auto_id", f"{self.prefix_id}_%s")
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _roster_persons(gathering)  # type: ignore[attr-defined]


class AccommodationForm(_RosterPersonForm):
    prefix_id = "stay"
    hotel = forms.CharField(label=_("Hotel"), max_length=120)
    room_number = forms.CharField(label=_("Room number"), max_length=20, required=False)
    check_in_on = forms.DateField(label=_("Check-in"), widget=DATE_WIDGET)
    check_out_on = forms.DateField(label=_("Check-out"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class DietaryNeedForm(_RosterPersonForm):
    prefix_id = "diet"
    need = forms.ChoiceField(label=_("Dietary need"), choices=())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        from sanxing.gatherings.models import DietaryNeed

        super().__init__(*args, **kwargs)
        self.fields["need"].choices = DietaryNeed.Need.choices  # type: ignore[attr-defined]


class MealForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=DATE_WIDGET)
    kind = forms.ChoiceField(label=_("Meal"), choices=())
    place = forms.CharField(label=_("Place"), max_length=120, required=False)
    extra = forms.IntegerField(label=_("Extra covers"), min_value=0, initial=0)

    def __init__(self, *args, gathering, **kwargs):
        from sanxing.gatherings.models import Meal

        kwargs.setdefault("auto_id", "meal_%s")
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Meal.Kind.choices  # type: ignore[attr-defined]


class VehicleForm(forms.Form):
    plate = forms.CharField(label=_("Number plate"), max_length=20)
    driver = forms.CharField(label=_("Driver"), max_length=60, required=False)
    seats = forms.IntegerField(label=_("Seats"), min_value=1)

    def __init__(self, *args, gathering, **kwargs):
        kwargs.setdefault("auto_id", "vehicle_%s")
        super().__init__(*args, **kwargs)


class PickUpForm(_RosterPersonForm):
    prefix_id = "pickup"
    vehicle = forms.ModelChoiceField(label=_("Vehicle"), queryset=Organisation.objects.none())
    at = forms.DateTimeField(
        label=_("Pick-up time"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
    from_place = forms.CharField(label=_("From"), max_length=120)
    to_place = forms.CharField(label=_("To"), max_length=120)

    def __init__(self, *args, gathering, **kwargs):
        super().__init__(*args, gathering=gathering, **kwargs)
        self.fields["vehicle"].queryset = gathering.vehicles.all()  # type: ignore[attr-defined]


class SupplyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=())
    title = forms.CharField(label=_("Item"), max_length=200)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, initial=1)

    def __init__(self, *args, gathering, **kwargs):
        from sanxing.gatherings.models import SupplyItem

        kwargs.setdefault("auto_id", "supply_%s")
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = SupplyItem.Kind.choices  # type: ignore[attr-defined]


class ContingencyPlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    file = forms.FileField(label=_("File"), required=False)


# --- activities -----------------------------------------------------------------------------


class ParticipantForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=Organisation.objects.none())
    capacity = forms.ChoiceField(
        label=_("Takes part as"),
        choices=[
            ("voting_member", _("committee member")),
            ("invited_deputy", _("invited deputy")),
            ("staff", _("staff")),
        ],
    )

    def __init__(self, *args, activity, **kwargs):
        from sanxing.people.models import Person

        kwargs.setdefault("auto_id", "participant_%s")
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (  # type: ignore[attr-defined]
            Person.objects.filter(congress_id=activity.congress_id)
            .exclude(pk__in=activity.roster.values("person_id"))
            .order_by("name")
        )


class StopForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=DATE_WIDGET)
    place = forms.CharField(label=_("Place"), max_length=200)
    host = forms.CharField(label=_("Host"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "stop_%s")
        super().__init__(*args, **kwargs)


class ReportForm(forms.Form):
    findings = forms.CharField(
        label=_("Findings"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    report = forms.CharField(
        label=_("Report"), widget=forms.Textarea(attrs={"rows": 8}), required=False
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "report_%s")
        super().__init__(*args, **kwargs)


class ActivityOpinionForm(forms.Form):
    title = forms.CharField(label=_("Title of the review opinion"), max_length=200)
    content = forms.CharField(label=_("Review opinion"), widget=forms.Textarea(attrs={"rows": 6}))
    units = forms.ModelMultipleChoiceField(
        label=_("Handling units"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, activity, **kwargs):
        kwargs.setdefault("auto_id", "opinion_%s")
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            congress_id=activity.congress_id, kind=Organisation.Kind.HANDLING_UNIT
        ).order_by("name")
