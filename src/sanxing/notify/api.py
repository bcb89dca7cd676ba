"""/api/v1/notices: the signed-in user's own notices."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

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


@router.get("", response=list[NoticeOut], summary="My notices, unread first")
@paginate
def notice_list(request: HttpRequest):
    return selectors.inbox_for_user(request.user)


@router.get("/unread-count", response=UnreadOut, summary="How many of my notices are unread")
def notice_unread_count(request: HttpRequest):
    return {"unread": selectors.unread_count(request.user)}


@router.post("/read-all", response=ReadAllOut, summary="Mark all my notices read")
def notice_read_all(request: HttpRequest):
    count = services.notice_mark_all_read(user=request.user)
    return {"marked_read": count, "unread": selectors.unread_count(request.user)}


@router.post("/{notice_id}/read", response=NoticeOut, summary="Mark one of my notices read")
def notice_read(request: HttpRequest, notice_id: int):
    notice = selectors.notice_for_user(request.user, notice_id)
    return services.notice_mark_read(notice=notice, by=request.user)
