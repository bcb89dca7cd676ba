"""Casework over JSON: items, their state changes and the rates. Every lookup goes through
``sanxing.casework.access``; every change through ``sanxing.casework.services``."""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from sanxing.api.errors import AUTH_ERRORS, error_body, error_responses
from sanxing.api.pagination import PagePagination
from sanxing.casework import privacy, selectors, services
from sanxing.casework.access import (
    assignment_for_user,
    item_for_user,
    items_visible_to,
    milestone_for_user,
    replies_shown_to,
    reply_for_user,
)
from sanxing.casework.kinds import Channel, EvaluationValue, Kind, Topic
from sanxing.core.errors import BusinessError, NotPermitted
from sanxing.people.access import organisation_for_user, person_for_user, viewer_for
from sanxing.people.models import Congress

router = Router(tags=["casework"])


class ItemOut(Schema):
    id: int
    reference: str
    kind: str
    title: str
    topic: str
    state: str
    state_label: str
    round: int
    submitted_on: dt.date
    registered_on: dt.date | None
    closed_on: dt.date | None
    is_hard: bool
    is_key_supervised: bool
    version: int


class AssignmentOut(Schema):
    id: int
    unit_id: int
    unit: str = Field(..., alias="unit.name")
    role: str
    assigned_on: dt.date
    accepted_on: dt.date | None
    return_decision: str
    withdrawn_on: dt.date | None


class ClockOut(Schema):
    id: int
    purpose: str
    assignment_id: int | None
    round: int
    period: str
    rule_code: str
    article: str
    started_on: dt.date
    due_on: dt.date
    extended_days: int
    stopped_on: dt.date | None
    provisional: bool
    overdue: bool


class ReplyOut(Schema):
    id: int
    assignment_id: int | None
    round: int
    text: str
    reply_class: str
    committed_on: dt.date | None
    signed_by: str
    sent_on: dt.date
    approval: str = Field(
        "", description="'' (not needed), pending, approved: only '' and approved are sent"
    )


class EvaluationOut(Schema):
    id: int
    round: int
    value: str
    comment: str
    evaluated_on: dt.date


class PetitionerOut(Schema):
    name: str
    phone: str
    id_number: str
    address: str
    email: str


class ItemDetailOut(ItemOut):
    content: str
    petitioner: PetitionerOut | None = Field(
        None, description="A letter's writer, for the office only; ID number and phone masked"
    )
    deputy_ids: list[int]
    assignments: list[AssignmentOut]
    clocks: list[ClockOut]
    replies: list[ReplyOut]
    evaluations: list[EvaluationOut]


class ItemFilters(Schema):
    kind: Kind | None = None
    state: str | None = None


class ItemIn(Schema):
    kind: Kind = Kind.SUGGESTION
    title: str
    content: str = ""
    topic: Topic = Topic.OTHER
    channel: Channel = Channel.BETWEEN_SESSIONS
    submitted_on: dt.date | None = None
    deputy_ids: list[int] = []
    lead_deputy_id: int | None = None
    is_hard: bool = False
    register_now: bool = Field(False, description="Register (立案) at once: office staff only.")


class VersionIn(Schema):
    version: int | None = Field(None, description="The version you read; 409 if stale.")


class RegisterIn(VersionIn):
    on: dt.date | None = None
    topic: Topic | None = None
    is_hard: bool | None = None


class AssignIn(VersionIn):
    lead_unit_id: int | None = None
    co_unit_ids: list[int] = []
    on: dt.date | None = None
    is_hard: bool | None = None


class ReplyIn(Schema):
    text: str
    reply_class: str = ""
    signed_by: str
    sent_on: dt.date | None = None
    committed_on: dt.date | None = None


class EvaluateIn(Schema):
    value: EvaluationValue
    comment: str = ""


class RateFilters(Schema):
    kind: Kind = Kind.SUGGESTION
    date_from: dt.date | None = Field(None, alias="from")
    date_to: dt.date | None = Field(None, alias="to")
    as_of: dt.date | None = None
    topic: Topic | None = None
    unit: int | None = None


