"""The API's own endpoints: tokens and who am I."""

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from sanxing.api.auth import (
    check_attempts,
    clear_failed_attempts,
    client_ip,
    record_failed_attempt,
)
from sanxing.api.errors import AUTH_ERRORS, ErrorOut, error_responses
from sanxing.api.schemas import (
    CapabilitiesOut,
    CongressRefOut,
    MeOut,
    MeRoleOut,
    PersonRefOut,
    TokenIn,
    TokenIssuedOut,
    TokenOut,
)
from sanxing.api.selectors import token_for_user, tokens_of
from sanxing.api.services import token_issue, token_revoke
from sanxing.core.errors import BusinessError
from sanxing.people.access import can_manage_people, roles_in_force, viewer_for
from sanxing.people.models import Role

router = Router(tags=["auth"])


class BadCredentials(BusinessError):
    status = 401
    code = "bad_credentials"


@router.post(
    "/auth/token",
    auth=None,
    response={201: TokenIssuedOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Issue an API token for a username and password",
)
def token_create(request: HttpRequest, payload: TokenIn):
    ip = client_ip(request)
    check_attempts(payload.username, ip)
    user = authenticate(request, username=payload.username, password=payload.password)
    # authenticate() already refuses inactive users (ModelBackend.user_can_authenticate).
    if user is None or not user.is_active:
        record_failed_attempt(payload.username, ip)
        raise BadCredentials(_("The username or password is not correct."))
    clear_failed_attempts(payload.username, ip)
    token, raw = token_issue(user=user, name=payload.name, expires_at=payload.expires_at)
    return Status(
        201,
        {
            "token": raw,
            "id": token.pk,
            "name": token.name,
            "prefix": token.prefix,
            "expires_at": token.expires_at,
        },
    )


@router.get(
    "/auth/tokens",
    response={200: list[TokenOut], **error_responses(*AUTH_ERRORS)},
    summary="My API tokens (without their secrets)",
)
def token_list(request: HttpRequest):
    return list(tokens_of(request.user))


@router.delete(
    "/auth/tokens/{token_id}",
    response={204: None, **error_responses(*AUTH_ERRORS, 404)},
    summary="Revoke one of my API tokens",
)
def token_delete(request: HttpRequest, token_id: int):
    token = token_for_user(request.user, token_id)
    token_revoke(token=token, by=request.user)
    return Status(204, None)


@router.get(
    "/me",
    response={200: MeOut, **error_responses(*AUTH_ERRORS)},
    summary="Who I am: my person, congress, roles in force and what I may do",
)
def me(request: HttpRequest):
    user = request.user
    viewer = viewer_for(user)
    roles = []
    if user.person_id:  # type: ignore[union-attr]
        roles = [
            MeRoleOut(
                id=role.pk,
                kind=role.kind,
                kind_label=str(role.get_kind_display()),
                title=role.title,
                organisation_id=role.organisation_id,
                organisation_name=role.organisation.name,
                organisation_kind=role.organisation.kind,
                starts_on=role.starts_on,
                ends_on=role.ends_on,
            )
            for role in Role.objects.filter(roles_in_force(), person_id=user.person_id)  # type: ignore[union-attr]
            .select_related("organisation")
            .order_by("organisation__kind", "organisation__name", "kind", "pk")
        ]
    person = user.person  # type: ignore[union-attr]
    congress = user.congress  # type: ignore[union-attr]
    return MeOut(
        id=user.pk or 0,
        username=user.get_username(),
        email=user.email,  # type: ignore[union-attr]
        language=user.language,  # type: ignore[union-attr]
        person=PersonRefOut(id=person.pk, name=person.name) if person else None,
        congress=(
            CongressRefOut(id=congress.pk, code=congress.code, name=congress.name)
            if congress
            else None
        ),
        roles=roles,
        capabilities=CapabilitiesOut(
            is_admin=viewer.is_admin,
            is_office=viewer.is_office,
            is_leader=viewer.is_leader,
            is_committee_member=viewer.is_committee_member,
            is_deputy=viewer.is_deputy,
            is_handler=viewer.is_handler,
            can_manage_people=can_manage_people(user),
            office_body_ids=sorted(viewer.office_body_ids),
            unit_ids=sorted(viewer.unit_ids),
            role_kinds=sorted(viewer.role_kinds),
        ),
    )
