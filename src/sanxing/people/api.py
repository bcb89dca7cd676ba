"""The registry of people over JSON: persons (masked personal data), organisations,
congresses and terms. Every lookup goes through sanxing.people.access; writes through
sanxing.people.services."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from sanxing.api.errors import AUTH_ERRORS, error_responses
from sanxing.api.pagination import PagePagination
from sanxing.core.errors import BusinessError, NotPermitted
from sanxing.people.access import (
    can_see_personal_data,
    organisation_for_user,
    organisations_visible_to,
    person_for_user,
    roles_in_force,
    viewer_for,
)
from sanxing.people.models import Congress, Person, PersonalDataView, Role
from sanxing.people.privacy import log_personal_data_view, mask_id_number, mask_phone
from sanxing.people.schemas import (
    CongressOut,
    OrganisationDetailOut,
    OrganisationFilters,
    OrganisationOut,
    PersonDetailOut,
    PersonFilters,
    PersonIn,
    PersonOut,
    PersonPatch,
    TermOut,
)
from sanxing.people.selectors import DirectoryFilters, directory, terms_for
from sanxing.people.services import person_create, person_soft_delete, person_update

router = Router(tags=["people"])

# Fields a PATCH may set to null; for the others null means "leave as it is".
NULLABLE_FIELDS = {"birth_date"}


def _person_detail(request: HttpRequest, person: Person, *, unmask: bool) -> dict[str, Any]:
    """The person's facts; ID number and mobile masked unless ``unmask`` (then logged)."""
    user = request.user
    if unmask:
        if not can_see_personal_data(user, person):
            raise NotPermitted(_("You may not see this person's personal data."))
        log_personal_data_view(
            user,
            person,
            [name for name in ("id_number", "mobile") if getattr(person, name)],
            PersonalDataView.Channel.API,
        )
    roles = list(
        Role.objects.filter(roles_in_force(), person=person)
        .select_related("organisation")
        .order_by("organisation__kind", "organisation__sort_order", "starts_on", "pk")
    )
    return {
        "id": person.pk,
        "congress_id": person.congress_id,
        "name": person.name,
        "gender": person.gender,
        "birth_date": person.birth_date,
        "ethnicity": person.ethnicity,
        "party": person.party,
        "workplace": person.workplace,
        "email": person.email,
        "is_public": person.is_public,
        "mobile": person.mobile if unmask else mask_phone(person.mobile),
        "id_number": person.id_number if unmask else mask_id_number(person.id_number),
        "personal_data_masked": not unmask,
        "roles": roles,
        "version": person.version,
        "created_at": person.created_at,
        "updated_at": person.updated_at,
    }


@router.get(
    "/persons",
    response={200: list[PersonOut], **error_responses(*AUTH_ERRORS, 422)},
    summary="Persons I may see, with their roles in force",
)
@paginate(PagePagination)
def person_list(request: HttpRequest, filters: Query[PersonFilters]):
    directory_filters = DirectoryFilters(
        q=filters.q,
        organisation_id=filters.organisation,
        role_kind=filters.role.value if filters.role else "",
    )
    return directory(request.user, directory_filters)


@router.get(
    "/persons/{person_id}",
    response={200: PersonDetailOut, **error_responses(*AUTH_ERRORS, 404)},
    summary="One person; ?unmask=1 shows the ID number and mobile to those allowed (logged)",
)
def person_detail(request: HttpRequest, person_id: int, unmask: bool = False):
    person = person_for_user(request.user, person_id)
    return _person_detail(request, person, unmask=unmask)


@router.post(
    "/persons",
    response={201: PersonDetailOut, **error_responses(400, *AUTH_ERRORS, 422)},
    summary="Add a person to my congress's registry (office staff)",
)
def person_add(request: HttpRequest, payload: PersonIn):
    viewer = viewer_for(request.user)
    if not viewer.is_office:
        raise NotPermitted(_("Only office staff may change the registry of people."))
    congress = Congress.objects.filter(pk=viewer.congress_id).first()
    if congress is None:
        raise BusinessError(_("Your account belongs to no congress."))
    person = person_create(congress=congress, by=request.user, **payload.dict())
    return Status(201, _person_detail(request, person, unmask=False))


@router.patch(
    "/persons/{person_id}",
    response={200: PersonDetailOut, **error_responses(400, *AUTH_ERRORS, 404, 409, 422)},
    summary="Change a person (office staff); send the version you read, 409 if stale",
)
def person_change(request: HttpRequest, person_id: int, payload: PersonPatch):
    person = person_for_user(request.user, person_id)
    sent = payload.dict(exclude_unset=True)
    version = sent.pop("version")
    changes = {k: v for k, v in sent.items() if v is not None or k in NULLABLE_FIELDS}
    person = person_update(person=person, version=version, changes=changes, by=request.user)
    return _person_detail(request, person, unmask=False)


@router.delete(
    "/persons/{person_id}",
    response={204: None, **error_responses(400, *AUTH_ERRORS, 404)},
    summary="Delete a person (office staff); an administrator can restore them",
)
def person_delete(request: HttpRequest, person_id: int):
    person = person_for_user(request.user, person_id)
    person_soft_delete(person=person, by=request.user)
    return Status(204, None)


@router.get(
    "/organisations",
    response={200: list[OrganisationOut], **error_responses(*AUTH_ERRORS, 422)},
    summary="All organisations I may see, flat with parent_id (build the tree client-side)",
)
def organisation_list(request: HttpRequest, filters: Query[OrganisationFilters]):
    qs = organisations_visible_to(request.user)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    return list(qs.order_by("congress_id", "kind", "sort_order", "name", "pk"))


@router.get(
    "/organisations/{organisation_id}",
    response={200: OrganisationDetailOut, **error_responses(*AUTH_ERRORS, 404)},
    summary="One organisation",
)
def organisation_detail(request: HttpRequest, organisation_id: int):
    return organisation_for_user(request.user, organisation_id)


@router.get(
    "/congresses",
    response={200: list[CongressOut], **error_responses(*AUTH_ERRORS)},
    summary="The congresses I work in (all of them for an administrator)",
)
def congress_list(request: HttpRequest):
    viewer = viewer_for(request.user)
    qs = Congress.objects.all()
    if not viewer.is_admin:
        qs = qs.filter(pk=viewer.congress_id)
    return list(qs.order_by("code"))


@router.get(
    "/terms",
    response={200: list[TermOut], **error_responses(*AUTH_ERRORS)},
    summary="The terms of my congress, newest first",
)
def term_list(request: HttpRequest, congress: int | None = None):
    qs = terms_for(request.user)
    if congress is not None:
        qs = qs.filter(congress_id=congress)
    return list(qs.order_by("congress_id", "-number"))