class UnitRatesOut(Schema):
    unit_id: int | None
    unit: str
    assigned: int
    replied: int
    closed_on_time: int
    closed_late: int
    open_overdue: int
    class_a: int
    class_b: int
    class_c: int
    class_d: int
    evaluated: int
    satisfied: int
    basically_satisfied: int
    unsatisfied: int
    forms_not_returned: int
    completion_rate: float | None
    on_time_rate: float | None
    resolution_rate: float | None
    resolved_or_planned_rate: float | None
    satisfaction_rate: float | None
    basic_satisfaction_rate: float | None
    average_days_to_reply: float | None


class RatesOut(Schema):
    kind: str
    date_from: dt.date
    date_to: dt.date
    as_of: dt.date
    units: list[UnitRatesOut]
    definitions: dict[str, str]


def _item_out(item: Any) -> dict[str, Any]:
    return {
        "id": item.pk,
        "reference": item.reference,
        "kind": item.kind,
        "title": item.title,
        "topic": item.topic,
        "state": item.state,
        "state_label": item.state_label,
        "round": item.round,
        "submitted_on": item.submitted_on,
        "registered_on": item.registered_on,
        "closed_on": item.closed_on,
        "is_hard": item.is_hard,
        "is_key_supervised": item.is_key_supervised,
        "version": item.version,
    }


def _petitioner(item: Any, values: dict[str, str]) -> dict[str, str]:
    return {
        "name": item.petitioner_name,
        "phone": values["petitioner_phone"],
        "id_number": values["petitioner_id_number"],
        "address": item.petitioner_address,
        "email": item.petitioner_email,
    }


def _detail(item: Any, user: Any = None) -> dict[str, Any]:
    data = selectors.item_detail(item)
    show = item.petitioner_name and user is not None and privacy.can_unmask(user, item)
    today = timezone.localdate()
    return {
        **_item_out(item),
        "content": item.content,
        "petitioner": _petitioner(item, privacy.masked(item)) if show else None,
        "deputy_ids": [o.person_id for o in data["originators"]],
        "assignments": data["assignments"],
        "clocks": [
            {
                **{f: getattr(c, f) for f in ClockOut.model_fields if f not in ("id", "overdue")},
                "id": c.pk,
                "overdue": c.is_overdue(today),
            }
            for c in data["clocks"]
        ],
        "replies": replies_shown_to(user, data["replies"])
        if user is not None
        else [r for r in data["replies"] if r.is_sent],
        "evaluations": data["evaluations"],
    }


def _item_step(
    request: HttpRequest, item_id: int, service: Callable[..., Any], /, **arguments: Any
) -> dict[str, Any]:
    """One step on one item: the item through the permission-checked lookup (404 for what the
    user may not see), then ``service(item=…, by=the user, **arguments)`` — its BusinessError
    answers 400 (NotPermitted 403, StaleEdit 409) through the API's error handlers, having
    written nothing — then the item as the step left it, as this user may see it."""
    item = item_for_user(request.user, item_id)
    service(item=item, by=request.user, **arguments)
    item.refresh_from_db()
    return _detail(item, request.user)


def _units(request: HttpRequest, lead_id: int | None, co_ids: list[int]) -> tuple[Any, list[Any]]:
    """The lead and co-handling units through the permission-checked lookup (404)."""
    lead = organisation_for_user(request.user, lead_id) if lead_id else None
    return lead, [organisation_for_user(request.user, pk) for pk in co_ids]


@router.get(
    "/items",
    response={200: list[ItemOut], **error_responses(*AUTH_ERRORS, 422)},
    summary="Items I may see (office: all of my congress; unit: assigned; deputy: my own)",
)
@paginate(PagePagination)
def item_list(request: HttpRequest, filters: Query[ItemFilters]):
    qs = items_visible_to(request.user)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.state:
        qs = qs.filter(state=filters.state)
    return qs.order_by("-submitted_on", "-pk")


class BulkAssignIn(Schema):
    item_ids: list[int] = Field(..., description="Registered items and accepted letters.")
    lead_unit_id: int
    co_unit_ids: list[int] = []
    on: dt.date | None = None
    is_hard: bool | None = Field(None, description="Suggestions only; letters keep 60 days.")


class BulkAssignOut(Schema):
    items: list[ItemOut]
    assignments: list[AssignmentOut]


