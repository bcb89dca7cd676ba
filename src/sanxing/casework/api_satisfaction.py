"""The satisfaction vote on a review opinion's handling report over JSON: schedule it at a
later Standing Committee meeting, read the results, list the meetings to choose from.
Lookups through ``sanxing.casework.access``, changes through ``sanxing.casework.satisfaction``."""

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from sanxing.api.errors import AUTH_ERRORS, error_responses
from sanxing.api.pagination import PagePagination
from sanxing.casework import satisfaction
from sanxing.casework.access import is_office_for, item_for_user
from sanxing.core.errors import NotPermitted

router = Router(tags=["casework"])

SCHEDULE_ERRORS = error_responses(400, *AUTH_ERRORS, 404, 422)


class SatisfactionVoteIn(Schema):
    gathering_id: int


class SatisfactionVoteOut(Schema):
    id: int
    item_id: int
    round: int
    report_on: dt.date
    gathering_id: int
    agenda_item_id: int
    meeting_title: str
    meeting_on: dt.date
    vote_id: int | None
    result: str
    yes: int
    no: int
    abstain: int
    not_voting: int
    absent: int
    body_size: int
    present: int
    required: int
    threshold: str
    closed_at: dt.datetime | None


class MeetingChoiceOut(Schema):
    id: int
    title: str
    starts_on: dt.date


@router.post(
    "/items/{item_id}/satisfaction-vote",
    response={201: SatisfactionVoteOut, **SCHEDULE_ERRORS},
    summary="The office puts a review opinion's handling report to a satisfaction vote at a "
    "later Standing Committee meeting",
)
def satisfaction_vote_schedule(request: HttpRequest, item_id: int, payload: SatisfactionVoteIn):
    item = item_for_user(request.user, item_id)
    row = satisfaction.satisfaction_vote_schedule(
        item=item, gathering_id=payload.gathering_id, by=request.user
    )
    return Status(201, row)


@router.get(
    "/items/{item_id}/satisfaction-votes",
    response={200: list[SatisfactionVoteOut], **error_responses(*AUTH_ERRORS, 404)},
    summary="The satisfaction votes on an item's handling reports, round by round",
)
@paginate(PagePagination)
def satisfaction_vote_list(request: HttpRequest, item_id: int):
    item = item_for_user(request.user, item_id)
    return satisfaction.SatisfactionVote.objects.filter(item=item).order_by("round", "pk")


@router.get(
    "/items/{item_id}/satisfaction-meetings",
    response={200: list[MeetingChoiceOut], **error_responses(*AUTH_ERRORS, 404)},
    summary="The Standing Committee meetings the handling report may be put to the vote at",
)
def satisfaction_meetings(request: HttpRequest, item_id: int):
    item = item_for_user(request.user, item_id)
    if not is_office_for(request.user, item.congress_id):
        raise NotPermitted(satisfaction.office_only_message())
    if not satisfaction.can_schedule(item):
        return []
    return satisfaction.meeting_choices(item)
