from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sanxing.people.models import Organisation, Person, Role, Term
from sanxing.people.validators import validate_id_number, validate_mobile

SORT_CHOICES = [
    ("name", _("Name (A–Z)")),
    ("-name", _("Name (Z–A)")),
    ("workplace", _("Workplace")),
    ("-updated", _("Recently changed")),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or workplace"), required=False, max_length=60)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )
    role = forms.ChoiceField(label=_("Role"), required=False)
    term = forms.ModelChoiceField(label=_("Term"), queryset=Term.objects.none(), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)

    def __init__(self, *args: Any, organisations: Any, terms: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org_field = self.fields["organisation"]
        assert isinstance(org_field, forms.ModelChoiceField)
        org_field.queryset = organisations
        term_field = self.fields["term"]
        assert isinstance(term_field, forms.ModelChoiceField)
        term_field.queryset = terms
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = [("", _("Any role")), *Role.Kind.choices]


class PersonForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Person
        fields = [
            "name",
            "gender",
            "birth_date",
            "ethnicity",
            "party",
            "workplace",
            "mobile",
            "email",
            "id_number",
            "is_public",
        ]
        widgets = {"birth_date": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and "version" not in self.initial:
            self.initial["version"] = self.instance.version

    def clean_id_number(self) -> str:
        value = (self.cleaned_data.get("id_number") or "").strip().upper()
        # Records imported before the check existed are kept as they are until changed.
        if value != (self.instance.id_number or ""):
            validate_id_number(value)
        return value

    def clean_mobile(self) -> str:
        value = (self.cleaned_data.get("mobile") or "").strip().replace(" ", "")
        if value != (self.instance.mobile or ""):
            validate_mobile(value)
        return value

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def _post_clean(self) -> None:
        # The service validates and saves; the form only checks the input.
        pass


class RoleForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    kind = forms.ChoiceField(label=_("Role"), choices=Role.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=80, required=False)
    term = forms.ModelChoiceField(label=_("Term"), queryset=Term.objects.none(), required=False)
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(label=_("Until"), widget=DateInput(), required=False)

    def __init__(self, *args: Any, organisations: Any, terms: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org_field = self.fields["organisation"]
        assert isinstance(org_field, forms.ModelChoiceField)
        org_field.queryset = organisations
        term_field = self.fields["term"]
        assert isinstance(term_field, forms.ModelChoiceField)
        term_field.queryset = terms


class RoleEndForm(forms.Form):
    ends_on = forms.DateField(label=_("Last day in the role"), widget=DateInput())
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class OrganisationForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Organisation
        fields = ["kind", "name", "short_name", "code", "parent", "email", "phone", "sort_order"]

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parent_field = self.fields["parent"]
        assert isinstance(parent_field, forms.ModelChoiceField)
        parent_field.queryset = organisations
        if self.instance.pk and "version" not in self.initial:
            self.initial["version"] = self.instance.version

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def _post_clean(self) -> None:
        pass


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("An Excel workbook (.xlsx) or a CSV file, at most 5 MB."),
    )
    skip_bad = forms.BooleanField(
        label=_("Skip bad rows"),
        required=False,
        help_text=_(
            "Import the good rows and report the others. Otherwise nothing is imported "
            "while any row has an error."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Check only"),
        required=False,
        help_text=_("Check the file and show the report without importing anything."),
    )
