"""Implementation items (督辦落實事項: resolutions, decisions and leaders' instructions), after
Decidim Accountability: editing, withdrawing and reopening milestones, and the progress read
from them for the unit portal, the item page and the office desk.

Planning and completing milestones and reporting progress are in ``services``; the steps here
follow the same rules: keyword-only, one transaction, the acting user in the history and a
timeline event on the item, a translated BusinessError before anything is written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanxing.casework.access import is_office_for
from sanxing.casework.kinds import Kind
from sanxing.casework.models import Item, Milestone, ProgressReport, progress_status
from sanxing.casework.services import (
    _event,
    _lead_or_office,
    _lock,
    _not_before,
    _require_implementation,
    _require_office,
    _save,
)
from sanxing.core.errors import BusinessError, StaleEdit

REASON_MAX = 500

# --- milestones: change, withdraw, reopen ------------------------------------------------------


def _lock_milestone(milestone: Milestone) -> Milestone:
    try:
        return Milestone.all_objects.select_for_update().get(pk=milestone.pk)
    except Milestone.DoesNotExist:  # pragma: no cover - looked up just before
        raise BusinessError(_("This milestone no longer exists.")) from None


def _check_milestone(milestone: Milestone, version: int | None) -> None:
    if milestone.deleted_at is not None:
        raise BusinessError(_("This milestone was withdrawn."), code="withdrawn")
    if version is not None and milestone.version != version:
        raise StaleEdit(
            _(
                "Someone else changed this milestone after you opened it. "
                "Reload the page to see their change, then make yours again."
            )
        )


def _reason(reason: str | None, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise BusinessError(message, field="reason")
    if len(reason) > REASON_MAX:
        raise BusinessError(
            _("Keep the reason to %(max)s characters.") % {"max": REASON_MAX}, field="reason"
        )
    return reason


def milestone_update(
    *,
    milestone: Milestone,
    title: str,
    due_on: dt.date | None,
    version: int | None,
    by: Any,
) -> Milestone:
    """The lead unit or the office changes a milestone's title or due date. The form carries
    the version it was read at: a second editor is told, never overwrites the first."""
    item = milestone.item
    _lead_or_office(item, by)
    title = (title or "").strip()
    if not title:
        raise BusinessError(_("Enter what the milestone is."), field="title")
    if len(title) > 200:
        raise BusinessError(_("Keep the milestone to 200 characters."), field="title")
    if due_on is None:
        raise BusinessError(_("Enter the date the milestone is due."), field="due_on")
    with transaction.atomic():
        item = _lock(item)
        _require_implementation(item)
        current = _lock_milestone(milestone)
        _check_milestone(current, version)
        _not_before(
            due_on,
            item.registered_on or item.submitted_on,
            _("The milestone cannot be due before the item was registered."),
            "due_on",
        )
        if current.title == title and current.due_on == due_on:
            return current
        changes = []
        if current.title != title:
            changes.append(_("“%(old)s” is now “%(new)s”") % {"old": current.title, "new": title})
        if current.due_on != due_on:
            changes.append(
                _("due on %(old)s, now %(new)s")
                % {"old": current.due_on.isoformat(), "new": due_on.isoformat()}
            )
        current.title = title
        current.due_on = due_on
        current.version += 1
        _save(current, by, ["title", "due_on", "version"])
        _event(item, action="milestone_change", by=by, note="; ".join(changes))
        return current


def milestone_withdraw(*, milestone: Milestone, reason: str, by: Any) -> Milestone:
    """The lead unit or the office withdraws a milestone that no longer applies, saying why.
    The row stays (soft delete) with who withdrew it and when; a completed milestone stays."""
    item = milestone.item
    _lead_or_office(item, by)
    reason = _reason(reason, _("Say why the milestone is withdrawn."))
    with transaction.atomic():
        item = _lock(item)
        _require_implementation(item)
        current = _lock_milestone(milestone)
        _check_milestone(current, None)
        if current.done_on is not None:
            raise BusinessError(
                _(
                    "A completed milestone cannot be withdrawn: it stays on the record. "
                    "If it was marked done by mistake, ask the office to reopen it."
                ),
                code="already_done",
            )
        current.deleted_at = timezone.now()
        current.deleted_by = by
        current.version += 1
        current._change_reason = reason[:100]  # type: ignore[attr-defined]
        _save(current, by, ["deleted_at", "deleted_by", "version"])
        _event(item, action="milestone_withdraw", by=by, note=f"{current.title}: {reason}")
        return current


def milestone_reopen(*, milestone: Milestone, reason: str, by: Any) -> Milestone:
    """The office reopens a milestone that was marked done by mistake, saying why."""
    item = milestone.item
    _require_office(by, item.congress_id)
    reason = _reason(reason, _("Say why the milestone is reopened."))
    with transaction.atomic():
        item = _lock(item)
        _require_implementation(item)
        current = _lock_milestone(milestone)
        _check_milestone(current, None)
        if current.done_on is None:
            raise BusinessError(_("This milestone is not done."), code="not_done")
        done_on = current.done_on
        current.done_on = None
        current.version += 1
        current._change_reason = reason[:100]  # type: ignore[attr-defined]
        _save(current, by, ["done_on", "version"])
        _event(
            item,
            action="milestone_reopen",
            by=by,
            note=f"{current.title} ({done_on.isoformat()}): {reason}",
        )
        return current


# --- where an item stands: progress and the next milestone -------------------------------------


DONE = "done"
DUE = "due"
DUE_SOON = "due_soon"
OVERDUE = "overdue"
STATUS_LABELS = {
    DONE: gettext_lazy("done"),
    DUE: gettext_lazy("due"),
    DUE_SOON: gettext_lazy("due soon"),
    OVERDUE: gettext_lazy("overdue"),
}
STATUS_TAGS = {DONE: "tag-green", DUE: "tag-grey", DUE_SOON: "tag-amber", OVERDUE: "tag-red"}
SOON_WORKING_DAYS = 5


def _calendar() -> Any:
    from sanxing.workcal.calendar import current_calendar

    return current_calendar()


def effective_due(due_on: dt.date, calendar: Any) -> dt.date:
    """A milestone due on a rest day is due on the next working day (民法典 Art. 203)."""
    day = due_on
    for _step in range(40):
        if calendar.is_working_day(day):
            return day
        day += dt.timedelta(days=1)
    return due_on  # pragma: no cover - never 40 rest days in a row


def working_days_between(start: dt.date, end: dt.date, calendar: Any) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    count = 0
    day = start
    while day < end and count <= 366:
        day += dt.timedelta(days=1)
        if calendar.is_working_day(day):
            count += 1
    return count


def milestone_status(milestone: Any, *, today: dt.date, calendar: Any) -> str:
    """done; overdue (the working day it was due has passed); due soon (within five working
    days); or due."""
    if milestone.done_on is not None:
        return DONE
    due = effective_due(milestone.due_on, calendar)
    if today > due:
        return OVERDUE
    if working_days_between(today, due, calendar) <= SOON_WORKING_DAYS:
        return DUE_SOON
    return DUE


@dataclass
class MilestoneRow:
    milestone: Milestone
    status: str
    due: dt.date

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def tag(self) -> str:
        return STATUS_TAGS[self.status]

    @property
    def moved(self) -> bool:
        """The due date fell on a rest day and moved to the next working day."""
        return self.due != self.milestone.due_on


def milestone_rows(
    milestones: Iterable[Milestone], *, today: dt.date, calendar: Any = None
) -> list[MilestoneRow]:
    calendar = calendar or _calendar()
    return [
        MilestoneRow(
            milestone=m,
            status=milestone_status(m, today=today, calendar=calendar),
            due=effective_due(m.due_on, calendar),
        )
        for m in milestones
    ]


def percent_of(reported: int | None, done: int, total: int) -> tuple[int, str]:
    """The progress: the latest report's percent, else milestones done out of planned.
    Returns the percent and where it comes from ("report", "milestones" or "none")."""
    if reported is not None:
        return reported, "report"
    if total:
        return 100 * done // total, "milestones"
    return 0, "none"


def with_progress(items: QuerySet[Item]) -> QuerySet[Item]:
    """Items annotated in one query with the latest report's percent, the milestones done and
    planned, and the next open milestone's title and due date."""
    latest = ProgressReport.objects.filter(item=OuterRef("pk")).order_by("-reported_on", "-pk")
    nxt = Milestone.objects.filter(item=OuterRef("pk"), done_on__isnull=True).order_by(
        "due_on", "order", "pk"
    )
    return items.annotate(
        reported_percent=Subquery(latest.values("percent")[:1]),
        milestones_total=Count("milestones", filter=Q(milestones__deleted_at__isnull=True)),
        milestones_done=Count(
            "milestones",
            filter=Q(milestones__deleted_at__isnull=True, milestones__done_on__isnull=False),
        ),
        next_milestone_title=Subquery(nxt.values("title")[:1]),
        next_milestone_due=Subquery(nxt.values("due_on")[:1]),
    )


