"""Forms of the meeting-template pages (sanxing.gatherings.views_templates)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sanxing.gatherings.meeting_templates import MAX_DURATION, LineSpec
from sanxing.gatherings.models import AgendaItem, MeetingTemplate
from sanxing.people.models import Organisation


class SaveAsTemplateForm(forms.Form):
    name = forms.CharField(label=_("Name of the template"), max_length=200)


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    start_time = forms.TimeField(
        label=_("Usual start time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    duration_minutes = forms.IntegerField(
        label=_("Usual duration (minutes)"), min_value=1, max_value=MAX_DURATION
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


def body_choices(congress_id: int) -> tuple[list[tuple[Any, str]], list[tuple[Any, str]]]:
    """The presenting bodies and the special committees of the congress, read in one query
    for every line of the form."""
    presenting: list[tuple[Any, str]] = [("", "—")]
    committees: list[tuple[Any, str]] = [("", "—")]
    orgs = Organisation.objects.filter(congress_id=congress_id).only(
        "pk", "name", "kind", "parent_id"
    )
    for org in orgs.order_by("name"):
        if org.parent_id is None:
            presenting.append((org.pk, org.name))
        if org.kind == Organisation.Kind.SPECIAL_COMMITTEE:
            committees.append((org.pk, org.name))
    return presenting, committees


class LineForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    order = forms.IntegerField(
        label=_("Position"),
        min_value=1,
        required=False,
        widget=forms.NumberInput(attrs={"size": 3}),
    )
    title = forms.CharField(label=_("Agenda item"), max_length=300, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=AgendaItem.Kind.choices, initial=AgendaItem.Kind.REPORT
    )
    presenting_body = forms.TypedChoiceField(
        label=_("Presenting body"), choices=(), required=False, coerce=int, empty_value=None
    )
    responsible_committee = forms.TypedChoiceField(
        label=_("Responsible special committee"),
        choices=(),
        required=False,
        coerce=int,
        empty_value=None,
    )
    remove = forms.BooleanField(label=_("Remove this line"), required=False)

    def __init__(self, *args: Any, bodies: tuple[list, list], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["presenting_body"].choices = bodies[0]  # type: ignore[attr-defined]
        self.fields["responsible_committee"].choices = bodies[1]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("remove") and not (data.get("title") or "").strip():
            self.add_error("title", _("Enter the title of the agenda item."))
        return data


LineFormSet = forms.formset_factory(LineForm, extra=1)


def line_initial(template: MeetingTemplate, lines: Any) -> list[dict[str, Any]]:
    return [
        {
            "id": line.pk,
            "order": line.order,
            "title": line.title,
            "kind": line.kind,
            "presenting_body": line.presenting_body_id,
            "responsible_committee": line.responsible_committee_id,
        }
        for line in lines
    ]


def lines_from(formset: Any) -> list[LineSpec]:
    """The new agenda in order: removed and untouched empty lines left out; a line moves to
    the position typed in (new lines without one go last)."""
    rows = []
    for n, form in enumerate(formset.forms):
        data = form.cleaned_data
        if not data or data.get("remove"):
            continue
        position = data.get("order") or 10_000 + n
        rows.append((position, n, data))
    rows.sort(key=lambda r: (r[0], r[1]))
    return [
        LineSpec(
            id=data.get("id"),
            title=data["title"],
            kind=data["kind"],
            presenting_body_id=data.get("presenting_body"),
            responsible_committee_id=data.get("responsible_committee"),
        )
        for _position, _n, data in rows
    ]


class PlanFromTemplateForm(forms.Form):
    template = forms.TypedChoiceField(label=_("Template"), choices=(), coerce=int)
    starts_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the template's name."),
    )
    start_time = forms.TimeField(
        label=_("Start time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Leave empty for the template's usual time."),
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"),
        min_value=1,
        max_value=MAX_DURATION,
        required=False,
        help_text=_("Leave empty for the template's usual duration."),
    )
    place = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        help_text=_("Leave empty for the template's place."),
    )

    prefix = "from_template"  # its fields sit beside the plan form's on the plan page

    def __init__(self, *args: Any, templates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [  # type: ignore[attr-defined]
            (t.pk, f"{t.name} · {t.kind_label}") for t in templates
        ]
