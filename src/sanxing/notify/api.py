"""/api/v1/notices: the signed-in user's own notices."""

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from sanxing.api.errors import AUTH_ERRORS, error_responses
from sanxing.api.pagination import PagePagination
from sanxing.notify import selectors, services

router = Router(tags=["notices"])


class NoticeOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    urgent: bool
    created_at: dt.datetime
    read_at: dt.datetime | None


class UnreadOut(Schema):
    unread: int


class ReadAllOut(Schema):
    marked_read: int
    unread: int


@router.get(
    "",
    response={200: list[NoticeOut], **error_responses(*AUTH_ERRORS, 422)},
    summary="My notices, unread first",
)
@paginate(PagePagination)
def notice_list(request: HttpRequest):
    return selectors.inbox_for_user(request.user)


@router.get(
    "/unread-count",
    response={200: UnreadOut, **error_responses(*AUTH_ERRORS)},
    summary="How many of my notices are unread",
)
def notice_unread_count(request: HttpRequest):
    return {"unread": selectors.unread_count(request.user)}


@router.post(
    "/read-all",
    response={200: ReadAllOut, **error_responses(*AUTH_ERRORS)},
    summary="Mark all my notices read",
)
def notice_read_all(request: HttpRequest):
    count = services.notice_mark_all_read(user=request.user)
    return {"marked_read": count, "unread": selectors.unread_count(request.user)}


@router.post(
    "/{notice_id}/read",
    response={200: NoticeOut, **error_responses(*AUTH_ERRORS, 404)},
    summary="Mark one of my notices read",
)
def notice_read(request: HttpRequest, notice_id: int):
    notice = selectors.notice_for_user(request.user, notice_id)
    return services.notice_mark_read(notice=notice, by=request.user)
