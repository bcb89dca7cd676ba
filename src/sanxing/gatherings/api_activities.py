"""The activities API (inspections, inspection visits, evaluations), the same services and
lookups as the activity page: participants, itinerary stops, findings and report, and the
review opinions that follow. Readable by the office and the participants; writes are the
office's. A gathering that is not an activity answers 404 here."""

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from sanxing.api.errors import error_responses
from sanxing.api.pagination import PagePagination
from sanxing.gatherings import activities, selectors
from sanxing.gatherings.api_shared import (
    PersonRefOut,
    person_of_congress,
    units_of_congress,
    user_of,
)
from sanxing.gatherings.models import (
    ActivityReport,
    Gathering,
    ItineraryStop,
    ReviewOpinionRecord,
)

router = Router(tags=["gatherings: activities"])


def _activity(user: Any, pk: int, *, manage: bool = False) -> Gathering:
    g = selectors.gathering_for_user(user, pk)
    if not activities.is_activity(g):
        raise Http404
    can = selectors.can_manage(user, g)
    if manage and not can:
        raise Http404
    if not can and selectors.roster_entry_of(user, g) is None:
        raise Http404
    return g


class ParticipantOut(Schema):
    id: int
    person: PersonRefOut
    capacity: str


class ParticipantIn(Schema):
    person_id: int
    capacity: str


class StopOut(Schema):
    id: int
    day: dt.date
    place: str
    host: str
    note: str


class StopIn(Schema):
    day: dt.date
    place: str = Field(..., max_length=200)
    host: str = Field("", max_length=200)
    note: str = Field("", max_length=300)


class ReportOut(Schema):
    gathering_id: int
    agenda_item_id: int
    findings: str
    report: str
    version: int
    updated_at: dt.datetime


class ReportIn(Schema):
    findings: str = ""
    report: str = ""


class ActivityOpinionOut(Schema):
    id: int
    agenda_item_id: int
    title: str
    content: str
    unit_ids: list[int]
    handed_off_at: dt.datetime
    handed_off_refs: str

    @staticmethod
    def resolve_unit_ids(obj: ReviewOpinionRecord) -> list[int]:
        return [u.pk for u in obj.units.all()]


class ActivityOpinionIn(Schema):
    title: str = Field(..., min_length=1, max_length=300)
    content: str = Field(..., min_length=1)
    unit_ids: list[int] = Field(..., min_length=1)


@router.get(
    "/activities/{activity_id}/participants",
    response={200: list[ParticipantOut], **error_responses(401, 404, 422)},
    summary="The activity's participants: members, invited deputies and staff",
)
@paginate(PagePagination)
def participant_list(request: HttpRequest, activity_id: int):
    g = _activity(user_of(request), activity_id)
    return (
        g.roster.filter(capacity__in=activities.PARTICIPANT_CAPACITIES)
        .select_related("person")
        .order_by("capacity", "person__name", "pk")
    )


@router.post(
    "/activities/{activity_id}/participants",
    response={201: ParticipantOut, **error_responses(400, 401, 404, 422)},
    summary="Add a participant (voting_member, invited_deputy or staff)",
)
def participant_create(request: HttpRequest, activity_id: int, payload: ParticipantIn):
    user = user_of(request)
    g = _activity(user, activity_id, manage=True)
    person = person_of_congress(g.congress_id, payload.person_id)
    entry = activities.participant_add(
        activity=g, person=person, capacity=payload.capacity, by=user
    )
    return Status(201, entry)


@router.get(
    "/activities/{activity_id}/itinerary",
    response={200: list[StopOut], **error_responses(401, 404, 422)},
    summary="The itinerary, day by day",
)
@paginate(PagePagination)
def stop_list(request: HttpRequest, activity_id: int):
    g = _activity(user_of(request), activity_id)
    return ItineraryStop.objects.filter(gathering=g).order_by("day", "pk")


@router.post(
    "/activities/{activity_id}/itinerary",
    response={201: StopOut, **error_responses(400, 401, 404, 422)},
    summary="Add a stop (its day within the activity)",
)
def stop_create(request: HttpRequest, activity_id: int, payload: StopIn):
    user = user_of(request)
    g = _activity(user, activity_id, manage=True)
    return Status(201, activities.itinerary_stop_add(activity=g, by=user, **payload.dict()))


@router.get(
    "/activities/{activity_id}/report",
    response={200: ReportOut, **error_responses(401, 404)},
    summary="The findings and the report (404 while none is written)",
)
def report_detail(request: HttpRequest, activity_id: int):
    g = _activity(user_of(request), activity_id)
    return get_object_or_404(ActivityReport, gathering=g)


@router.put(
    "/activities/{activity_id}/report",
    response={200: ReportOut, **error_responses(400, 401, 404, 422)},
    summary="Write or correct the findings and report (the first save adds its agenda item)",
)
def report_save(request: HttpRequest, activity_id: int, payload: ReportIn):
    user = user_of(request)
    g = _activity(user, activity_id, manage=True)
    return activities.report_save(
        activity=g, findings=payload.findings, report=payload.report, by=user
    )


@router.get(
    "/activities/{activity_id}/review-opinions",
    response={200: list[ActivityOpinionOut], **error_responses(401, 404, 422)},
    summary="The review opinions handed to casework after the report",
)
@paginate(PagePagination)
def activity_opinion_list(request: HttpRequest, activity_id: int):
    g = _activity(user_of(request), activity_id)
    return (
        ReviewOpinionRecord.objects.filter(
            agenda_item_id__in=ActivityReport.objects.filter(gathering=g).values("agenda_item_id")
        )
        .prefetch_related("units")
        .order_by("pk")
    )


@router.post(
    "/activities/{activity_id}/review-opinions",
    response={201: ActivityOpinionOut, **error_responses(400, 401, 404, 422)},
    summary="Hand a review opinion on the report to casework",
)
def activity_opinion_create(request: HttpRequest, activity_id: int, payload: ActivityOpinionIn):
    user = user_of(request)
    g = _activity(user, activity_id, manage=True)
    record = activities.review_opinion_hand_off(
        activity=g,
        title=payload.title,
        content=payload.content,
        units=units_of_congress(g.congress_id, payload.unit_ids),
        by=user,
    )
    return Status(201, record)
