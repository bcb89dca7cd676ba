"""The rotation API, mounted at /api/v1/deputies: the proposal, its confirmation, the
deputy's answer and the coverage over the term. Same lookups and services as the pages."""

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from sanxing.api.errors import error_responses
from sanxing.api.pagination import PagePagination
from sanxing.deputies import selectors, services
from sanxing.deputies.models import Invitation
from sanxing.people.access import viewer_for

router = Router(tags=["deputies"])


def _user(request: HttpRequest) -> Any:
    return getattr(request, "user", None)


class CandidateOut(Schema):
    person_id: int
    name: str
    delegation: str
    sector: str
    attendances: int
    invitations: int
    reasons: list[str]


class ProposalOut(Schema):
    gathering_id: int
    seats: int
    eligible: int
    proposed: list[CandidateOut]
    next_in_rotation: list[CandidateOut]
    confirmed: bool


class ConfirmIn(Schema):
    person_ids: list[int]
    seats: int | None = None


class InvitationOut(Schema):
    id: int
    gathering_id: int
    person_id: int
    person_name: str
    status: str
    chosen_by_office: bool
    prior_invitations: int
    prior_attendances: int
    answer_by: dt.date | None
    answer_rule: str
    responded_at: dt.datetime | None
    decline_reason: str

    @staticmethod
    def resolve_person_name(obj: Invitation) -> str:
        return obj.person.name


class RotationOut(Schema):
    id: int
    gathering_id: int
    seats: int
    confirmed_at: dt.datetime
    invitations: list[InvitationOut]


class DeclineIn(Schema):
    reason: str = ""


class ProposalQuery(Schema):
    seats: int | None = None
    include: list[int] = []
    exclude: list[int] = []


class CoverageRowOut(Schema):
    person_id: int
    name: str
    delegation_id: int
    delegation: str
    invitations: int
    accepted: int
    declined: int
    attendances: int
    last_attended: dt.datetime | None


class CoverageQuery(Schema):
    delegation_id: int | None = None


def _candidates(items: list[selectors.Candidate]) -> list[dict[str, Any]]:
    return [
        {
            "person_id": c.person_id,
            "name": c.name,
            "delegation": c.delegation,
            "sector": c.sector,
            "attendances": c.attendances,
            "invitations": c.invitations,
            "reasons": c.reasons,
        }
        for c in items
    ]


def _rotation_out(rotation: Any) -> dict[str, Any]:
    return {
        "id": rotation.pk,
        "gathering_id": rotation.gathering_id,
        "seats": rotation.seats,
        "confirmed_at": rotation.confirmed_at,
        "invitations": list(rotation.invitations.select_related("person").order_by("pk")),
    }


@router.get(
    "/meetings/{gathering_id}/proposal",
    response={200: ProposalOut, **error_responses(401, 404, 422)},
    summary="The deputies proposed in rotation for a committee meeting, with the reasons",
)
def proposal(request: HttpRequest, gathering_id: int, q: Query[ProposalQuery]) -> dict[str, Any]:
    g = selectors.meeting_for_rotation(_user(request), gathering_id)
    prop = selectors.proposal(g, seats=q.seats, include=q.include, exclude=q.exclude)
    return {
        "gathering_id": g.pk,
        "seats": prop.seats,
        "eligible": prop.eligible,
        "proposed": _candidates(prop.chosen),
        "next_in_rotation": _candidates(prop.alternatives[:15]),
        "confirmed": selectors.rotation_of(g) is not None,
    }


@router.post(
    "/meetings/{gathering_id}/confirm",
    response={201: RotationOut, **error_responses(400, 401, 404, 422)},
    summary="Confirm the deputies to invite: roster entries and invitation notices",
)
def confirm(request: HttpRequest, gathering_id: int, payload: ConfirmIn) -> Status:
    g = selectors.meeting_for_rotation(_user(request), gathering_id)
    seats = payload.seats or max(len(payload.person_ids), selectors.default_seats())
    base = selectors.proposal(g, seats=seats)
    rotation = services.rotation_confirm(
        gathering=g,
        person_ids=payload.person_ids,
        seats=seats,
        proposed_ids=[c.person_id for c in base.chosen],
        by=_user(request),
    )
    return Status(201, _rotation_out(rotation))


@router.post(
    "/invitations/{invitation_id}/accept",
    response={200: InvitationOut, **error_responses(400, 401, 404)},
    summary="The invited deputy accepts",
)
def accept(request: HttpRequest, invitation_id: int) -> Invitation:
    inv = selectors.invitation_answerable_by(_user(request), invitation_id)
    return services.invitation_respond(invitation=inv, accept=True, by=_user(request))


@router.post(
    "/invitations/{invitation_id}/decline",
    response={200: InvitationOut, **error_responses(400, 401, 404, 422)},
    summary="The invited deputy declines; the office is told to invite the next in rotation",
)
def decline(request: HttpRequest, invitation_id: int, payload: DeclineIn) -> Invitation:
    inv = selectors.invitation_answerable_by(_user(request), invitation_id)
    return services.invitation_respond(
        invitation=inv, accept=False, reason=payload.reason, by=_user(request)
    )


@router.get(
    "/coverage",
    response={200: list[CoverageRowOut], **error_responses(401, 404, 422)},
    summary="Every deputy of the current term with invitations and attendances",
)
@paginate(PagePagination)
def coverage(request: HttpRequest, q: Query[CoverageQuery]) -> list[Any]:
    user = _user(request)
    v = viewer_for(user)
    term = selectors.current_term(v.congress_id) if v.congress_id else None
    if term is None:
        raise Http404
    if selectors.can_run_rotation(user):
        return selectors.coverage(term, delegation_id=q.delegation_id).rows
    if v.is_deputy and v.person_id is not None:
        return selectors.coverage(term, person_id=v.person_id).rows
    raise Http404