@dataclass
class Progress:
    percent: int
    source: str
    done: int
    total: int
    next_title: str | None
    next_due: dt.date | None
    next_status: str | None

    @property
    def status(self) -> str:
        return progress_status(self.percent)

    @property
    def status_label(self) -> str:
        return str(ProgressReport.Status(self.status).label)

    @property
    def next_label(self) -> str:
        return str(STATUS_LABELS[self.next_status]) if self.next_status else ""

    @property
    def next_tag(self) -> str:
        return STATUS_TAGS[self.next_status] if self.next_status else ""


def progress_from(obj: Any, *, today: dt.date, calendar: Any) -> Progress:
    """The Progress of an item annotated by ``with_progress``."""
    percent, source = percent_of(obj.reported_percent, obj.milestones_done, obj.milestones_total)
    next_status = None
    if obj.next_milestone_due is not None:
        next_status = milestone_status(
            Milestone(due_on=obj.next_milestone_due), today=today, calendar=calendar
        )
    return Progress(
        percent=percent,
        source=source,
        done=obj.milestones_done,
        total=obj.milestones_total,
        next_title=obj.next_milestone_title,
        next_due=obj.next_milestone_due,
        next_status=next_status,
    )


def attach_progress(assignments: Sequence[Any], *, today: dt.date | None = None) -> None:
    """For the unit portal: set ``progress`` on each assignment of an implementation item
    (one query for all of them, plus the calendar)."""
    ids = [a.item_id for a in assignments if a.item.kind == Kind.IMPLEMENTATION]
    if not ids:
        return
    today = today or timezone.localdate()
    calendar = _calendar()
    rows = {i.pk: i for i in with_progress(Item.objects.filter(pk__in=ids))}
    for a in assignments:
        row = rows.get(a.item_id)
        a.progress = progress_from(row, today=today, calendar=calendar) if row else None


