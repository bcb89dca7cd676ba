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
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Value
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


def gathering_for_quorum_panel(user: Any, pk: int) -> Gathering:
    """The meeting for its live quorum panel (htmx polls it every few seconds on every
    clerk's screen): only the fields the panel reads (kind, day, status, congress), for
    the office or someone on the roster, else 404. Both reads compiled once per viewer and
    meeting (``compiled_rows``): the key names everything ``gatherings_visible_to`` reads."""
    v = viewer_for(user)
    rows = compiled_rows(
        ("panel", v.is_admin, v.is_office, v.is_authenticated, v.congress_id, v.person_id, pk),
        lambda: (
            gatherings_visible_to(user)
            .filter(pk=pk)
            .values_list("pk", "kind", "starts_at", "status", "congress_id")
        ),
    )
    if not rows:
        raise Http404
    pk, kind, starts_at, status, congress_id = rows[0]
    gathering = Gathering(
        pk=pk, kind=kind, starts_at=as_aware(starts_at), status=status, congress_id=congress_id
    )
    if can_manage(user, gathering):
        return gathering
    on_roster = v.person_id is not None and compiled_rows(
        ("on_roster", pk, v.person_id),
        lambda: RosterEntry.objects.filter(gathering_id=pk, person_id=v.person_id).values_list(
            "pk"
        )[:1],
    )
    if not on_roster:
        raise Http404
    return gathering


def roster_entry_of(user: Any, gathering: Gathering) -> RosterEntry | None:
    v = viewer_for(user)
    if v.person_id is None:
        return None
    return gathering.roster.filter(person_id=v.person_id).first()


# --- compiled once --------------------------------------------------------------------------

# (database alias, *key) -> the SQL and parameters the ORM compiled for that key; None for a
# query the ORM knows to be empty. Bounded: cleared when full (a few hundred meetings).
_COMPILED: dict[tuple[Any, ...], tuple[str, tuple[Any, ...]] | None] = {}
_COMPILED_MAX = 512


def compiled_rows(
    key: tuple[Any, ...], build: Callable[[], QuerySet[Any]]
) -> list[tuple[Any, ...]]:
    """The rows of the ``values_list`` queryset ``build()`` makes, its SQL compiled by the ORM
    once per ``key`` and process instead of on every request.

    Building and compiling a queryset costs ~0.3–1 ms of Python, often more than running it:
    the meeting page reads seven and htmx polls the quorum every few seconds. The queryset
    stays the definition (``build`` is called only when the key is new); the SQL holds no
    data, so nothing is ever stale, provided ``key`` names every input ``build`` reads (ids,
    the day, the viewer's flags). Rows come as the database driver gives them, without the
    ORM's converters: select ints, text and values only tested for null (``as_aware`` turns
    a datetime column into what the ORM would give)."""
    full_key = (connection.alias, *key)
    if full_key in _COMPILED:
        compiled = _COMPILED[full_key]
        if getattr(settings, "SANXING_CHECK_COMPILED_SQL", False):
            # The tests turn this on: a key that misses an input of ``build`` shows up as
            # the same key compiling to another statement (another viewer's rows, say).
            fresh = _compile(build())
            if fresh != compiled:
                raise AssertionError(f"compiled_rows key {key!r} misses an input: {fresh!r}")
    else:
        compiled = _compile(build())
        if len(_COMPILED) >= _COMPILED_MAX:
            _COMPILED.clear()
        _COMPILED[full_key] = compiled
    if compiled is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(*compiled)
        return cursor.fetchall()


def _compile(qs: QuerySet[Any]) -> tuple[str, tuple[Any, ...]] | None:
    try:
        sql, params = qs.query.get_compiler(connection=connection).as_sql()
    except EmptyResultSet:
        return None
    return sql, tuple(params)


