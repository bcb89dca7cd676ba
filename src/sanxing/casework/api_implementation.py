"""Implementation items over JSON: change, withdraw and reopen a milestone, and the office's
list of implementation items by progress. Lookups through ``sanxing.casework.access``, changes
through ``sanxing.casework.implementation``."""

import datetime as dt

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from sanxing.api.errors import AUTH_ERRORS, error_responses
from sanxing.api.pagination import PagePagination
from sanxing.casework import implementation
from sanxing.casework.access import can_use_desk, items_visible_to, milestone_for_user

router = Router(tags=["casework"])

MILESTONE_ERRORS = error_responses(400, *AUTH_ERRORS, 404, 409, 422)


class MilestoneStateOut(Schema):
    id: int
    title: str
    order: int
    due_on: dt.date
    done_on: dt.date | None
    version: int
    withdrawn: bool
    withdrawn_at: dt.datetime | None

    @staticmethod
    def resolve_withdrawn(obj: object) -> bool:
        return getattr(obj, "deleted_at", None) is not None

    @staticmethod
    def resolve_withdrawn_at(obj: object) -> dt.datetime | None:
        return getattr(obj, "deleted_at", None)


class MilestonePatchIn(Schema):
    title: str
    due_on: dt.date
    version: int


class ReasonIn(Schema):
    reason: str


@router.patch(
    "/items/{item_id}/milestones/{milestone_id}",
    response={200: MilestoneStateOut, **MILESTONE_ERRORS},
    summary="The lead unit or the office changes a milestone (409 if someone saved it first)",
)
def milestone_patch(
    request: HttpRequest, item_id: int, milestone_id: int, payload: MilestonePatchIn
):
    milestone = milestone_for_user(request.user, item_id, milestone_id)
    return implementation.milestone_update(
        milestone=milestone,
        title=payload.title,
        due_on=payload.due_on,
        version=payload.version,
        by=request.user,
    )


@router.post(
    "/items/{item_id}/milestones/{milestone_id}/withdraw",
    response={200: MilestoneStateOut, **MILESTONE_ERRORS},
    summary="The lead unit or the office withdraws a milestone not yet done, with a reason",
)
def milestone_withdraw(request: HttpRequest, item_id: int, milestone_id: int, payload: ReasonIn):
    milestone = milestone_for_user(request.user, item_id, milestone_id)
    return implementation.milestone_withdraw(
        milestone=milestone, reason=payload.reason, by=request.user
    )


@router.post(
    "/items/{item_id}/milestones/{milestone_id}/reopen",
    response={200: MilestoneStateOut, **MILESTONE_ERRORS},
    summary="The office reopens a milestone marked done by mistake, with a reason",
)
def milestone_reopen(request: HttpRequest, item_id: int, milestone_id: int, payload: ReasonIn):
    milestone = milestone_for_user(request.user, item_id, milestone_id)
    return implementation.milestone_reopen(
        milestone=milestone, reason=payload.reason, by=request.user
    )


class ProgressItemOut(Schema):
    id: int
    reference: str
    title: str
    percent: int
    source: str
    status: str
    milestones_done: int
    milestones_total: int
    next_milestone: str | None
    next_milestone_due: dt.date | None
    next_milestone_status: str | None


class ProgressFilter(Schema):
    status: str = ""
    order: str = "asc"


@router.get(
    "/implementation",
    response={200: list[ProgressItemOut], **error_responses(*AUTH_ERRORS, 404)},
    summary="The office's open implementation items by progress (status=not_started|"
    "in_progress|completed, order=asc|desc)",
)
@paginate(PagePagination)
def progress_list(request: HttpRequest, filters: Query[ProgressFilter]):
    if not can_use_desk(request.user):
        raise Http404
    status = filters.status if filters.status in implementation.PROGRESS_FILTERS else ""
    order = "desc" if filters.order == "desc" else "asc"
    return implementation.ProgressRows(
        implementation.desk_by_progress(items_visible_to(request.user), status=status, order=order),
        today=timezone.localdate(),
    )
