"""``{% form_field %}`` prints what ``includes/field.html`` prints, for every widget."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import mark_safe

from sanxing.web.fastforms import _is_fast, field_html


class DateInput(forms.DateInput):
    input_type = "date"


class Sample(forms.Form):
    kind = forms.ChoiceField(label="Kind <b>", choices=[("a", "A & a"), ("b", "B")])
    grouped = forms.ChoiceField(
        label=mark_safe("<i>Grouped</i>"),
        choices=[("", "all"), ("G <1>", [("x", "X"), ("y", "Y")])],
        required=False,
        help_text="Pick <em>one</em>",
    )
    on = forms.DateField(label="On", widget=DateInput())
    name = forms.CharField(label="Name", max_length=20, widget=forms.TextInput({"class": "w"}))
    count = forms.IntegerField(label="Count", required=False, disabled=True)
    mail = forms.EmailField(label="Mail", required=False)
    note = forms.CharField(label="Note", widget=forms.Textarea, required=False)
    flag = forms.BooleanField(label="Flag", required=False)
    many = forms.MultipleChoiceField(
        label="Many", choices=[("1", "One")], widget=forms.CheckboxSelectMultiple, required=False
    )
    secret = forms.CharField(widget=forms.HiddenInput, required=False)


def squeeze(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"kind": "b", "grouped": "y", "on": "2026-02-03", "name": 'x"<y>', "mail": "a@b.cn"},
        {"kind": "zz", "grouped": "q", "on": "2026-13-01", "name": "x" * 30, "mail": "nope"},
    ],
)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_form_field_prints_what_the_include_printed(data, language):
    form = Sample(data, initial={"on": dt.date(2026, 1, 1)})
    if data:
        form.is_valid()
    with translation.override(language):
        for bound in form:
            old = Template('{% include "includes/field.html" with field=field %}').render(
                Context({"field": bound})
            )
            new = Template("{% load sanxing %}{% form_field field %}").render(
                Context({"field": bound})
            )
            assert squeeze(new) == squeeze(old), bound.name
            assert str(field_html(bound)) == new


def test_only_inputs_and_single_selects_are_joined_in_python():
    form = Sample()
    fast = {bound.name for bound in form if _is_fast(bound)}
    assert fast == {"kind", "grouped", "on", "name", "count", "mail"}
