"""Template tags of the shell: deadlines, form fields, pagination, history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms, template
from django.http import QueryDict
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sanxing.web.history import history_rows

register = template.Library()


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    return None


@register.filter
def days_left_number(due_on: Any, today: dt.date | None = None) -> int | None:
    """Whole days from today to the due date: positive ahead, 0 today, negative overdue."""
    due = _as_date(due_on)
    if due is None:
        return None
    return (due - (today or timezone.localdate())).days


@register.filter
def days_left(due_on: Any, today: dt.date | None = None) -> str:
    """ "3 days left" / "due today" / "2 days overdue" (還有3天 / 今天到期 / 逾期2天)."""
    days = days_left_number(due_on, today)
    if days is None:
        return ""
    if days == 0:
        return _("due today")
    if days > 0:
        return ngettext("%(days)d day left", "%(days)d days left", days) % {"days": days}
    overdue = -days
    return ngettext("%(days)d day overdue", "%(days)d days overdue", overdue) % {"days": overdue}


@register.filter
def due_tag(due_on: Any, today: dt.date | None = None) -> str:
    """The tag colour for a due date: red overdue, amber within 7 days, grey later."""
    days = days_left_number(due_on, today)
    if days is None:
        return "tag-grey"
    if days < 0:
        return "tag-red"
    if days <= 7:
        return "tag-amber"
    return "tag-grey"


# --- forms ----------------------------------------------------------------------------------


@register.filter
def is_checkbox(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def is_multiple_choice(field: forms.BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxSelectMultiple | forms.RadioSelect)


@register.simple_tag
def field_widget(field: forms.BoundField, hint_id: str, error_id: str) -> SafeString:
    """The widget with aria-describedby pointing at its hint and error (GOV.UK pattern)."""
    described = []
    if field.help_text:
        described.append(hint_id)
    if field.errors:
        described.append(error_id)
    attrs: dict[str, str | bool] = {}
    if described and not is_multiple_choice(field):
        attrs["aria-describedby"] = " ".join(described)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.simple_tag
def form_field(field: forms.BoundField) -> SafeString:
    """``{% include "includes/field.html" with field=field %}`` joined in Python for inputs
    and selects (``sanxing.web.fastforms``): the same HTML without a template node each."""
    from sanxing.web.fastforms import field_html

    return field_html(field)


# --- pagination -----------------------------------------------------------------------------


@register.simple_tag(takes_context=True)
def query_replace(context: template.Context, **changes: Any) -> str:
    """The current query string with some parameters replaced (keeps filters when paging)."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    for key, value in changes.items():
        query[key] = str(value)
    return query.urlencode()


@register.filter
def page_window(page_obj: Any, around: int = 2) -> list[int | None]:
    """Page numbers to show: first, last and a window around the current one; None is a gap."""
    last = page_obj.paginator.num_pages
    current = page_obj.number
    keep = {1, last} | set(range(max(1, current - around), min(last, current + around) + 1))
    numbers: list[int | None] = []
    previous = 0
    for number in sorted(keep):
        if number - previous > 1:
            numbers.append(None)
        numbers.append(number)
        previous = number
    return numbers


# --- history --------------------------------------------------------------------------------


@register.simple_tag
def history_rows_for(history: Any, limit: int = 50) -> list[dict[str, Any]]:
    return history_rows(history, limit=limit)