@router.post(
    "/items/assign",  # before "/items/{item_id}": the URL patterns are tried in order
    response={200: BulkAssignOut, **error_responses(400, *AUTH_ERRORS, 404, 422)},
    summary="Bulk assignment (交辦) from the desk: several items to one set of units, "
    "all or none; a 400 lists in ``errors`` each item that cannot be assigned and why",
)
def items_assign(request: HttpRequest, payload: BulkAssignIn):
    items = [item_for_user(request.user, pk) for pk in dict.fromkeys(payload.item_ids)]
    lead, co = _units(request, payload.lead_unit_id, payload.co_unit_ids)
    try:
        created = services.items_assign(
            items=items,
            lead_unit=lead,
            co_units=co,
            by=request.user,
            on=payload.on,
            is_hard=payload.is_hard,
        )
    except services.BulkAssignmentError as error:
        errors = [
            {"field": "item_ids", "message": message, "code": "not_assignable", "location": "body"}
            for _item, message in error.problems
        ]
        return Status(400, error_body(error.code, error.message, field="item_ids", errors=errors))
    fresh = {i.pk: i for i in items_visible_to(request.user).filter(pk__in=[i.pk for i in items])}
    return {
        "items": [_item_out(fresh[i.pk]) for i in items],
        "assignments": created,
    }


@router.get(
    "/items/{item_id}",
    response={200: ItemDetailOut, **error_responses(*AUTH_ERRORS, 404)},
    summary="One item with its assignments, clocks, replies and evaluations",
)
def item_detail(request: HttpRequest, item_id: int):
    return _detail(item_for_user(request.user, item_id), request.user)


@router.post(
    "/items",
    response={201: ItemDetailOut, **error_responses(400, *AUTH_ERRORS, 404, 422)},
    summary="Submit an item (office, or a deputy among its originators); optionally register it",
)
def item_add(request: HttpRequest, payload: ItemIn):
    viewer = viewer_for(request.user)
    congress = Congress.objects.filter(pk=viewer.congress_id).first()
    if congress is None:
        raise NotPermitted(_("Your account belongs to no congress."))
    deputies = [person_for_user(request.user, pk) for pk in payload.deputy_ids]
    lead = person_for_user(request.user, payload.lead_deputy_id) if payload.lead_deputy_id else None
    item = services.item_enter(
        register=payload.register_now,
        congress=congress,
        kind=payload.kind,
        title=payload.title,
        content=payload.content,
        topic=payload.topic,
        channel=payload.channel,
        submitted_on=payload.submitted_on,
        deputies=deputies,
        lead=lead,
        is_hard=payload.is_hard,
        by=request.user,
    )
    return Status(201, _detail(item, request.user))


@router.post(
    "/items/{item_id}/register",
    response={200: ItemDetailOut, **error_responses(400, *AUTH_ERRORS, 404, 409, 422)},
    summary="Register (立案) a submitted item: office staff",
)
def item_register(request: HttpRequest, item_id: int, payload: RegisterIn):
    return _item_step(request, item_id, services.item_register, **payload.dict())


@router.post(
    "/items/{item_id}/assign",
    response={200: ItemDetailOut, **error_responses(400, *AUTH_ERRORS, 404, 409, 422)},
    summary="Assign to a lead unit and co-handling units (交辦): office staff",
)
def item_assign(request: HttpRequest, item_id: int, payload: AssignIn):
    lead, co = _units(request, payload.lead_unit_id, payload.co_unit_ids)
    return _item_step(
        request,
        item_id,
        services.item_assign,
        lead_unit=lead,
        co_units=co,
        on=payload.on,
        is_hard=payload.is_hard,
        version=payload.version,
    )


@router.post(
    "/assignments/{assignment_id}/reply",
    response={201: ReplyOut, **error_responses(400, *AUTH_ERRORS, 404, 422)},
    summary="The unit's reply (lead: with its class) or co-handling opinion: the unit's handler",
)
def assignment_reply(request: HttpRequest, assignment_id: int, payload: ReplyIn):
    assignment = assignment_for_user(request.user, assignment_id)
    reply = services.reply_submit(
        assignment=assignment,
        text=payload.text,
        reply_class=payload.reply_class,
        signed_by=payload.signed_by,
        sent_on=payload.sent_on,
        committed_on=payload.committed_on,
        by=request.user,
    )
    return Status(201, reply)


