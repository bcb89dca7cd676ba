"""A form field as ``includes/field.html`` prints it, joined in Python for the common
widgets (``<input>`` and single ``<select>``), so a filter form costs no template nodes.

Django's own logic decides the attributes and the value (``BoundField.build_widget_attrs``,
``Widget.get_context``); only the final template rendering of Django's stock widget
templates (``django/forms/widgets/input.html``, ``select.html``, ``select_option.html``,
``attrs.html``) is replaced by string joins with the same escaping. Any other widget (and
checkboxes, radio lists, hidden fields) falls back to the template include.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.template.loader import get_template
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("text", "date", "number", "email", "url", "password", "search", "tel", "time")
)
_SELECT = "django/forms/widgets/select.html"
_OPTION = "django/forms/widgets/select_option.html"


def _attrs(attrs: dict[str, Any]) -> str:
    """``attrs.html``: ``False`` leaves the attribute out, ``True`` writes its name only."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def _fast_widget(bound: forms.BoundField, widget: forms.Widget, attrs: dict[str, Any]) -> str:
    attrs = bound.build_widget_attrs(attrs, widget)
    if bound.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound.auto_id)
    context = widget.get_context(bound.html_name, bound.value(), attrs)["widget"]
    if widget.template_name in _INPUT_TEMPLATES:
        value = context["value"]
        shown = "" if value is None else f' value="{escape(str(value))}"'
        return (
            f'<input type="{conditional_escape(context["type"])}"'
            f' name="{conditional_escape(context["name"])}"'
            f"{shown}{_attrs(context['attrs'])}>"
        )
    parts = [f'<select name="{conditional_escape(context["name"])}"{_attrs(context["attrs"])}>']
    for group_name, group_choices, _index in context["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            parts.append(
                f'\n  <option value="{escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _is_fast(bound: forms.BoundField) -> bool:
    widget = bound.field.widget
    if bound.is_hidden or bound.field.localize:
        return False
    if widget.template_name in _INPUT_TEMPLATES and isinstance(widget, forms.widgets.Input):
        return True
    return (
        widget.template_name == _SELECT
        and type(widget) in (forms.Select,)
        and widget.option_template_name == _OPTION
        and not widget.allow_multiple_selected
    )


def field_html(bound: forms.BoundField) -> SafeString:
    """``{% include "includes/field.html" with field=bound %}``, without the template when the
    widget allows."""
    if not _is_fast(bound):
        return mark_safe(get_template("includes/field.html").render({"field": bound}))
    auto_id = bound.auto_id or ""
    hint_id, error_id = f"{auto_id}-hint", f"{auto_id}-error"
    errors = bound.errors
    described = ([hint_id] if bound.help_text else []) + ([error_id] if errors else [])
    attrs: dict[str, Any] = {}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if errors:
        attrs["aria-invalid"] = "true"
    optional = ""
    if not bound.field.required:
        text = escape(gettext("(optional)"))
        optional = f' <span class="optional">{text}</span>'
    parts = [
        f'\n<div class="form-group{" form-group-error" if errors else ""}">\n  \n'
        f'    <label class="form-label" for="{escape(auto_id)}">'
        f"{conditional_escape(bound.label)}{optional}</label>\n  \n  "
    ]
    if bound.help_text:
        parts.append(f'<span class="form-hint" id="{escape(hint_id)}">{bound.help_text}</span>')
    parts.append("\n  ")
    if errors:
        hidden = escape(gettext("Error:"))
        parts.extend(
            f'<span class="error-message" id="{escape(error_id)}">'
            f'<span class="visually-hidden">{hidden}</span> {conditional_escape(cast(str, error))}</span>'
            for error in errors
        )
    parts.append(f"\n  \n    {_fast_widget(bound, bound.field.widget, attrs)}\n  \n</div>\n")
    return mark_safe("".join(parts))  # every part escaped above (help_text is trusted HTML)
