"""Reads for gatherings, and the permission-checked lookups every view and endpoint uses.

Who sees what (people/access.py's Viewer):
- office staff (and administrators) see every gathering of their congress and manage them;
- a member, deputy or attendee sees the gatherings whose roster they are on;
- anyone else (the public, a signed-in user with no role) only gatherings whose results
  were published, and of those only the closed votes.
Everything else answers 404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from sanxing.gatherings.models import (
    AgendaItem,
    Attendance,
    ChecklistTask,
    Gathering,
    LeaveRequest,
    RosterEntry,
    Vote,
)
from sanxing.people.access import viewer_for


def can_manage(user: Any, gathering: Gathering | None = None) -> bool:
    """Plan, take the roll, run votes: office staff of the gathering's congress."""
    v = viewer_for(user)
    if not v.is_office:
        return False
    return gathering is None or v.sees_congress(gathering.congress_id)


def gatherings_visible_to(user: Any) -> QuerySet[Gathering]:
    v = viewer_for(user)
    qs = Gathering.objects.all()
    if v.is_admin:
        return qs
    if v.is_office:
        return qs.filter(congress_id=v.congress_id)
    published = Q(results_published=True)
    if not v.is_authenticated:
        return qs.filter(published)
    on_roster = Exists(RosterEntry.objects.filter(gathering=OuterRef("pk"), person_id=v.person_id))
    if v.person_id is None:
        return qs.filter(published, congress_id=v.congress_id)
    return qs.filter(Q(congress_id=v.congress_id) & (published | Q(on_roster)))