@router.post(
    "/items/{item_id}/evaluate",
    response={201: EvaluationOut, **error_responses(400, *AUTH_ERRORS, 404, 422)},
    summary="The originating deputy's evaluation of the reply",
)
def item_evaluate(request: HttpRequest, item_id: int, payload: EvaluateIn):
    item = item_for_user(request.user, item_id)
    evaluation = services.evaluation_submit(
        item=item, value=payload.value, comment=payload.comment, by=request.user
    )
    return Status(201, evaluation)


@router.get(
    "/rates",
    response={200: RatesOut, **error_responses(400, *AUTH_ERRORS, 422)},
    summary="Handling rates per unit (RULES.md §3): ?kind=&from=&to=&as_of=&topic=",
)
def rate_table(request: HttpRequest, filters: Query[RateFilters]):
    viewer = viewer_for(request.user)
    if not viewer.is_office or viewer.congress_id is None:
        raise NotPermitted(_("Only the office can see the rates."))
    today = timezone.localdate()
    date_from = filters.date_from or dt.date(today.year, 1, 1)
    date_to = filters.date_to or dt.date(date_from.year, 12, 31)
    if date_to < date_from:
        raise BusinessError(_("The end of the period is before its start."), field="to")
    query = selectors.RateQuery(
        congress_id=viewer.congress_id,
        kind=filters.kind,
        date_from=date_from,
        date_to=date_to,
        as_of=filters.as_of or today,
        topic=filters.topic or "",
        unit_id=filters.unit,
    )
    return {
        "kind": query.kind,
        "date_from": date_from,
        "date_to": date_to,
        "as_of": query.as_of,
        "units": [row.as_dict() for row in selectors.rates(query)],
        "definitions": {k: str(v) for k, v in selectors.DEFINITIONS.items()},
    }


# --- the other steps ------------------------------------------------------------------------


class ReasonIn(Schema):
    reason: str


class DecideReturnIn(Schema):
    approve: bool
    note: str = ""


class ContactIn(Schema):
    contacted_on: dt.date
    method: str
    note: str = ""


class SuperviseIn(Schema):
    method: str
    note: str
    on: dt.date | None = None


class KeyIn(Schema):
    leader_id: int
    note: str = ""


class LetterIn(Schema):
    petitioner_name: str
    title: str
    content: str = ""
    channel: Channel = Channel.LETTER
    received_on: dt.date | None = None
    petitioner_phone: str = ""
    petitioner_address: str = ""
    petitioner_email: str = ""
    topic: Topic = Topic.OTHER


class LetterAnswerIn(Schema):
    outcome: str
    text: str
    signed_by: str
    sent_on: dt.date | None = None


class MotionDecisionIn(Schema):
    decision: str = Field(..., description="agenda, refer or convert")
    note: str = ""
    on: dt.date | None = None


STEP_ERRORS = error_responses(400, *AUTH_ERRORS, 404, 422)


@router.post(
    "/assignments/{assignment_id}/accept",
    response={200: AssignmentOut, **STEP_ERRORS},
    summary="The unit accepts the item: its handler",
)
def assignment_accept(request: HttpRequest, assignment_id: int):
    assignment = assignment_for_user(request.user, assignment_id)
    return services.assignment_accept(assignment=assignment, by=request.user)


@router.post(
    "/assignments/{assignment_id}/request-return",
    response={200: AssignmentOut, **STEP_ERRORS},
    summary="The unit asks the office to return an item outside its remit (within 5 working days)",
)
def assignment_request_return(request: HttpRequest, assignment_id: int, payload: ReasonIn):
    assignment = assignment_for_user(request.user, assignment_id)
    return services.assignment_request_return(
        assignment=assignment, reason=payload.reason, by=request.user
    )


@router.post(
    "/assignments/{assignment_id}/decide-return",
    response={200: AssignmentOut, **STEP_ERRORS},
    summary="The office approves or refuses a unit's request to return an item",
)
def assignment_decide_return(request: HttpRequest, assignment_id: int, payload: DecideReturnIn):
    assignment = assignment_for_user(request.user, assignment_id)
    return services.assignment_decide_return(
        assignment=assignment, approve=payload.approve, note=payload.note, by=request.user
    )