def as_aware(value: str | dt.datetime) -> dt.datetime:
    """A (non-null) datetime column read by ``compiled_rows`` as the ORM gives it: aware."""
    if isinstance(value, str):  # SQLite without a declared type: ISO text in UTC
        value = dt.datetime.fromisoformat(value)
    return timezone.make_aware(value, dt.UTC) if timezone.is_naive(value) else value


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
    subquery on its unique (gathering, person) index, compiled once per meeting): the
    session's roster has ~450 deputies, so no model instances are built, and each label is
    translated once, not once a row."""

    def build() -> QuerySet[Any]:
        status = (  # no ORDER BY: Attendance's default order would join three tables a row
            Attendance.objects.filter(gathering_id=gathering.pk, person_id=OuterRef("person_id"))
            .order_by()
            .values("status")[:1]
        )
        entries = RosterEntry.objects.filter(gathering_id=gathering.pk)
        if person_id is not None:
            entries = entries.filter(person_id=person_id)
        return (
            entries.annotate(status=Subquery(status))
            .order_by("capacity", "person__name", "pk")
            .values_list("person_id", "person__name", "capacity", "status")
        )

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
        for pid, name, capacity, status in compiled_rows(("roster", gathering.pk, person_id), build)
    ]


@dataclass(slots=True)
class AgendaRow:
    pk: int
    order: int
    title: str
    kind: str
    state: str
    is_withdrawn: bool
    withdrawn_reason: str
    presenting_body_id: int | None
    presenting_body: str  # the body's name
    responsible_committee_id: int | None
    responsible_committee: str  # the committee's name
    subject_ref: str

    @property
    def subject_link(self) -> tuple[str, str] | None:
        if not self.subject_ref:
            return None
        from sanxing.gatherings.handoff import subject_link

        return subject_link(self.subject_ref)


def agenda_rows(gathering: Gathering) -> list[AgendaRow]:
    """The agenda with the names of the presenting body and the responsible committee, as
    light rows (one query, compiled once per meeting)."""

    def build() -> QuerySet[Any]:
        return (
            AgendaItem.objects.filter(gathering_id=gathering.pk)
            .order_by("order", "pk")
            .values_list(
                "pk",
                "order",
                "title",
                "kind",
                "state",
                "withdrawn_at",
                "withdrawn_reason",
                "presenting_body_id",
                "presenting_body__name",
                "responsible_committee_id",
                "responsible_committee__name",
                "subject_ref",
            )
        )

    return [
        AgendaRow(
            pk,
            order,
            title,
            kind,
            state,
            withdrawn_at is not None,
            reason,
            body_id,
            body or "",
            committee_id,
            committee or "",
            subject_ref,
        )
        for (
            pk,
            order,
            title,
            kind,
            state,
            withdrawn_at,
            reason,
            body_id,
            body,
            committee_id,
            committee,
            subject_ref,
        ) in compiled_rows(("agenda", gathering.pk), build)
    ]


@dataclass(slots=True)
class VoteRow:
    pk: int
    motion: str
    closed: bool
    yes: int
    no: int
    abstain: int
    result: str
    result_label: str


def vote_rows(gathering: Gathering, *, closed_only: bool) -> list[VoteRow]:
    """The meeting's votes in the order they were opened, with their counts and result; only
    the closed ones for ``closed_only`` (whoever does not run the meeting)."""

    def build() -> QuerySet[Any]:
        votes = Vote.objects.filter(gathering_id=gathering.pk)
        if closed_only:
            votes = votes.filter(closed_at__isnull=False)
        return votes.order_by("opened_at", "pk").values_list(
            "pk", "motion", "closed_at", "yes", "no", "abstain", "result"
        )

    results = {str(k): str(v) for k, v in Vote.Result.choices}
    return [
        VoteRow(
            pk, motion, closed_at is not None, yes, no, abstain, result, results.get(result, "")
        )
        for pk, motion, closed_at, yes, no, abstain, result in compiled_rows(
            ("votes", gathering.pk, closed_only), build
        )
    ]


@dataclass(slots=True)
class LeaveRow:
    pk: int
    person_id: int
    person_name: str
    reason: str
    requested_at: dt.datetime
    status: str
    status_label: str
    show_reason: bool


def leave_rows(gathering: Gathering, *, manage: bool, person_id: int | None) -> list[LeaveRow]:
    """The leave requests with the person's name. A reason (often about health) shows only to
    the office (``manage``) and to the person who asked: ``show_reason`` on each row."""

    def build() -> QuerySet[Any]:
        return (
            LeaveRequest.objects.filter(gathering_id=gathering.pk)
            .order_by("requested_at", "pk")
            .values_list("pk", "person_id", "person__name", "reason", "requested_at", "status")
        )

    statuses = {str(k): str(v) for k, v in LeaveRequest.Status.choices}
    return [
        LeaveRow(
            pk,
            pid,
            name,
            reason,
            as_aware(requested_at),
            status,
            statuses.get(status, status),
            manage or (person_id is not None and pid == person_id),
        )
        for pk, pid, name, reason, requested_at, status in compiled_rows(
            ("leaves", gathering.pk), build
        )
    ]


def checklist_size(gathering: Gathering) -> int:
    """How many preparation tasks the meeting has (one COUNT, compiled once per meeting)."""

    def build() -> QuerySet[Any]:
        return (
            ChecklistTask.objects.filter(gathering_id=gathering.pk)
            .order_by()
            .values(one=Value(1))
            .annotate(n=Count("pk"))
            .values_list("n")
        )

    rows = compiled_rows(("checklist_size", gathering.pk), build)
    return rows[0][0] if rows else 0


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
