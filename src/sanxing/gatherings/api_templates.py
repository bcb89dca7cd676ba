"""The meeting-template API (issue 4), for the office staff who plan meetings: the same
lookups and services as the pages (sanxing.gatherings.meeting_templates). Anyone else gets
404, as on the pages."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from sanxing.api.errors import error_responses
from sanxing.api.pagination import PagePagination
from sanxing.core.errors import BusinessError
from sanxing.gatherings import meeting_templates, selectors
from sanxing.gatherings.api_shared import user_of
from sanxing.gatherings.meeting_templates import LineSpec
from sanxing.gatherings.models import MeetingTemplate
from sanxing.people.access import viewer_for

router = Router(tags=["gatherings: templates"])


class TemplateLineOut(Schema):
    id: int
    order: int
    title: str
    kind: str
    presenting_body_id: int | None
    responsible_committee_id: int | None


class TemplateOut(Schema):
    id: int
    kind: str
    name: str
    description: str
    place: str
    start_time: dt.time
    duration_minutes: int
    line_count: int
    version: int
    updated_at: dt.datetime


class TemplateDetailOut(TemplateOut):
    lines: list[TemplateLineOut]

    @staticmethod
    def resolve_lines(obj: MeetingTemplate) -> list[Any]:
        return list(meeting_templates.template_lines(obj))


class TemplateFromGatheringIn(Schema):
    gathering_id: int
    name: str = Field(..., max_length=200)


class TemplateLineIn(Schema):
    id: int | None = None
    title: str = Field(..., max_length=300)
    kind: str = "report"
    presenting_body_id: int | None = None
    responsible_committee_id: int | None = None


class TemplatePatchIn(Schema):
    version: int
    name: str | None = Field(None, max_length=200)
    description: str | None = None
    place: str | None = Field(None, max_length=200)
    start_time: dt.time | None = None
    duration_minutes: int | None = None
    lines: list[TemplateLineIn] | None = Field(
        None, description="The whole agenda in order: lines with an id are kept, others added"
    )


class PlanIn(Schema):
    starts_on: dt.date | None = None
    starts_at: dt.datetime | None = None
    duration_minutes: int | None = None
    title: str | None = Field(None, max_length=200)
    place: str | None = Field(None, max_length=200)
    kind: str | None = Field(None, description="If given, refused unless it is the template's")


class PlannedOut(Schema):
    id: int
    title: str
    starts_at: dt.datetime
    url: str


def _with_count(user: Any, pk: int) -> MeetingTemplate:
    """The template through the permission-checked lookup, with its number of lines."""
    template = meeting_templates.template_for_user(user, pk)
    template.line_count = template.lines.count()  # type: ignore[attr-defined]
    return template


@router.get(
    "/gatherings/templates",
    response={200: list[TemplateOut], **error_responses(401, 422)},
    summary="Meeting templates (the office's)",
)
@paginate(PagePagination)
def template_list(request: HttpRequest):
    return meeting_templates.template_list(user_of(request)).order_by("kind", "name", "pk")


@router.get(
    "/gatherings/templates/{template_id}",
    response={200: TemplateDetailOut, **error_responses(401, 404)},
    summary="A meeting template with its agenda lines",
)
def template_detail(request: HttpRequest, template_id: int):
    return _with_count(user_of(request), template_id)


@router.post(
    "/gatherings/templates",
    response={201: TemplateDetailOut, **error_responses(400, 401, 404, 422)},
    summary="Save a meeting's agenda (not its withdrawn items) as a new template",
)
def template_create(request: HttpRequest, payload: TemplateFromGatheringIn):
    user = user_of(request)
    g = selectors.gathering_managed_by(user, payload.gathering_id)
    template = meeting_templates.template_from_gathering(gathering=g, name=payload.name, by=user)
    return Status(201, _with_count(user, template.pk))


@router.patch(
    "/gatherings/templates/{template_id}",
    response={200: TemplateDetailOut, **error_responses(400, 401, 404, 409, 422)},
    summary="Change a template (send the version you read; 409 if someone saved since)",
)
def template_update(request: HttpRequest, template_id: int, payload: TemplatePatchIn):
    user = user_of(request)
    t = meeting_templates.template_for_user(user, template_id)
    lines = None
    if payload.lines is not None:
        lines = [LineSpec(**line.dict()) for line in payload.lines]
    meeting_templates.template_update(
        template=t,
        version=payload.version,
        name=t.name if payload.name is None else payload.name,
        description=t.description if payload.description is None else payload.description,
        place=t.place if payload.place is None else payload.place,
        start_time=payload.start_time or t.start_time,
        duration_minutes=(
            t.duration_minutes if payload.duration_minutes is None else payload.duration_minutes
        ),
        lines=lines,
        by=user,
    )
    return _with_count(user, t.pk)


@router.delete(
    "/gatherings/templates/{template_id}",
    response={204: None, **error_responses(400, 401, 404)},
    summary="Delete a template (soft: its history stays)",
)
def template_delete(request: HttpRequest, template_id: int):
    user = user_of(request)
    t = meeting_templates.template_for_user(user, template_id)
    meeting_templates.template_delete(template=t, by=user)
    return Status(204, None)


@router.post(
    "/gatherings/templates/{template_id}/restore",
    response={200: TemplateOut, **error_responses(400, 401, 404)},
    summary="Restore a deleted template (its lines as they were)",
)
def template_restore(request: HttpRequest, template_id: int):
    user = user_of(request)
    t = meeting_templates.deleted_template_for_user(user, template_id)
    meeting_templates.template_restore(template=t, by=user)
    return _with_count(user, t.pk)


@router.post(
    "/gatherings/templates/{template_id}/plan",
    response={201: PlannedOut, **error_responses(400, 401, 404, 422)},
    summary="Plan a new meeting from the template on a date (starts_on) or at a time",
)
def template_plan(request: HttpRequest, template_id: int, payload: PlanIn):
    user = user_of(request)
    t = meeting_templates.template_for_user(user, template_id)
    congress = getattr(user, "congress", None)
    if congress is None or not viewer_for(user).sees_congress(congress.pk):
        raise BusinessError(_("Your account belongs to no congress."))
    g = meeting_templates.gathering_plan_from_template(
        template=t,
        congress=congress,
        starts_on=payload.starts_on,
        starts_at=payload.starts_at,
        duration_minutes=payload.duration_minutes,
        title=payload.title,
        place=payload.place,
        kind=payload.kind,
        by=user,
    )
    url = request.build_absolute_uri(reverse("gatherings:detail", args=[g.pk]))
    return Status(201, {"id": g.pk, "title": g.title, "starts_at": g.starts_at, "url": url})
