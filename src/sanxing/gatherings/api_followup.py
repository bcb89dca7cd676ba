"""The follow-up API (跟蹤服務), the same services and lookups as the follow-up page:
minutes (save, approve), decisions (record → hand-off), remarks per agenda item and the
review opinions compiled from them. Readable by the office and those on the roster; writes
are the office's, except a remark, which someone on the roster makes in their own name."""

import datetime as dt
from typing import Literal

from django.db.models import Prefetch
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from sanxing.api.errors import error_responses
from sanxing.api.pagination import PagePagination
from sanxing.core.errors import BusinessError
from sanxing.gatherings import followup
from sanxing.gatherings.api_shared import (
    PersonRefOut,
    gathering_for_follow_up,
    item_for_follow_up,
    managed_gathering,
    person_of_congress,
    person_of_user,
    row_of_managed_gathering,
    units_of_congress,
    user_of,
)
from sanxing.gatherings.models import AgendaItem, Decision, Minutes, Remark, ReviewOpinionRecord
from sanxing.people.access import viewer_for

router = Router(tags=["gatherings: follow-up"])


# --- schemas --------------------------------------------------------------------------------


class MinutesOut(Schema):
    gathering_id: int
    text: str
    version: int
    approved_at: dt.datetime | None
    updated_at: dt.datetime


class MinutesIn(Schema):
    text: str = Field(..., max_length=100_000)


class DecisionOut(Schema):
    id: int
    kind: str
    text: str
    agenda_item_id: int | None
    unit_ids: list[int]
    handed_off_at: dt.datetime | None
    handed_off_refs: str

    @staticmethod
    def resolve_unit_ids(obj: Decision) -> list[int]:
        return [u.pk for u in obj.units.all()]


class DecisionIn(Schema):
    text: str
    kind: Literal["decision", "resolution"] = "decision"
    agenda_item_id: int | None = None
    unit_ids: list[int] = []


class RemarkOut(Schema):
    id: int
    agenda_item_id: int
    person: PersonRefOut
    text: str
    made_at: dt.datetime


class RemarkIn(Schema):
    text: str
    person_id: int | None = None


class OpinionOut(Schema):
    id: int
    agenda_item_id: int
    title: str
    content: str
    remark_ids: list[int]
    unit_ids: list[int]
    handed_off_at: dt.datetime
    handed_off_refs: str

    @staticmethod
    def resolve_remark_ids(obj: ReviewOpinionRecord) -> list[int]:
        return [r.pk for r in obj.remarks.all()]

    @staticmethod
    def resolve_unit_ids(obj: ReviewOpinionRecord) -> list[int]:
        return [u.pk for u in obj.units.all()]


class OpinionIn(Schema):
    title: str = Field(..., min_length=1, max_length=300)
    unit_ids: list[int] = Field(..., min_length=1)
    remark_ids: list[int] = []
    preface: str = ""


# --- minutes --------------------------------------------------------------------------------


@router.get(
    "/gatherings/{gathering_id}/minutes",
    response={200: MinutesOut, **error_responses(401, 404)},
    summary="A meeting's minutes (404 while none are written)",
)
def minutes_detail(request: HttpRequest, gathering_id: int):
    g, _manage = gathering_for_follow_up(user_of(request), gathering_id)
    return get_object_or_404(Minutes, gathering=g)


@router.put(
    "/gatherings/{gathering_id}/minutes",
    response={200: MinutesOut, **error_responses(400, 401, 404, 422)},
    summary="Write or correct the minutes (refused once approved)",
)
def minutes_save(request: HttpRequest, gathering_id: int, payload: MinutesIn):
    user, g = managed_gathering(request, gathering_id)
    return followup.minutes_save(gathering=g, text=payload.text, by=user)


@router.post(
    "/gatherings/{gathering_id}/minutes/approve",
    response={200: MinutesOut, **error_responses(401, 404)},
    summary="Approve the minutes; they can no longer be changed",
)
def minutes_approve(request: HttpRequest, gathering_id: int):
    user, g = managed_gathering(request, gathering_id)
    minutes = get_object_or_404(Minutes, gathering=g)
    return followup.minutes_approve(minutes=minutes, by=user)


# --- decisions ------------------------------------------------------------------------------


@router.get(
    "/gatherings/{gathering_id}/decisions",
    response={200: list[DecisionOut], **error_responses(401, 404, 422)},
    summary="A meeting's decisions and resolutions, with their hand-off",
)
@paginate(PagePagination)
def decision_list(request: HttpRequest, gathering_id: int):
    g, _manage = gathering_for_follow_up(user_of(request), gathering_id)
    return g.decisions.prefetch_related("units").order_by("pk")