@router.post(
    "/assignments/{assignment_id}/contacts",
    response={201: dict, **STEP_ERRORS},
    summary="The unit records a contact with the deputy",
)
def assignment_contact(request: HttpRequest, assignment_id: int, payload: ContactIn):
    assignment = assignment_for_user(request.user, assignment_id)
    record = services.contact_record(assignment=assignment, by=request.user, **payload.dict())
    return Status(201, {"id": record.pk})


@router.post(
    "/items/{item_id}/return",
    response={200: ItemDetailOut, **error_responses(400, *AUTH_ERRORS, 404, 409, 422)},
    summary="The office returns a submitted item to the deputy, with the reason",
)
def item_return(request: HttpRequest, item_id: int, payload: ReasonIn):
    return _item_step(request, item_id, services.item_return_to_originator, reason=payload.reason)


@router.post(
    "/items/{item_id}/supervision",
    response={201: dict, **STEP_ERRORS},
    summary="The office records a chase (督辦)",
)
def item_supervise(request: HttpRequest, item_id: int, payload: SuperviseIn):
    item = item_for_user(request.user, item_id)
    log = services.supervision_log_add(item=item, by=request.user, **payload.dict())
    return Status(201, {"id": log.pk})


@router.post(
    "/items/{item_id}/key-supervised",
    response={200: ItemDetailOut, **STEP_ERRORS},
    summary="Make the item a key supervised item with a supervising leader",
)
def item_key(request: HttpRequest, item_id: int, payload: KeyIn):
    leader = person_for_user(request.user, payload.leader_id)
    return _item_step(
        request, item_id, services.item_mark_key_supervised, leader=leader, note=payload.note
    )


@router.post(
    "/items/{item_id}/close",
    response={200: ItemDetailOut, **STEP_ERRORS},
    summary="The office closes a replied item whose form never came back (or a letter's review window)",
)
def item_close(request: HttpRequest, item_id: int):
    return _item_step(request, item_id, services.item_close)


@router.post(
    "/items/{item_id}/decide",
    response={200: ItemDetailOut, **STEP_ERRORS},
    summary="The presidium's decision on a motion (agenda, refer, convert to a suggestion)",
)
def motion_decide(request: HttpRequest, item_id: int, payload: MotionDecisionIn):
    item = item_for_user(request.user, item_id)
    motion = services.motion_decide(motion=item, by=request.user, **payload.dict())
    return _detail(motion, request.user)


@router.post(
    "/letters",
    response={201: ItemDetailOut, **error_responses(400, *AUTH_ERRORS, 422)},
    summary="Register a letter or visit (office); the answer carries its tracking code",
)
def letter_receive(request: HttpRequest, payload: LetterIn):
    viewer = viewer_for(request.user)
    congress = Congress.objects.filter(pk=viewer.congress_id).first()
    if congress is None:
        raise NotPermitted(_("Your account belongs to no congress."))
    item = services.letter_receive(congress=congress, by=request.user, **payload.dict())
    return Status(201, {**_detail(item, request.user), "tracking_code": item.tracking_code})


@router.post(
    "/letters/{item_id}/accept",
    response={200: ItemDetailOut, **STEP_ERRORS},
    summary="Accept a letter (受理): the 60-day handling period starts",
)
def letter_accept(request: HttpRequest, item_id: int):
    return _item_step(request, item_id, services.letter_accept)


@router.post(
    "/letters/{item_id}/answer",
    response={200: ItemDetailOut, **STEP_ERRORS},
    summary="The written answer with its outcome (support, explain, reject)",
)
def letter_answer(request: HttpRequest, item_id: int, payload: LetterAnswerIn):
    return _item_step(request, item_id, services.letter_answer, **payload.dict())


class AttachmentOut(Schema):
    id: int
    reply_id: int | None
    name: str = Field(..., alias="attachment.original_name")
    size: int = Field(..., alias="attachment.size")
    content_type: str = Field(..., alias="attachment.content_type")
    sha256: str = Field(..., alias="attachment.sha256")
    url: str

    @staticmethod
    def resolve_url(obj: Any) -> str:
        from django.urls import reverse

        return reverse("casework:attachment", args=[obj.item_id, obj.pk])


