"""Reads for the registry of people: the directory with its filters, the organisation tree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from sanxing.people.access import organisations_visible_to, persons_visible_to, roles_in_force
from sanxing.people.models import Organisation, Person, Role, Term

# Sort keys the directory accepts; a leading "-" reverses.
DIRECTORY_SORTS = {
    "name": ("name", "pk"),
    "workplace": ("workplace", "name", "pk"),
    "updated": ("updated_at", "pk"),
}


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    organisation_id: int | None = None
    role_kind: str = ""
    term_id: int | None = None
    delegation_id: int | None = None
    sort: str = "name"
    include_past_roles: bool = False


def _sort(sort: str) -> tuple[str, ...]:
    key = sort.lstrip("-")
    fields = DIRECTORY_SORTS.get(key, DIRECTORY_SORTS["name"])
    if sort.startswith("-") and key in DIRECTORY_SORTS:
        return tuple("-" + f for f in fields)
    return fields


def current_roles_prefetch(on: dt.date | None = None) -> Prefetch:
    """Each person's roles in force, with organisation and term, as ``person.current_roles``."""
    return Prefetch(
        "roles",
        queryset=Role.objects.filter(roles_in_force(on))
        .select_related("organisation", "term")
        .order_by("organisation__kind", "organisation__sort_order", "starts_on"),
        to_attr="current_roles",
    )


def directory(user: Any, filters: DirectoryFilters | None = None) -> QuerySet[Person]:
    """The persons ``user`` may see, filtered; roles in force prefetched."""
    f = filters or DirectoryFilters()
    qs = persons_visible_to(user)
    role_q = Q(roles__deleted_at__isnull=True)
    if not f.include_past_roles:
        today = timezone.localdate()
        role_q &= Q(roles__starts_on__lte=today) & (
            Q(roles__ends_on__isnull=True) | Q(roles__ends_on__gte=today)
        )
    role_filtered = False
    if f.organisation_id:
        role_q &= Q(roles__organisation_id=f.organisation_id)
        role_filtered = True
    if f.role_kind:
        role_q &= Q(roles__kind=f.role_kind)
        role_filtered = True
    if f.term_id:
        role_q &= Q(roles__term_id=f.term_id)
        role_filtered = True
    if role_filtered:
        qs = qs.filter(pk__in=Person.objects.filter(role_q).values("pk"))
    if f.delegation_id:
        qs = qs.filter(
            pk__in=Role.objects.filter(
                roles_in_force(),
                organisation_id=f.delegation_id,
                organisation__kind=Organisation.Kind.DELEGATION,
            ).values("person_id")
        )
    if f.q:
        term = f.q.strip()
        qs = qs.filter(Q(name__icontains=term) | Q(workplace__icontains=term))
    return qs.order_by(*_sort(f.sort)).prefetch_related(current_roles_prefetch())


def person_roles(person: Person) -> QuerySet[Role]:
    """All of a person's roles over time, newest first."""
    return (
        Role.objects.filter(person=person)
        .select_related("organisation", "term")
        .order_by("-starts_on", "organisation__name")
    )


def deleted_persons(user: Any) -> QuerySet[Person]:
    from sanxing.people.access import viewer_for

    v = viewer_for(user)
    qs = Person.all_objects.deleted().select_related("deleted_by")
    if not v.is_admin:
        return qs.none()
    return qs.order_by("-deleted_at")


def terms_for(user: Any) -> QuerySet[Term]:
    from sanxing.people.access import viewer_for

    v = viewer_for(user)
    qs = Term.objects.all()
    if not v.is_admin:
        qs = qs.filter(congress_id=v.congress_id)
    return qs.order_by("-number")


# --- organisations --------------------------------------------------------------------------

# The order the tree shows kinds in: the committee and the office first, then the committees,
# delegations, and the handling units (the government with its departments, the supervisory
# commission, the court, the procuratorate).
KIND_ORDER = [
    Organisation.Kind.STANDING_COMMITTEE,
    Organisation.Kind.DIRECTORS_MEETING,
    Organisation.Kind.OFFICE_BODY,
    Organisation.Kind.SPECIAL_COMMITTEE,
    Organisation.Kind.DELEGATION,
    Organisation.Kind.DEPUTY_GROUP,
    Organisation.Kind.HANDLING_UNIT,
]


@dataclass
class OrganisationNode:
    organisation: Organisation
    member_count: int
    children: list[OrganisationNode] = field(default_factory=list)
    depth: int = 0


@dataclass
class KindGroup:
    kind: str
    label: str
    roots: list[OrganisationNode]

    def flat(self) -> list[OrganisationNode]:
        out: list[OrganisationNode] = []

        def walk(nodes: list[OrganisationNode], depth: int) -> None:
            for node in nodes:
                node.depth = depth
                out.append(node)
                walk(node.children, depth + 1)

        walk(self.roots, 0)
        return out


def organisations_with_counts(user: Any) -> QuerySet[Organisation]:
    today = timezone.localdate()
    in_force = (
        Q(roles__deleted_at__isnull=True)
        & Q(roles__starts_on__lte=today)
        & (Q(roles__ends_on__isnull=True) | Q(roles__ends_on__gte=today))
        & Q(roles__person__deleted_at__isnull=True)
    )
    return organisations_visible_to(user).annotate(
        member_count=Count("roles__person", filter=in_force, distinct=True)
    )


def organisation_tree(user: Any) -> list[KindGroup]:
    """The organisations ``user`` may see, grouped by kind and nested by parent, one query."""
    orgs = list(organisations_with_counts(user).order_by("sort_order", "name"))
    nodes = {o.pk: OrganisationNode(o, o.member_count) for o in orgs}  # type: ignore[attr-defined]
    roots: dict[str, list[OrganisationNode]] = {}
    for org in orgs:
        node = nodes[org.pk]
        parent = nodes.get(org.parent_id) if org.parent_id else None
        if parent is not None and parent.organisation.kind == org.kind:
            parent.children.append(node)
        else:
            roots.setdefault(org.kind, []).append(node)
    labels = dict(Organisation.Kind.choices)
    return [
        KindGroup(kind=kind.value, label=str(labels[kind]), roots=roots[kind])
        for kind in KIND_ORDER
        if kind in roots
    ]


def organisation_roles_in_force(organisation: Organisation) -> QuerySet[Role]:
    return (
        Role.objects.filter(roles_in_force(), organisation=organisation, person__deleted_at=None)
        .select_related("person", "term")
        .order_by("kind", "person__name")
    )
