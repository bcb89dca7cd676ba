"""A record's history as rows people can read: when, who, and what changed (field, before →
after), from django-simple-history. Used by ``includes/history.html``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _

# Bookkeeping fields that change on every save and say nothing to a reader.
SKIPPED_FIELDS = {"updated_at", "version", "created_at"}


def history_rows(obj: Any, limit: int = 50) -> list[dict[str, Any]]:
    """The latest ``limit`` history entries of ``obj``, newest first.

    ``obj`` is a model instance with ``history`` (HistoricalRecords) or a queryset / manager of
    its historical records (``record.history.all``). Each row is a dict: ``when`` (aware
    datetime), ``who`` (the user's display name or None), ``action`` (created / changed /
    deleted), ``reason`` and ``changes``: a list of ``{"field": verbose name, "before", "after"}``.
    Queries: one for the records (users joined), plus one per related model shown in a change.
    """
    records_source = obj.history if hasattr(obj, "history") else obj
    if hasattr(records_source, "all"):
        records_source = records_source.all()
    # One more than asked for, so the oldest shown row can still be compared with its past.
    records = list(
        records_source.select_related("history_user__person").order_by(
            "-history_date", "-history_id"
        )[: limit + 1]
    )
    if not records:
        return []
    model = records[0].instance_type
    # Personal data (ID numbers, phones) is named as changed but never shown here: unmasked
    # viewing goes through the model's own logged view.
    private = set(getattr(model, "history_private_fields", ()))
    pending: list[tuple[dict[str, Any], models.Field, Any, Any]] = []
    rows: list[dict[str, Any]] = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        row: dict[str, Any] = {
            "when": record.history_date,
            "who": _display_user(record.history_user),
            "action": _action(record, previous),
            "reason": getattr(record, "history_change_reason", None) or "",
            "changes": [],
        }
        if previous is not None and record.history_type != "+":
            delta = record.diff_against(previous, foreign_keys_are_objs=False)
            for change in delta.changes:
                if change.field in SKIPPED_FIELDS:
                    continue
                try:
                    field = model._meta.get_field(change.field)
                except FieldDoesNotExist:  # a field since removed from the model
                    continue
                entry = {"field": str(getattr(field, "verbose_name", change.field))}
                row["changes"].append(entry)
                if change.field in private:
                    entry["before"] = entry["after"] = _("(hidden)")
                else:
                    pending.append((entry, field, change.old, change.new))
        rows.append(row)
    _fill_values(pending)
    return rows


def _display_user(user: Any) -> str | None:
    if user is None:
        return None
    person = getattr(user, "person", None)
    if person is not None:
        return person.name
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or user.get_username()


def _action(record: Any, previous: Any) -> str:
    if record.history_type == "+":
        return _("created")
    if record.history_type == "-":
        return _("deleted")
    if previous is not None and getattr(record, "deleted_at", None) != getattr(
        previous, "deleted_at", None
    ):
        return _("deleted") if getattr(record, "deleted_at", None) else _("restored")
    return _("changed")


def _fill_values(pending: list[tuple[dict[str, Any], models.Field, Any, Any]]) -> None:
    """Turn raw values into words: choice labels, yes/no, dates, related objects (batched)."""
    wanted: dict[type[models.Model], set[Any]] = {}
    for _entry, field, old, new in pending:
        related = field.related_model
        if field.is_relation and isinstance(related, type):
            wanted.setdefault(related, set()).update(v for v in (old, new) if v)
    objects: dict[type[models.Model], dict[Any, Any]] = {}
    for related, pks in wanted.items():
        manager = getattr(related, "all_objects", related._default_manager)
        objects[related] = {o.pk: o for o in manager.filter(pk__in=pks)}
    for entry, field, old, new in pending:
        entry["before"] = _word(field, old, objects)
        entry["after"] = _word(field, new, objects)


def _word(
    field: models.Field, value: Any, objects: dict[type[models.Model], dict[Any, Any]]
) -> str:
    if value is None or value == "":
        return ""
    related = field.related_model
    if field.is_relation and isinstance(related, type):
        found = objects.get(related, {}).get(value)
        return str(found) if found is not None else f"#{value}"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.datetime):
        return date_format(value, "DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return date_format(value, "DATE_FORMAT")
    return str(value)
