"""Forms collect and check the shape of input; the rules live in services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sanxing.casework.kinds import SPECS, Channel, EvaluationValue, Kind, Topic
from sanxing.casework.models import ContactRecord, Item, SupervisionLog
from sanxing.people.models import Organisation, Person, Role, User


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; the limits are checked by the service."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def _attachments_help() -> str:
    from sanxing.documents.attachments import max_bytes

    return _("PDF, Word, Excel, JPG, PNG, text or OFD files, at most %(max)s MB each.") % {
        "max": f"{max_bytes() / (1024 * 1024):.0f}"
    }


def attachments_field() -> MultipleFileField:
    # The limit is read when the form is shown, so a changed setting shows at once.
    return MultipleFileField(label=_("Attachments"), help_text=lazy(_attachments_help, str)())


def _units(congress_id: int | None):
    return Organisation.objects.filter(
        congress_id=congress_id, kind=Organisation.Kind.HANDLING_UNIT
    ).order_by("sort_order", "name")


def _deputies(congress_id: int | None):
    return (
        Person.objects.filter(
            congress_id=congress_id,
            roles__kind=Role.Kind.DEPUTY,
            roles__deleted_at__isnull=True,
        )
        .distinct()
        .order_by("name")
    )


class SuggestionForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("casework", "Title"), max_length=200)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea, required=False)
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices)
    channel = forms.ChoiceField(
        label=_("How it arrived"),
        choices=[
            (c.value, c.label) for c in (Channel.SESSION, Channel.BETWEEN_SESSIONS, Channel.ONLINE)
        ],
        initial=Channel.BETWEEN_SESSIONS,
    )
    submitted_on = forms.DateField(label=_("Submitted on"), widget=DateInput())
    lead = forms.ModelChoiceField(label=_("Lead deputy"), queryset=Person.objects.none())
    co_signers = forms.ModelMultipleChoiceField(
        label=_("Co-signing deputies"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    public_disclosure_agreed = forms.BooleanField(
        label=_("I agree that the reply may be published"), required=False
    )
    register_now = forms.BooleanField(label=_("Register it now"), required=False, initial=True)

    def __init__(
        self,
        *args: Any,
        congress_id: int | None,
        office: bool = True,
        kind: str = Kind.SUGGESTION,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if kind == Kind.REVIEW_OPINION:
            # Compiled by the office from a committee meeting: no deputies behind it.
            self.fields["lead"].required = False
        if kind == Kind.MOTION:
            del self.fields["register_now"]
        deputies = _deputies(congress_id)
        self.fields["lead"].queryset = deputies  # type: ignore[attr-defined]
        self.fields["co_signers"].queryset = deputies  # type: ignore[attr-defined]
        self.fields["submitted_on"].initial = timezone.localdate()
        if not office:
            # A deputy submits online and leads the suggestion; the office registers it.
            for name in ("lead", "register_now", "channel", "submitted_on"):
                del self.fields[name]


class LetterForm(forms.Form):
    petitioner_name = forms.CharField(label=_("Writer's name"), max_length=60)
    petitioner_phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    petitioner_id_number = forms.CharField(label=_("ID number"), max_length=18, required=False)
    petitioner_address = forms.CharField(label=_("Address"), max_length=200, required=False)
    petitioner_email = forms.EmailField(label=_("E-mail"), required=False)
    channel = forms.ChoiceField(
        label=_("How it arrived"),
        choices=[
            (c.value, c.label)
            for c in (Channel.LETTER, Channel.VISIT, Channel.EMAIL, Channel.WEB, Channel.PHONE)
        ],
    )
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())
    title = forms.CharField(label=_("Matter"), max_length=200)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea, required=False)
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices)
    attachments = attachments_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()


class AssignForm(forms.Form):
    lead_unit = forms.ModelChoiceField(
        label=_("Lead unit"), queryset=Organisation.objects.none(), required=False
    )
    co_units = forms.ModelMultipleChoiceField(
        label=_("Co-handling units"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    on = forms.DateField(label=_("Assigned on"), widget=DateInput())
    is_hard = forms.BooleanField(
        label=_("Wide-ranging or hard: six months to reply (Deputies Law Art. 51)"),
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, congress_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = _units(congress_id)
        self.fields["lead_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["co_units"].queryset = units  # type: ignore[attr-defined]
        self.fields["on"].initial = timezone.localdate()


class BulkAssignForm(forms.Form):
    """Several registered items to one set of units."""

    items = forms.ModelMultipleChoiceField(
        label=_("Items"), queryset=Item.objects.none(), widget=forms.MultipleHiddenInput
    )
    lead_unit = forms.ModelChoiceField(label=_("Lead unit"), queryset=Organisation.objects.none())
    co_units = forms.ModelMultipleChoiceField(
        label=_("Co-handling units"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    on = forms.DateField(label=_("Assigned on"), widget=DateInput())
    is_hard = forms.BooleanField(
        label=_("Wide-ranging or hard: six months to reply (Deputies Law Art. 51)"),
        required=False,
    )

    def __init__(self, *args: Any, items: Any, congress_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = _units(congress_id)
        self.fields["items"].queryset = items  # type: ignore[attr-defined]
        self.fields["lead_unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["co_units"].queryset = units  # type: ignore[attr-defined]
        self.fields["on"].initial = timezone.localdate()


class RegisterForm(forms.Form):
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices)
    on = forms.DateField(label=_("Registered on"), widget=DateInput())
    version = forms.IntegerField(widget=forms.HiddenInput)


class MotionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("The presidium's decision"),
        choices=[
            ("agenda", _("put on the session's agenda")),
            ("refer", _("referred to a special committee")),
            ("convert", _("handled as a suggestion")),
        ],
        widget=forms.RadioSelect,
    )
    on = forms.DateField(label=_("Decided on"), widget=DateInput())
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ReplyForm(forms.Form):
    reply_class = forms.ChoiceField(label=_("Class of the reply"), required=False)
    text = forms.CharField(label=_("Reply"), widget=forms.Textarea)
    committed_on = forms.DateField(
        label=_("Promised date (class B)"), required=False, widget=DateInput()
    )
    signed_by = forms.CharField(label=_("Signed by"), max_length=60)
    sent_on = forms.DateField(label=_("Sent on"), widget=DateInput())
    attachments = attachments_field()

    def __init__(self, *args: Any, kind: str, is_lead: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sent_on"].initial = timezone.localdate()
        if is_lead:
            self.fields["reply_class"].choices = [("", "—"), *SPECS[kind].reply_classes]  # type: ignore[attr-defined]
            self.fields["reply_class"].required = True
        else:
            del self.fields["reply_class"]
            del self.fields["committed_on"]
            self.fields["text"].label = _("Opinion to the lead unit")


class EvaluationForm(forms.Form):
    value = forms.ChoiceField(
        label=_("Are you satisfied with the reply?"),
        choices=EvaluationValue.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you are not satisfied: the unit handles it again."),
    )


class ContactForm(forms.Form):
    contacted_on = forms.DateField(label=_("Contacted on"), widget=DateInput())
    method = forms.ChoiceField(label=_("How"), choices=ContactRecord.Method.choices)
    note = forms.CharField(
        label=_("What was said"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SupervisionForm(forms.Form):
    method = forms.ChoiceField(label=_("How"), choices=SupervisionLog.Method.choices)
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}))


class SupervisionNoteForm(forms.Form):
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}))


class KeySupervisionForm(forms.Form):
    leader = forms.ModelChoiceField(label=_("Supervising leader"), queryset=Person.objects.none())

    def __init__(self, *args: Any, congress_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = (  # type: ignore[attr-defined]
            Person.objects.filter(
                congress_id=congress_id,
                roles__kind__in=Role.LEADER_KINDS,
                roles__deleted_at__isnull=True,
            )
            .filter(roles__starts_on__lte=timezone.localdate())
            .distinct()
            .order_by("name")
        )


class LetterAnswerForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=SPECS[Kind.LETTER].reply_classes, widget=forms.RadioSelect
    )
    text = forms.CharField(label=_("Written answer"), widget=forms.Textarea)
    signed_by = forms.CharField(label=_("Signed by"), max_length=60)
    sent_on = forms.DateField(label=_("Sent on"), widget=DateInput())


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("Days of extension"), min_value=1, max_value=30)
    reason = forms.CharField(
        label=_("Reason, told to the writer"), widget=forms.Textarea(attrs={"rows": 2})
    )
    approved_by = forms.ModelChoiceField(label=_("Approved by"), queryset=User.objects.none())

    def __init__(self, *args: Any, congress_id: int | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["approved_by"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(
                congress_id=congress_id or 0,
                person__roles__organisation__kind=Organisation.Kind.OFFICE_BODY,
                person__roles__deleted_at__isnull=True,
            )
            .select_related("person")
            .distinct()
            .order_by("username")
        )
        self.fields["approved_by"].label_from_instance = (  # type: ignore[attr-defined]
            lambda user: user.person.name if user.person else user.get_username()
        )


class ReviewRequestForm(forms.Form):
    on = forms.DateField(label=_("Requested on"), widget=DateInput())
    reason = forms.CharField(
        label=_("The writer's reasons"), widget=forms.Textarea(attrs={"rows": 2})
    )


class HearingForm(forms.Form):
    days = forms.IntegerField(label=_("Days the hearing took"), min_value=1, max_value=366)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RatesForm(forms.Form):
    kind = forms.ChoiceField(
        label=pgettext_lazy("casework", "Kind"),
        choices=[(k.value, k.label) for k in Kind if k != Kind.IMPLEMENTATION],
        initial=Kind.SUGGESTION,
    )
    date_from = forms.DateField(label=_("Assigned from"), widget=DateInput())
    date_to = forms.DateField(label=_("Assigned until"), widget=DateInput())
    as_of = forms.DateField(label=_("Counted as of"), widget=DateInput())
    topic = forms.ChoiceField(
        label=_("Topic"), choices=[("", _("all topics")), *Topic.choices], required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data

    @staticmethod
    def defaults(today: dt.date) -> dict[str, Any]:
        return {
            "kind": Kind.SUGGESTION,
            "date_from": dt.date(today.year, 1, 1).isoformat(),
            "date_to": dt.date(today.year, 12, 31).isoformat(),
            "as_of": today.isoformat(),
            "topic": "",
        }


class TrackForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=24)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())


class MilestoneDoneForm(forms.Form):
    milestone = forms.IntegerField(widget=forms.HiddenInput())


class ProgressForm(forms.Form):
    percent = forms.IntegerField(label=_("Percent done"), min_value=0, max_value=100)
    text = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(
        label=_("Why the progress goes back (only if it does)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
