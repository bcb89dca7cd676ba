"""Business writes on the registry of people (shared/STYLE.md §2): keyword-only, one
transaction, history recorded with the acting user."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxing.core.errors import BusinessError, NotPermitted
from sanxing.core.services import record_update
from sanxing.people.access import can_manage_people, viewer_for
from sanxing.people.models import Congress, Organisation, Person, Role, Term

PERSON_FIELDS = (
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
)
ORGANISATION_FIELDS = (
    "kind",
    "name",
    "short_name",
    "code",
    "parent",
    "email",
    "phone",
    "sort_order",
)


def _require_manager(by: Any) -> None:
    # by=None is the system itself (imports from the command line, data migrations).
    if by is not None and not can_manage_people(by):
        raise NotPermitted(_("Only office staff may change the registry of people."))


def _only(fields: Mapping[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    return dict(fields)


def person_create(*, congress: Congress, by: Any, **fields: Any) -> Person:
    _require_manager(by)
    with transaction.atomic():
        person = Person(congress=congress, **_only(fields, PERSON_FIELDS))
        person.full_clean()
        person._history_user = by  # type: ignore[attr-defined]
        person.save()
        return person


def person_update(
    *, person: Person, version: int | None, changes: Mapping[str, Any], by: Any
) -> Person:
    """Save ``changes`` unless someone saved the person since ``version`` (then StaleEdit)."""
    _require_manager(by)
    return record_update(obj=person, version=version, changes=_only(changes, PERSON_FIELDS), by=by)


def _set_deleted(person: Person, *, deleted: bool, by: Any) -> Person:
    # Not core.services.record_soft_delete: it saves ``version = F("version") + 1``, which
    # simple_history cannot copy into the historical row (ValueError on insert).
    current = Person.all_objects.select_for_update().get(pk=person.pk)
    if deleted and current.deleted_at is not None:
        raise BusinessError(_("This record has already been deleted."))
    if not deleted and current.deleted_at is None:
        raise BusinessError(_("This record is not deleted."))
    current.deleted_at = timezone.now() if deleted else None
    current.deleted_by = by if deleted else None
    current.version = current.version + 1
    current._history_user = by  # type: ignore[attr-defined]
    current.save(update_fields=["deleted_at", "deleted_by", "version", "updated_at"])
    return current


def person_soft_delete(*, person: Person, by: Any) -> Person:
    _require_manager(by)
    if by is not None and getattr(by, "person_id", None) == person.pk:
        raise BusinessError(_("You cannot delete your own record."))
    with transaction.atomic():
        return _set_deleted(person, deleted=True, by=by)


def person_restore(*, person: Person, by: Any) -> Person:
    if not viewer_for(by).is_admin:
        raise NotPermitted(_("Only administrators may restore deleted records."))
    with transaction.atomic():
        return _set_deleted(person, deleted=False, by=by)


def role_grant(
    *,
    person: Person,
    organisation: Organisation,
    kind: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    term: Term | None = None,
    title: str = "",
    by: Any,
) -> Role:
    _require_manager(by)
    if organisation.congress_id != person.congress_id:
        raise BusinessError(
            _("The organisation belongs to another congress."), field="organisation"
        )
    if term is not None and term.congress_id != person.congress_id:
        raise BusinessError(_("The term belongs to another congress."), field="term")
    if ends_on is not None and ends_on < starts_on:
        raise BusinessError(_("A role cannot end before it starts."), field="ends_on")
    with transaction.atomic():
        role = Role(
            person=person,
            organisation=organisation,
            kind=kind,
            term=term,
            title=title,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        role.full_clean()
        role._history_user = by  # type: ignore[attr-defined]
        role.save()
        return role


def role_end(*, role: Role, ends_on: dt.date, version: int | None = None, by: Any) -> Role:
    """End a role on a date (the role stays in the record, with its dates)."""
    _require_manager(by)
    if ends_on < role.starts_on:
        raise BusinessError(_("A role cannot end before it starts."), field="ends_on")
    return record_update(obj=role, version=version, changes={"ends_on": ends_on}, by=by)


def organisation_create(*, congress: Congress, by: Any, **fields: Any) -> Organisation:
    _require_manager(by)
    values = _only(fields, ORGANISATION_FIELDS)
    parent = values.get("parent")
    if parent is not None and parent.congress_id != congress.pk:
        raise BusinessError(_("The parent belongs to another congress."), field="parent")
    with transaction.atomic():
        organisation = Organisation(congress=congress, **values)
        organisation.full_clean()
        organisation._history_user = by  # type: ignore[attr-defined]
        organisation.save()
        return organisation


def organisation_update(
    *, organisation: Organisation, version: int | None, changes: Mapping[str, Any], by: Any
) -> Organisation:
    _require_manager(by)
    values = _only(changes, ORGANISATION_FIELDS)
    parent = values.get("parent")
    if parent is not None:
        node: Organisation | None = parent
        while node is not None:
            if node.pk == organisation.pk:
                raise BusinessError(
                    _("An organisation cannot be placed under itself."), field="parent"
                )
            node = node.parent
    return record_update(obj=organisation, version=version, changes=values, by=by)