@router.post(
    "/gatherings/{gathering_id}/decisions",
    response={201: DecisionOut, **error_responses(400, 401, 404, 422)},
    summary="Record a decision or resolution (handed off at once when an engine receives them)",
)
def decision_create(request: HttpRequest, gathering_id: int, payload: DecisionIn):
    user, g = managed_gathering(request, gathering_id)
    item = None
    if payload.agenda_item_id is not None:
        try:
            item = AgendaItem.objects.get(pk=payload.agenda_item_id, gathering=g)
        except AgendaItem.DoesNotExist:
            raise BusinessError(
                _("Choose an item of this meeting's agenda."), field="agenda_item_id"
            ) from None
    decision = followup.decision_record(
        gathering=g,
        text=payload.text,
        kind=payload.kind,
        agenda_item=item,
        units=units_of_congress(g.congress_id, payload.unit_ids),
        by=user,
    )
    return Status(201, decision)


@router.post(
    "/decisions/{decision_id}/hand-off",
    response={200: DecisionOut, **error_responses(400, 401, 404)},
    summary="Hand a decision on for implementation (refused once handed off)",
)
def decision_hand_off(request: HttpRequest, decision_id: int):
    user = user_of(request)
    decision = row_of_managed_gathering(user, Decision, decision_id)
    return followup.decision_hand_off(decision=decision, by=user)


# --- remarks and review opinions ------------------------------------------------------------


@router.get(
    "/agenda-items/{agenda_item_id}/remarks",
    response={200: list[RemarkOut], **error_responses(401, 404, 422)},
    summary="The deliberation remarks on an agenda item, in the order made",
)
@paginate(PagePagination)
def remark_list(request: HttpRequest, agenda_item_id: int):
    item, _manage = item_for_follow_up(user_of(request), agenda_item_id)
    return (
        Remark.objects.filter(agenda_item=item).select_related("person").order_by("made_at", "pk")
    )


@router.post(
    "/agenda-items/{agenda_item_id}/remarks",
    response={201: RemarkOut, **error_responses(400, 401, 404, 422)},
    summary="Record a remark: yours, or (the office) one by someone on the roster",
)
def remark_create(request: HttpRequest, agenda_item_id: int, payload: RemarkIn):
    user = user_of(request)
    item, manage = item_for_follow_up(user, agenda_item_id)
    v = viewer_for(user)
    if manage and payload.person_id is not None:
        person = person_of_congress(item.congress_id, payload.person_id)
    elif payload.person_id is not None and payload.person_id != v.person_id:
        raise Http404
    else:
        person = person_of_user(user, field="person_id")
    remark = followup.remark_add(item=item, person=person, text=payload.text, by=user)
    return Status(201, remark)


@router.get(
    "/agenda-items/{agenda_item_id}/review-opinions",
    response={200: list[OpinionOut], **error_responses(401, 404, 422)},
    summary="The review opinions compiled on an agenda item and handed to casework",
)
@paginate(PagePagination)
def opinion_list(request: HttpRequest, agenda_item_id: int):
    item, _manage = item_for_follow_up(user_of(request), agenda_item_id)
    return (
        ReviewOpinionRecord.objects.filter(agenda_item=item)
        .prefetch_related(Prefetch("remarks", queryset=Remark.objects.order_by("pk")), "units")
        .order_by("pk")
    )


@router.post(
    "/agenda-items/{agenda_item_id}/review-opinions",
    response={201: OpinionOut, **error_responses(400, 401, 404, 422)},
    summary="Compile a review opinion from the remarks (all unless chosen), hand it to casework",
)
def opinion_create(request: HttpRequest, agenda_item_id: int, payload: OpinionIn):
    user = user_of(request)
    item, manage = item_for_follow_up(user, agenda_item_id)
    if not manage:
        raise Http404
    remarks = None
    if payload.remark_ids:
        remarks = list(
            Remark.objects.filter(pk__in=payload.remark_ids, congress_id=item.congress_id)
            .select_related("person")
            .order_by("pk")
        )
        if len(remarks) != len(set(payload.remark_ids)):
            raise BusinessError(_("Choose remarks made on this item."), field="remark_ids")
    record = followup.review_opinion_compile(
        item=item,
        title=payload.title,
        units=units_of_congress(item.congress_id, payload.unit_ids),
        remarks=remarks,
        preface=payload.preface,
        by=user,
    )
    return Status(201, record)