@router.get(
    "/items/{item_id}/attachments",
    response={200: list[AttachmentOut], **error_responses(*AUTH_ERRORS, 404)},
    summary="The files of an item and of its replies (download at each url)",
)
def item_attachments(request: HttpRequest, item_id: int):
    item = item_for_user(request.user, item_id)
    links = item.attachments.select_related("attachment", "reply__assignment").order_by("pk")
    return [
        link for link in links if link.reply is None or replies_shown_to(request.user, [link.reply])
    ]


@router.post(
    "/items/{item_id}/attachments",
    response={201: list[AttachmentOut], **error_responses(400, *AUTH_ERRORS, 404, 422)},
    summary="Attach files to an item, e.g. a letter's enclosures (multipart, `files`): the office",
)
def item_attach(request: HttpRequest, item_id: int, files: File[list[UploadedFile]]):
    item = item_for_user(request.user, item_id)
    return Status(201, services.item_attach(item=item, files=files, by=request.user))


@router.post(
    "/items/{item_id}/replies/{reply_id}/attachments",
    response={201: list[AttachmentOut], **error_responses(400, *AUTH_ERRORS, 404, 422)},
    summary="Attach files to a reply (multipart, field `files`): the replying unit's handler",
)
def reply_attach(
    request: HttpRequest, item_id: int, reply_id: int, files: File[list[UploadedFile]]
):
    item = item_for_user(request.user, item_id)
    reply = item.replies.select_related("assignment__unit", "item").filter(pk=reply_id).first()
    if reply is None:
        raise Http404
    links = services.reply_attach(reply=reply, files=files, by=request.user)
    return Status(201, links)


@router.post(
    "/items/{item_id}/personal-data",
    response={200: PetitionerOut, **error_responses(*AUTH_ERRORS, 404)},
    summary="A letter writer's ID number and phone unmasked: the office only; each call is logged",
)
def item_personal_data(request: HttpRequest, item_id: int):
    item = item_for_user(request.user, item_id)
    if not item.petitioner_name:
        raise Http404
    return _petitioner(item, privacy.unmasked(request.user, item, "api"))


class ReviewRequestIn(Schema):
    reason: str
    on: dt.date | None = None


class HearingIn(Schema):
    days: int
    note: str = ""


@router.post(
    "/letters/{item_id}/request-review",
    response={200: ItemDetailOut, **STEP_ERRORS},
    summary="The writer asks for a review (複查) within 30 days of the answer (Art. 35)",
)
def letter_request_review(request: HttpRequest, item_id: int, payload: ReviewRequestIn):
    return _item_step(request, item_id, services.letter_request_review, **payload.dict())


@router.post(
    "/letters/{item_id}/decide-review",
    response={200: ItemDetailOut, **STEP_ERRORS},
    summary="The review decision; the writer may then ask for re-review within 30 days",
)
def letter_decide_review(request: HttpRequest, item_id: int, payload: LetterAnswerIn):
    return _item_step(request, item_id, services.letter_review_decide, **payload.dict())


@router.post(
    "/letters/{item_id}/request-re-review",
    response={200: ItemDetailOut, **STEP_ERRORS},
    summary="The writer asks for a re-review (複核) within 30 days of the review (Art. 36)",
)
def letter_request_re_review(request: HttpRequest, item_id: int, payload: ReviewRequestIn):
    return _item_step(request, item_id, services.letter_request_re_review, **payload.dict())


@router.post(
    "/letters/{item_id}/hearing",
    response={200: ItemDetailOut, **STEP_ERRORS},
    summary="A hearing during re-review: its days are not counted (Art. 36)",
)
def letter_hearing(request: HttpRequest, item_id: int, payload: HearingIn):
    return _item_step(request, item_id, services.letter_hearing, **payload.dict())


@router.post(
    "/letters/{item_id}/decide-re-review",
    response={200: ItemDetailOut, **STEP_ERRORS},
    summary="The re-review decision: final, the letter is closed",
)
def letter_decide_re_review(request: HttpRequest, item_id: int, payload: LetterAnswerIn):
    return _item_step(request, item_id, services.letter_re_review_decide, **payload.dict())


class SendBackIn(Schema):
    reason: str


