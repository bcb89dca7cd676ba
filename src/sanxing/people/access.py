"""Who may see what: one permission-checked lookup per model (shared/STYLE.md §3).

A ``Viewer`` is computed once per request from the roles a user holds today:
- an administrator sees everything of every congress;
- office staff (a role in one of the office's bodies) see the office's work in their congress;
- a unit handler sees what is assigned to their unit(s) and their own record;
- a deputy or committee member sees their own records;
- the public (anonymous) sees only what is published.
Every lookup answers 404 for what the user may not see, so an outsider learns nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from sanxing.people.models import Organisation, Person, Role


@dataclass(frozen=True)
class Viewer:
    user_id: int | None = None
    is_admin: bool = False
    congress_id: int | None = None
    person_id: int | None = None
    office_body_ids: frozenset[int] = field(default_factory=frozenset)
    unit_ids: frozenset[int] = field(default_factory=frozenset)
    role_kinds: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def is_office(self) -> bool:
        """Works in the office (機關): sees the office's work in the congress."""
        return self.is_admin or bool(self.office_body_ids)

    @property
    def is_leader(self) -> bool:
        return bool(self.role_kinds & {k.value for k in Role.LEADER_KINDS})

    @property
    def is_committee_member(self) -> bool:
        return bool(self.role_kinds & {k.value for k in Role.COMMITTEE_KINDS})

    @property
    def is_deputy(self) -> bool:
        return Role.Kind.DEPUTY.value in self.role_kinds

    @property
    def is_handler(self) -> bool:
        return bool(self.unit_ids)

    def sees_congress(self, congress_id: int) -> bool:
        return self.is_admin or self.congress_id == congress_id


ANONYMOUS = Viewer()


def roles_in_force(on: dt.date | None = None) -> Q:
    day = on or timezone.localdate()
    return Q(starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))


def viewer_for(user: Any) -> Viewer:
    """The viewer for a user, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    cached = getattr(user, "_sanxing_viewer", None)
    if cached is not None:
        return cached
    office: set[int] = set()
    units: set[int] = set()
    kinds: set[str] = set()
    if user.person_id:
        rows = Role.objects.filter(roles_in_force(), person_id=user.person_id).values_list(
            "kind", "organisation_id", "organisation__kind"
        )
        for kind, org_id, org_kind in rows:
            kinds.add(kind)
            if org_kind == Organisation.Kind.OFFICE_BODY:
                office.add(org_id)
            elif org_kind == Organisation.Kind.HANDLING_UNIT and kind in (
                Role.Kind.HANDLER,
                Role.Kind.UNIT_HEAD,
            ):
                units.add(org_id)
    viewer = Viewer(
        user_id=user.pk,
        is_admin=bool(user.is_superuser),
        congress_id=user.congress_id,
        person_id=user.person_id,
        office_body_ids=frozenset(office),
        unit_ids=frozenset(units),
        role_kinds=frozenset(kinds),
    )
    user._sanxing_viewer = viewer
    return viewer


# --- persons -------------------------------------------------------------------------------


def persons_visible_to(user: Any) -> QuerySet[Person]:
    v = viewer_for(user)
    qs = Person.objects.all()
    if v.is_admin:
        return qs
    if v.is_office:
        return qs.filter(congress_id=v.congress_id)
    if not v.is_authenticated:
        return qs.filter(is_public=True)
    own = Q(pk=v.person_id) if v.person_id else Q(pk__in=[])
    visible = own | Q(is_public=True, congress_id=v.congress_id)
    if v.unit_ids:
        visible |= Q(roles__organisation_id__in=v.unit_ids, roles__deleted_at__isnull=True)
    return qs.filter(visible).distinct()


def person_for_user(user: Any, pk: int) -> Person:
    try:
        return persons_visible_to(user).get(pk=pk)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_manage_people(user: Any) -> bool:
    """Editing the registry of people: administrators and office staff."""
    return viewer_for(user).is_office


def can_see_personal_data(user: Any, person: Person) -> bool:
    """Unmasked ID number and mobile: administrators, office staff, and the person."""
    v = viewer_for(user)
    return v.is_office or (v.person_id is not None and v.person_id == person.pk)


# --- organisations --------------------------------------------------------------------------


def organisations_visible_to(user: Any) -> QuerySet[Organisation]:
    v = viewer_for(user)
    qs = Organisation.objects.all()
    if v.is_admin:
        return qs
    if not v.is_authenticated:
        return qs.none()
    return qs.filter(congress_id=v.congress_id)


def organisation_for_user(user: Any, pk: int) -> Organisation:
    try:
        return organisations_visible_to(user).get(pk=pk)
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
