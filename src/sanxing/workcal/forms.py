from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanxing.workcal.models import DayKind
from sanxing.workcal.periods import Period, parse_period
from sanxing.workcal.selectors import MAX_YEAR, MIN_YEAR


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DeadlineForm(forms.Form):
    start = forms.DateField(
        label=_("Start date"),
        help_text=_("The day of the event; counting starts the next day."),
        widget=DateInput(),
    )
    period = forms.CharField(
        label=_("Period"),
        max_length=12,
        help_text=_("For example 15d (days), 5wd (working days), 3m (months), 1y (years)."),
    )
    extend_by = forms.IntegerField(
        label=_("Days not counted"),
        required=False,
        min_value=0,
        max_value=3660,
        help_text=_("A pause or hearing time that does not count."),
    )

    def clean_period(self) -> Period:
        try:
            return parse_period(self.cleaned_data["period"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class OverrideForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    kind = forms.ChoiceField(
        label=_("The day becomes"),
        choices=[(DayKind.HOLIDAY, _("a day off")), (DayKind.WORKDAY, _("a working day"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("For example the notice that changed the day."),
    )


class ImportForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=MIN_YEAR, max_value=MAX_YEAR)
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV or Excel with the columns date, kind (holiday or workday) and name, "
            "one row per day off or make-up working day."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year + 1