PROGRESS_FILTERS = {
    "not_started": Q(progress_value=0),
    "in_progress": Q(progress_value__gt=0, progress_value__lt=100),
    "completed": Q(progress_value__gte=100),
}


def desk_by_progress(
    items: QuerySet[Item], *, status: str = "", order: str = "asc"
) -> QuerySet[Item]:
    """The office's list of open implementation items by progress, least advanced first
    (``order="desc"`` for the most advanced), optionally only one Decidim status."""
    from django.db.models import Case, F, IntegerField, Value, When
    from django.db.models.functions import Coalesce

    qs = with_progress(items.filter(kind=Kind.IMPLEMENTATION, closed_on__isnull=True))
    qs = qs.annotate(
        progress_value=Coalesce(
            F("reported_percent"),
            Case(
                When(milestones_total=0, then=Value(0)),
                default=F("milestones_done") * 100 / F("milestones_total"),
                output_field=IntegerField(),
            ),
            output_field=IntegerField(),
        )
    )
    if status in PROGRESS_FILTERS:
        qs = qs.filter(PROGRESS_FILTERS[status])
    first = "-progress_value" if order == "desc" else "progress_value"
    return qs.order_by(first, "next_milestone_due", "pk")


def is_office(user: Any, item: Item) -> bool:
    return is_office_for(user, item.congress_id)


class ProgressRows:
    """``desk_by_progress`` for the API's pagination: counted in SQL, and only the page read
    is turned into rows with their progress."""

    def __init__(self, qs: QuerySet[Item], *, today: dt.date):
        self.qs = qs
        self.today = today

    def all(self) -> ProgressRows:
        return self

    def count(self) -> int:
        return self.qs.count()

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        calendar = _calendar()
        rows = []
        for item in self.qs[window]:
            p = progress_from(item, today=self.today, calendar=calendar)
            rows.append(
                {
                    "id": item.pk,
                    "reference": item.reference,
                    "title": item.title,
                    "percent": p.percent,
                    "source": p.source,
                    "status": p.status,
                    "milestones_done": p.done,
                    "milestones_total": p.total,
                    "next_milestone": p.next_title,
                    "next_milestone_due": p.next_due,
                    "next_milestone_status": p.next_status,
                }
            )
        return rows