def gathering_for_user(user: Any, pk: Any) -> Gathering:
    try:
        return gatherings_visible_to(user).get(pk=pk)
    except (Gathering.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def gathering_managed_by(user: Any, pk: Any) -> Gathering:
    """The gathering for a write: 404 unless the user may manage it."""
    gathering = gathering_for_user(user, pk)
    if not can_manage(user, gathering):
        raise Http404
    return gathering


def votes_visible_to(user: Any) -> QuerySet[Vote]:
    v = viewer_for(user)
    qs = Vote.objects.filter(gathering__in=gatherings_visible_to(user))
    if not v.is_office:
        # Attendees see the votes of their meetings once closed; so does the public.
        qs = qs.filter(closed_at__isnull=False)
    return qs


def vote_for_user(user: Any, pk: Any) -> Vote:
    try:
        return votes_visible_to(user).select_related("gathering", "agenda_item").get(pk=pk)
    except (Vote.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def agenda_item_for_user(user: Any, pk: Any) -> AgendaItem:
    try:
        return AgendaItem.objects.select_related("gathering").get(
            pk=pk, gathering__in=gatherings_visible_to(user)
        )
    except (AgendaItem.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def leave_request_for_user(user: Any, pk: Any) -> LeaveRequest:
    try:
        leave = LeaveRequest.objects.select_related("gathering", "person").get(pk=pk)
    except (LeaveRequest.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    v = viewer_for(user)
    if not (can_manage(user, leave.gathering) or leave.person_id == v.person_id):
        raise Http404
    return leave


def checklist_task_for_user(user: Any, pk: Any) -> ChecklistTask:
    try:
        task = ChecklistTask.objects.select_related("gathering").get(pk=pk)
    except (ChecklistTask.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not (can_manage(user, task.gathering) or task.owner_id == getattr(user, "pk", None)):
        raise Http404
    return task


def roster_entry_of(user: Any, gathering: Gathering) -> RosterEntry | None:
    v = viewer_for(user)
    if v.person_id is None:
        return None
    return gathering.roster.filter(person_id=v.person_id).first()


# --- pages ---------------------------------------------------------------------------------


def gathering_list(user: Any, *, year: int | None = None) -> QuerySet[Gathering]:
    qs = gatherings_visible_to(user)
    if year is not None:
        qs = qs.filter(starts_at__year=year)
    return qs.annotate(agenda_count=Count("agenda_items", distinct=True)).order_by(
        "starts_at", "pk"
    )


TAGS: dict[str, str] = {
    Attendance.Status.PRESENT: "tag-green",
    Attendance.Status.LATE: "tag-amber",
    Attendance.Status.LEAVE: "tag-grey",
    Attendance.Status.ABSENT: "tag-red",
}


@dataclass(slots=True)
class RosterRow:
    person_id: int
    name: str
    capacity: str
    capacity_label: str
    status: str  # "" when not yet recorded
    status_label: str
    tag: str


def roster_rows(gathering: Gathering, *, person_id: int | None = None) -> list[RosterRow]:
    """The roster with each person's attendance, as light rows in one query (attendance by a
    subquery on its unique (gathering, person) index): the session's roster has ~450
    deputies, so no model instances are built, and each label is translated once, not once
    a row."""
    status = Attendance.objects.filter(
        gathering_id=gathering.pk, person_id=OuterRef("person_id")
    ).values("status")[:1]
    entries = RosterEntry.objects.filter(gathering_id=gathering.pk)
    if person_id is not None:
        entries = entries.filter(person_id=person_id)
    capacity_labels: dict[str, str] = {str(k): str(v) for k, v in RosterEntry.Capacity.choices}
    status_labels: dict[str, str] = {str(k): str(v) for k, v in Attendance.Status.choices}
    return [
        RosterRow(
            pid,
            name,
            capacity,
            capacity_labels.get(capacity, capacity),
            status or "",
            status_labels.get(status or "", ""),
            TAGS.get(status or "", ""),
        )
        for pid, name, capacity, status in entries.annotate(status=Subquery(status))
        .order_by("capacity", "person__name", "pk")
        .values_list("person_id", "person__name", "capacity", "status")
    ]


def attendance_summary(rows: list[RosterRow]) -> dict[str, int]:
    summary = {s.value: 0 for s in Attendance.Status}
    summary["unknown"] = 0
    for row in rows:
        summary[row.status or "unknown"] += 1
    return summary


def my_gatherings_ahead(user: Any, today: dt.date, *, days: int = 30) -> QuerySet[Gathering]:
    v = viewer_for(user)
    start = timezone.now()
    qs = Gathering.objects.filter(
        starts_at__gte=start,
        starts_at__lt=start + dt.timedelta(days=days),
        status__in=[Gathering.Status.PLANNED, Gathering.Status.DRAFT],
    )
    if v.is_office:
        return qs.filter(congress_id=v.congress_id)
    if v.person_id is None:
        return qs.none()
    return qs.filter(roster__person_id=v.person_id, roster__deleted_at__isnull=True)


def my_open_tasks(user: Any) -> QuerySet[ChecklistTask]:
    return ChecklistTask.objects.filter(owner_id=user.pk, done_at__isnull=True).select_related(
        "gathering"
    )


def attendance_record(person_id: int) -> QuerySet[Attendance]:
    """A person's attendance across meetings, for the archives of the learning and deputies
    apps: rows with their gathering, newest first."""
    return (
        Attendance.objects.filter(person_id=person_id)
        .select_related("gathering")
        .order_by("-gathering__starts_at")
    )


@dataclass(frozen=True)
class AttendanceStats:
    present: int
    late: int
    leave: int
    absent: int
    total: int
    rate: float | None  # in the room (present or late) over the meetings recorded
    weighted_rate: float | None  # Moodle's weights: present 1, late ½, leave and absent 0


def attendance_stats(records: QuerySet[Attendance]) -> AttendanceStats:
    """Counts per status and the rates, in one query."""
    from django.db.models import Sum

    agg = records.aggregate(
        present=Count("pk", filter=Q(status=Attendance.Status.PRESENT)),
        late=Count("pk", filter=Q(status=Attendance.Status.LATE)),
        leave=Count("pk", filter=Q(status=Attendance.Status.LEAVE)),
        absent=Count("pk", filter=Q(status=Attendance.Status.ABSENT)),
        total=Count("pk"),
        weight=Sum("weight"),
    )
    total = agg["total"]
    return AttendanceStats(
        present=agg["present"],
        late=agg["late"],
        leave=agg["leave"],
        absent=agg["absent"],
        total=total,
        rate=round((agg["present"] + agg["late"]) / total, 4) if total else None,
        weighted_rate=round(float(agg["weight"] or 0) / total, 4) if total else None,
    )


def attendance_person_for_user(user: Any, person_id: Any) -> Any:
    """The person whose attendance record ``user`` may see: the office sees everyone of its
    congress, anyone else only themselves; otherwise 404."""
    from sanxing.people.access import person_for_user

    person = person_for_user(user, person_id)
    v = viewer_for(user)
    if not ((v.is_office and v.sees_congress(person.congress_id)) or v.person_id == person.pk):
        raise Http404
    return person


def attendance_record_for_user(user: Any, person_id: int) -> QuerySet[Attendance]:
    return attendance_record(person_id).filter(gathering__in=gatherings_visible_to(user))