@router.post(
    "/replies/{reply_id}/approve",
    response={200: ReplyOut, **STEP_ERRORS},
    summary="The unit's head approves a reply awaiting approval: it is sent and counts",
)
def reply_approve(request: HttpRequest, reply_id: int):
    reply = reply_for_user(request.user, reply_id)
    return services.reply_approve(reply=reply, by=request.user)


@router.post(
    "/replies/{reply_id}/send-back",
    response={200: ReplyOut, **STEP_ERRORS},
    summary="The unit's head sends a reply back to the handler with a reason",
)
def reply_send_back(request: HttpRequest, reply_id: int, payload: SendBackIn):
    reply = reply_for_user(request.user, reply_id)
    return services.reply_send_back(reply=reply, reason=payload.reason, by=request.user)


# --- implementation items: milestones and progress --------------------------------------------


class MilestoneOut(Schema):
    id: int
    title: str
    order: int
    due_on: dt.date
    done_on: dt.date | None
    days_left: int | None

    @staticmethod
    def resolve_days_left(obj: Any) -> int | None:
        return None if obj.done_on else obj.days_left()


class MilestoneIn(Schema):
    title: str
    due_on: dt.date


class MilestoneDoneIn(Schema):
    on: dt.date | None = None


class ProgressOut(Schema):
    id: int
    percent: int
    status: str
    status_label: str
    text: str
    reason: str
    reported_on: dt.date
    unit: str | None

    @staticmethod
    def resolve_unit(obj: Any) -> str | None:
        return obj.assignment.unit.name if obj.assignment_id else None


class ProgressIn(Schema):
    percent: int = Field(..., ge=0, le=100)
    text: str
    reason: str = ""


@router.get(
    "/items/{item_id}/milestones",
    response={200: list[MilestoneOut], **error_responses(*AUTH_ERRORS, 404)},
    summary="An implementation item's milestones, in order",
)
@paginate(PagePagination)
def milestone_list(request: HttpRequest, item_id: int):
    item = item_for_user(request.user, item_id)
    return selectors.item_milestones(item)


@router.post(
    "/items/{item_id}/milestones",
    response={201: MilestoneOut, **STEP_ERRORS},
    summary="The office or the lead unit plans a milestone",
)
def milestone_add(request: HttpRequest, item_id: int, payload: MilestoneIn):
    item = item_for_user(request.user, item_id)
    milestone = services.milestone_add(
        item=item, title=payload.title, due_on=payload.due_on, by=request.user
    )
    return Status(201, milestone)


@router.post(
    "/items/{item_id}/milestones/{milestone_id}/complete",
    response={200: MilestoneOut, **STEP_ERRORS},
    summary="The office or the lead unit marks a milestone done",
)
def milestone_complete(
    request: HttpRequest, item_id: int, milestone_id: int, payload: MilestoneDoneIn | None = None
):
    milestone = milestone_for_user(request.user, item_id, milestone_id)
    on = payload.on if payload is not None else None
    return services.milestone_complete(milestone=milestone, on=on, by=request.user)


@router.get(
    "/items/{item_id}/progress",
    response={200: list[ProgressOut], **error_responses(*AUTH_ERRORS, 404)},
    summary="An implementation item's progress reports, newest first",
)
@paginate(PagePagination)
def progress_list(request: HttpRequest, item_id: int):
    item = item_for_user(request.user, item_id)
    return selectors.item_progress_reports(item)


@router.post(
    "/items/{item_id}/progress",
    response={201: ProgressOut, **STEP_ERRORS},
    summary="An assigned unit or the office reports progress (0–100 %)",
)
def progress_add(request: HttpRequest, item_id: int, payload: ProgressIn):
    item = item_for_user(request.user, item_id)
    report = services.progress_report(
        item=item,
        percent=payload.percent,
        text=payload.text,
        reason=payload.reason,
        by=request.user,
    )
    return Status(201, report)


# Implementation items: change, withdraw and reopen milestones; the list by progress.
from sanxing.casework import api_implementation  # noqa: E402

router.add_router("", api_implementation.router)

# The satisfaction vote on a review opinion's handling report.
from sanxing.casework import api_satisfaction  # noqa: E402

router.add_router("", api_satisfaction.router)
