"""Meeting templates (issue 4): a standard agenda saved from a meeting, edited by the office,
and a new meeting planned from it.

The lookups answer 404 to anyone but the office staff of the template's congress (the same
people who plan meetings). Every write is keyword-only, in one transaction, with history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxing.core.errors import BusinessError, StaleEdit
from sanxing.core.services import record_restore, record_soft_delete
from sanxing.gatherings import services
from sanxing.gatherings.kinds import get_kind
from sanxing.gatherings.models import (
    AgendaItem,
    Gathering,
    MeetingTemplate,
    MeetingTemplateLine,
)
from sanxing.people.access import viewer_for
from sanxing.people.models import Congress, Organisation

DEFAULT_START = dt.time(9, 0)
MAX_DURATION = 24 * 60 * 5  # a congress session lasts up to five days


# --- lookups and reads ----------------------------------------------------------------------


def templates_visible_to(user: Any) -> QuerySet[MeetingTemplate]:
    """The office's templates of its congress (an administrator's: all); nothing for others."""
    v = viewer_for(user)
    if not v.is_office:
        return MeetingTemplate.objects.none()
    qs = MeetingTemplate.objects.all()
    return qs if v.is_admin else qs.filter(congress_id=v.congress_id)


def template_for_user(user: Any, pk: Any) -> MeetingTemplate:
    try:
        return templates_visible_to(user).get(pk=pk)
    except (MeetingTemplate.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def deleted_templates(user: Any) -> QuerySet[MeetingTemplate]:
    """The office's deleted templates, newest deletion first, to restore."""
    v = viewer_for(user)
    if not v.is_office:
        return MeetingTemplate.objects.none()
    qs = MeetingTemplate.all_objects.filter(deleted_at__isnull=False)
    if not v.is_admin:
        qs = qs.filter(congress_id=v.congress_id)
    return qs.order_by("-deleted_at", "-pk")


def deleted_template_for_user(user: Any, pk: Any) -> MeetingTemplate:
    try:
        return deleted_templates(user).get(pk=pk)
    except (MeetingTemplate.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def template_list(user: Any) -> QuerySet[MeetingTemplate]:
    """The list: each template with the number of its live lines, in one query."""
    return templates_visible_to(user).annotate(
        line_count=Count("lines", filter=Q(lines__deleted_at__isnull=True))
    )


def template_lines(template: MeetingTemplate) -> QuerySet[MeetingTemplateLine]:
    return template.lines.select_related("presenting_body", "responsible_committee").order_by(
        "order", "pk"
    )


# --- writes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineSpec:
    """A line as the editor sends it: ``id`` of an existing line, or None for a new one."""

    title: str
    kind: str = "report"
    presenting_body_id: int | None = None
    responsible_committee_id: int | None = None
    id: int | None = None


def _by(obj: Any, user: Any) -> Any:
    obj._history_user = user
    return obj


def _check_kind(kind: str) -> None:
    try:
        get_kind(kind)
    except KeyError:
        raise BusinessError(_("Choose a kind of gathering."), field="kind") from None


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise BusinessError(_("Enter a name for the template."), field="name")
    if len(name) > 200:
        raise BusinessError(_("The name is too long (200 characters at most)."), field="name")
    return name


def _check_duration(minutes: int) -> None:
    if not 0 < minutes <= MAX_DURATION:
        raise BusinessError(
            _("Enter a duration between 1 minute and 5 days."), field="duration_minutes"
        )


def _check_lines(congress_id: int, lines: Sequence[LineSpec]) -> None:
    for line in lines:
        if not line.title.strip():
            raise BusinessError(_("Enter the title of every agenda line."), field="lines")
        if len(line.title.strip()) > 300:
            raise BusinessError(
                _("An agenda line's title is too long (300 characters at most)."), field="lines"
            )
        if line.kind not in AgendaItem.Kind.values:
            raise BusinessError(_("Choose the kind of agenda item."), field="lines")
    org_ids = {
        pk
        for line in lines
        for pk in (line.presenting_body_id, line.responsible_committee_id)
        if pk is not None
    }
    if org_ids:
        found = Organisation.objects.filter(pk__in=org_ids, congress_id=congress_id).count()
        if found != len(org_ids):
            raise BusinessError(_("Choose a body of this congress."), field="lines")


def template_from_gathering(*, gathering: Gathering, name: str, by: Any) -> MeetingTemplate:
    """Save the meeting's agenda (not its withdrawn items) as a new template named ``name``,
    with the meeting's kind, place, start time and length."""
    name = _check_name(name)
    start = timezone.localtime(gathering.starts_at)
    minutes = int((gathering.ends_at - gathering.starts_at).total_seconds() // 60)
    with transaction.atomic():
        template = MeetingTemplate(
            congress_id=gathering.congress_id,
            kind=gathering.kind,
            name=name,
            place=gathering.place,
            start_time=start.time().replace(second=0, microsecond=0),
            duration_minutes=max(1, min(minutes, MAX_DURATION)),
        )
        _by(template, by).save()
        items = gathering.agenda_items.filter(withdrawn_at__isnull=True).order_by("order", "pk")
        _bulk_lines(
            template,
            enumerate(
                [
                    LineSpec(
                        title=item.title,
                        kind=item.kind,
                        presenting_body_id=item.presenting_body_id,
                        responsible_committee_id=item.responsible_committee_id,
                    )
                    for item in items
                ],
                start=1,
            ),
            by,
        )
        return template


def _bulk_lines(
    template: MeetingTemplate, numbered: Iterable[tuple[int, LineSpec]], by: Any
) -> None:
    """New lines of ``template`` at the given positions, with their history rows."""
    rows = [
        MeetingTemplateLine(
            congress_id=template.congress_id,
            template=template,
            order=n,
            title=line.title.strip(),
            kind=line.kind,
            presenting_body_id=line.presenting_body_id,
            responsible_committee_id=line.responsible_committee_id,
        )
        for n, line in numbered
    ]
    services._bulk_create(MeetingTemplateLine, rows, by, "template")


def template_create(
    *,
    congress: Congress,
    kind: str,
    name: str,
    description: str = "",
    place: str = "",
    start_time: dt.time = DEFAULT_START,
    duration_minutes: int = 240,
    lines: Sequence[LineSpec] = (),
    by: Any,
) -> MeetingTemplate:
    """A template written from scratch (the demo; the pages save one from a meeting)."""
    _check_kind(kind)
    name = _check_name(name)
    _check_duration(duration_minutes)
    _check_lines(congress.pk, lines)
    with transaction.atomic():
        template = MeetingTemplate(
            congress=congress,
            kind=kind,
            name=name,
            description=description.strip(),
            place=place.strip(),
            start_time=start_time,
            duration_minutes=duration_minutes,
        )
        _by(template, by).save()
        _bulk_lines(template, enumerate(lines, start=1), by)
        return template


def template_update(
    *,
    template: MeetingTemplate,
    version: int,
    name: str,
    description: str = "",
    place: str = "",
    start_time: dt.time,
    duration_minutes: int,
    lines: Sequence[LineSpec] | None = None,
    by: Any,
) -> MeetingTemplate:
    """Change the template; ``lines`` (if given) is the whole new agenda in order: lines
    with an id are kept (and changed), new ones added, the others deleted. Refused with
    ``StaleEdit`` when someone saved the template since ``version`` was read."""
    name = _check_name(name)
    _check_duration(duration_minutes)
    if lines is not None:
        _check_lines(template.congress_id, lines)
    with transaction.atomic():
        current = MeetingTemplate.all_objects.select_for_update().get(pk=template.pk)
        if current.deleted_at is not None:
            raise BusinessError(_("This template has been deleted."))
        if current.version != version:
            raise StaleEdit(
                _(
                    "Someone else saved this template after you opened it. "
                    "Reload the page to see their changes, then make yours again."
                )
            )
        current.name = name
        current.description = description.strip()
        current.place = place.strip()
        current.start_time = start_time
        current.duration_minutes = duration_minutes
        current.version += 1
        _by(current, by).save()
        if lines is not None:
            _lines_replace(current, lines, by)
        return current


def _lines_replace(template: MeetingTemplate, lines: Sequence[LineSpec], by: Any) -> None:
    existing = {line.pk: line for line in template.lines.select_for_update()}
    keep = {line.id for line in lines if line.id is not None}
    if not keep <= existing.keys():
        raise BusinessError(_("A line of this template was removed meanwhile."), field="lines")
    now = timezone.now()
    for pk, line in existing.items():
        if pk not in keep:
            line.deleted_at = now
            line.deleted_by = by
            line.version += 1
            _by(line, by).save(update_fields=["deleted_at", "deleted_by", "version", "updated_at"])
    new = []
    for n, spec in enumerate(lines, start=1):
        if spec.id is None:
            new.append((n, spec))
            continue
        row = existing[spec.id]
        values = {
            "order": n,
            "title": spec.title.strip(),
            "kind": spec.kind,
            "presenting_body_id": spec.presenting_body_id,
            "responsible_committee_id": spec.responsible_committee_id,
        }
        if any(getattr(row, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(row, f, v)
            row.version += 1
            _by(row, by).save(update_fields=[*values, "version", "updated_at"])
    _bulk_lines(template, new, by)


def template_delete(*, template: MeetingTemplate, by: Any) -> MeetingTemplate:
    """Soft-delete: no record refers to a template, so nothing refuses it."""
    return record_soft_delete(obj=template, by=by)


def template_restore(*, template: MeetingTemplate, by: Any) -> MeetingTemplate:
    """Undo a deletion: the template and its lines as they were (history records both)."""
    return record_restore(obj=template, by=by)


def gathering_plan_from_template(
    *,
    template: MeetingTemplate,
    congress: Congress,
    starts_on: dt.date | None = None,
    starts_at: dt.datetime | None = None,
    duration_minutes: int | None = None,
    title: str | None = None,
    place: str | None = None,
    kind: str | None = None,
    by: Any,
) -> Gathering:
    """A new meeting of the template's kind, planned as ``services.gathering_plan`` plans one
    (numbered in its term, status planned; roster and checklist built later, as for any
    meeting), with the template's lines as its proposed agenda in order. It starts at
    ``starts_at``, or on ``starts_on`` at the template's usual time; it lasts the template's
    duration unless ``duration_minutes`` is given."""
    if template.congress_id != congress.pk:
        raise BusinessError(_("Choose a template of this congress."), field="template")
    if template.deleted_at is not None:
        raise BusinessError(_("This template has been deleted."), field="template")
    if kind is not None and kind != template.kind:
        raise BusinessError(
            _("The template is for another kind of meeting: choose a template of this kind."),
            field="template",
        )
    if starts_at is None:
        if starts_on is None:
            raise BusinessError(_("Enter the date of the meeting."), field="starts_on")
        starts_at = timezone.make_aware(dt.datetime.combine(starts_on, template.start_time))
    elif timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)  # a wall-clock time in the congress's zone
    minutes = template.duration_minutes if duration_minutes is None else duration_minutes
    _check_duration(minutes)
    with transaction.atomic():
        gathering = services.gathering_plan(
            congress=congress,
            kind=template.kind,
            title=title if title and title.strip() else template.name,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(minutes=minutes),
            place=template.place if place is None else place,
            by=by,
        )
        services.agenda_copy(
            gathering=gathering,
            lines=template.lines.order_by("order", "pk"),
            by=by,
            reason="from template",
        )
        return gathering
