"""Business writes for gatherings: plan, agenda, roster, leave, check-in, votes, checklists.

Every function takes keyword-only arguments, runs in one transaction, records history with
the acting user and raises ``BusinessError`` with a translated message for bad input.
The legal rules (quorum, pass) come from ``sanxing.gatherings.kinds`` (RULES.md §4).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from sanxing.core.errors import BusinessError
from sanxing.core.throttle import AttemptCounter
from sanxing.gatherings.kinds import GatheringKind, Threshold, get_kind
from sanxing.gatherings.models import (
    COUNTERPARTS,
    AgendaItem,
    Attendance,
    Ballot,
    ChecklistTask,
    Gathering,
    LeaveRequest,
    RosterEntry,
    Vote,
)
from sanxing.people.access import roles_in_force
from sanxing.people.models import Congress, Organisation, Person, Role, Term

# --- helpers --------------------------------------------------------------------------------


def _by(obj: Any, user: Any) -> Any:
    obj._history_user = user
    return obj


def _kind(code: str) -> GatheringKind:
    try:
        return get_kind(code)
    except KeyError:
        raise BusinessError(_("Choose a kind of gathering."), field="kind") from None


def meeting_day(gathering: Gathering) -> dt.date:
    return timezone.localtime(gathering.starts_at).date()


def _lock(gathering: Gathering) -> Gathering:
    return Gathering.objects.select_for_update().get(pk=gathering.pk)


def _voting_body_roles(gathering: Gathering) -> QuerySet[Role] | None:
    """The roles in force on the meeting day that make their holders voting members."""
    spec = gathering.kind_spec
    if spec.voting_body is None or not spec.votes:
        return None
    day = meeting_day(gathering)
    return Role.objects.filter(
        spec.voting_body(day),
        roles_in_force(day),
        person__congress_id=gathering.congress_id,
        person__deleted_at__isnull=True,
    )


def voting_body_ids(gathering: Gathering) -> set[int]:
    """The persons of the voting body on the meeting day (from the roles in force)."""
    roles = _voting_body_roles(gathering)
    if roles is None:
        return set()
    return set(roles.values_list("person_id", flat=True))


def _in_room_ids(gathering: Gathering) -> set[int]:
    return set(
        Attendance.objects.filter(gathering=gathering, status__in=Attendance.IN_ROOM).values_list(
            "person_id", flat=True
        )
    )


# --- planning -------------------------------------------------------------------------------


def _term_for(congress: Congress, day: dt.date) -> Term | None:
    for term in Term.objects.filter(congress=congress).order_by("-starts_on"):
        if term.covers(day):
            return term
    return None


def gathering_plan(
    *,
    congress: Congress,
    kind: str,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str = "",
    sitting: int | None = None,
    term: Term | None = None,
    status: str = Gathering.Status.PLANNED,
    by: Any,
) -> Gathering:
    """Plan a gathering. A numbered kind without a sitting gets the next number in the term."""
    spec = _kind(kind)
    if not title.strip():
        raise BusinessError(_("Enter a title."), field="title")
    if ends_at <= starts_at:
        raise BusinessError(_("The end must be after the start."), field="ends_at")
    with transaction.atomic():
        term = term or _term_for(congress, timezone.localtime(starts_at).date())
        if spec.sittings_numbered and sitting is None and term is not None:
            last = Gathering.objects.filter(congress=congress, term=term, kind=kind).aggregate(
                n=Max("sitting")
            )["n"]
            sitting = (last or 0) + 1
        elif sitting is not None and (
            Gathering.objects.filter(
                congress=congress, term=term, kind=kind, sitting=sitting
            ).exists()
        ):
            raise BusinessError(
                _("There is already a meeting with this sitting number in the term."),
                field="sitting",
            )
        gathering = Gathering(
            congress=congress,
            term=term,
            kind=kind,
            title=title.strip(),
            sitting=sitting,
            starts_at=starts_at,
            ends_at=ends_at,
            place=place,
            status=status,
        )
        _by(gathering, by).save()
        return gathering


def gathering_set_status(*, gathering: Gathering, status: str, by: Any) -> Gathering:
    if status not in Gathering.Status.values:
        raise BusinessError(_("Choose a status."), field="status")
    with transaction.atomic():
        current = _lock(gathering)
        if current.status == Gathering.Status.CANCELLED and status != current.status:
            raise BusinessError(_("A cancelled meeting cannot be reopened; plan a new one."))
        current.status = status
        current.version += 1
        _by(current, by).save(update_fields=["status", "version", "updated_at"])
        return current


def gathering_publish_results(*, gathering: Gathering, by: Any) -> Gathering:
    with transaction.atomic():
        current = _lock(gathering)
        if current.votes.filter(closed_at__isnull=True).exists():
            raise BusinessError(_("Close every open vote before publishing the results."))
        current.results_published = True
        current.version += 1
        _by(current, by).save(update_fields=["results_published", "version", "updated_at"])
        return current


def gathering_clone(
    *,
    source: Gathering,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    title: str | None = None,
    by: Any,
) -> Gathering:
    """A new gathering like ``source``: its agenda (not withdrawn items, as proposals) and its
    roster entries that do not come from roles (lecturers, staff, invited deputies); the roster
    of members is built fresh, because members change."""
    with transaction.atomic():
        clone = gathering_plan(
            congress=source.congress,
            kind=source.kind,
            title=title or source.title,
            starts_at=starts_at,
            ends_at=ends_at,
            place=source.place,
            status=Gathering.Status.DRAFT,
            by=by,
        )
        clone.cloned_from = source
        clone.save(update_fields=["cloned_from"])
        agenda_copy(
            gathering=clone,
            lines=source.agenda_items.filter(withdrawn_at__isnull=True),
            by=by,
            reason="cloned",
        )
        kept = (
            RosterEntry.Capacity.STAFF,
            RosterEntry.Capacity.LECTURER,
            RosterEntry.Capacity.INVITED_DEPUTY,
        )
        _bulk_create(
            RosterEntry,
            [
                RosterEntry(
                    congress=source.congress,
                    gathering=clone,
                    person_id=entry.person_id,
                    capacity=entry.capacity,
                    note=entry.note,
                )
                for entry in source.roster.filter(capacity__in=kept)
            ],
            by,
            "cloned",
        )
        roster_build(gathering=clone, by=by)
        return clone


# --- agenda ---------------------------------------------------------------------------------


def agenda_copy(*, gathering: Gathering, lines: Iterable[Any], by: Any, reason: str) -> None:
    """Add ``lines`` (agenda items or template lines: order, title, kind, presenting body and
    responsible committee) to ``gathering``'s agenda as proposed items, in their order. Used
    by ``gathering_clone`` and ``meeting_templates.gathering_plan_from_template``; the caller
    holds the transaction."""
    items = [
        _by(
            AgendaItem(
                congress_id=gathering.congress_id,
                gathering=gathering,
                order=line.order,
                title=line.title,
                kind=line.kind,
                presenting_body_id=line.presenting_body_id,
                responsible_committee_id=line.responsible_committee_id,
            ),
            by,
        )
        for line in lines
    ]
    _bulk_create(AgendaItem, items, by, reason)


def agenda_item_add(
    *,
    gathering: Gathering,
    title: str,
    kind: str = AgendaItem.Kind.REPORT,
    presenting_body: Organisation | None = None,
    responsible_committee: Organisation | None = None,
    by: Any,
) -> AgendaItem:
    if not title.strip():
        raise BusinessError(_("Enter the title of the agenda item."), field="title")
    if kind not in AgendaItem.Kind.values:
        raise BusinessError(_("Choose the kind of agenda item."), field="kind")
    for org, name in (
        (presenting_body, "presenting_body"),
        (responsible_committee, "responsible_committee"),
    ):
        if org is not None and org.congress_id != gathering.congress_id:
            raise BusinessError(_("Choose a body of this congress."), field=name)
    with transaction.atomic():
        current = _lock(gathering)
        if current.status in (Gathering.Status.HELD, Gathering.Status.CANCELLED):
            raise BusinessError(_("The agenda of a held or cancelled meeting cannot change."))
        last = current.agenda_items.aggregate(n=Max("order"))["n"] or 0
        item = AgendaItem(
            congress_id=current.congress_id,
            gathering=current,
            order=last + 1,
            title=title.strip(),
            kind=kind,
            presenting_body=presenting_body,
            responsible_committee=responsible_committee,
        )
        _by(item, by).save()
        return item


def agenda_item_set_state(*, item: AgendaItem, state: str, by: Any) -> AgendaItem:
    if state not in AgendaItem.State.values:
        raise BusinessError(_("Choose a state."), field="state")
    with transaction.atomic():
        current = AgendaItem.objects.select_for_update().get(pk=item.pk)
        current.state = state
        current.version += 1
        _by(current, by).save(update_fields=["state", "version", "updated_at"])
        return current


def agenda_item_withdraw(*, item: AgendaItem, reason: str, by: Any) -> AgendaItem:
    if not reason.strip():
        raise BusinessError(_("Say why the item is withdrawn."), field="reason")
    with transaction.atomic():
        current = AgendaItem.objects.select_for_update().get(pk=item.pk)
        if current.withdrawn_at is not None:
            raise BusinessError(_("This item has already been withdrawn."))
        if current.votes.filter(closed_at__isnull=True).exists():
            raise BusinessError(_("A vote on this item is open: close it first."))
        current.withdrawn_at = timezone.now()
        current.withdrawn_reason = reason.strip()
        current.version += 1
        _by(current, by).save(
            update_fields=["withdrawn_at", "withdrawn_reason", "version", "updated_at"]
        )
        return current


def agenda_item_delete(*, item: AgendaItem, by: Any) -> AgendaItem:
    """Delete an item entered by mistake; refused once votes were cast (withdraw instead)."""
    with transaction.atomic():
        current = AgendaItem.objects.select_for_update().get(pk=item.pk)
        if Vote.all_objects.filter(agenda_item=current).exists():
            raise BusinessError(
                _(
                    "Votes were taken on this item, so it cannot be deleted: "
                    "withdraw it instead, and the record of the votes stays."
                ),
                code="has_votes",
            )
        # Not core.services.record_soft_delete: its F("version") + 1 cannot be written into
        # the historical row by simple_history.
        current.deleted_at = timezone.now()
        current.deleted_by = by
        current.version += 1
        _by(current, by).save(update_fields=["deleted_at", "deleted_by", "version", "updated_at"])
        return current


# --- roster ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterBuilt:
    voting: int
    non_voting: int
    added: int


def roster_build(*, gathering: Gathering, by: Any) -> RosterBuilt:
    """Add everyone the kind expects from the roles in force on the meeting day: the voting
    body as voting members (committee members; deputies; the directors), and the heads of
    the government, supervisory commission, court and procuratorate without a vote
    (Art. 51). Idempotent: persons already on the roster are left as they are."""
    spec = gathering.kind_spec
    day = meeting_day(gathering)
    with transaction.atomic():
        current = _lock(gathering)
        already = set(current.roster.values_list("person_id", flat=True))
        want: dict[int, str] = {}

        def persons(q: Any) -> list[int]:
            return list(
                Role.objects.filter(
                    q,
                    roles_in_force(day),
                    person__congress_id=current.congress_id,
                    person__deleted_at__isnull=True,
                )
                .order_by("person_id")
                .values_list("person_id", flat=True)
                .distinct()
            )

        if spec.voting_body is not None:
            capacity = (
                RosterEntry.Capacity.VOTING_MEMBER
                if spec.votes
                else RosterEntry.Capacity.NON_VOTING
            )
            for pid in persons(spec.voting_body(day)):
                want[pid] = capacity
        if spec.non_voting is not None:
            for pid in persons(spec.non_voting(day)):
                want.setdefault(pid, RosterEntry.Capacity.NON_VOTING)
        rows = [
            RosterEntry(
                congress_id=current.congress_id, gathering=current, person_id=pid, capacity=cap
            )
            for pid, cap in want.items()
            if pid not in already
        ]
        _bulk_create(RosterEntry, rows, by, "roster built")
        voting = sum(1 for c in want.values() if c == RosterEntry.Capacity.VOTING_MEMBER)
        return RosterBuilt(voting=voting, non_voting=len(want) - voting, added=len(rows))


def _bulk_create(model: Any, rows: list[Any], by: Any, reason: str) -> None:
    """bulk_create with a history row for each (simple_history's signals skip bulk_create)."""
    if rows:
        bulk_create_with_history(
            rows, model, batch_size=500, default_user=by, default_change_reason=reason
        )


def roster_add(
    *, gathering: Gathering, person: Person, capacity: str, note: str = "", by: Any
) -> RosterEntry:
    if capacity not in RosterEntry.Capacity.values:
        raise BusinessError(_("Choose the capacity in which the person attends."), field="capacity")
    if person.congress_id != gathering.congress_id:
        raise BusinessError(_("Choose a person of this congress."), field="person")
    with transaction.atomic():
        if gathering.roster.filter(person=person).exists():
            raise BusinessError(_("This person is already on the roster."), field="person")
        entry = RosterEntry(
            congress_id=gathering.congress_id,
            gathering=gathering,
            person=person,
            capacity=capacity,
            note=note,
        )
        _by(entry, by).save()
        return entry


def _roster_entry(gathering: Gathering, person: Person) -> RosterEntry:
    entry = gathering.roster.filter(person=person).first()
    if entry is None:
        raise BusinessError(
            _("%(name)s is not on the roster of this meeting.") % {"name": person.name},
            code="not_on_roster",
        )
    return entry


# --- leave ----------------------------------------------------------------------------------


def leave_request(
    *, gathering: Gathering, person: Person, reason: str, by: Any, at: dt.datetime | None = None
) -> LeaveRequest:
    """Ask for leave (請假): recorded before the meeting starts only."""
    at = at or timezone.now()
    if not reason.strip():
        raise BusinessError(_("Give the reason for the leave."), field="reason")
    with transaction.atomic():
        current = _lock(gathering)
        if at >= current.starts_at:
            raise BusinessError(
                _("Leave must be requested before the meeting starts; the meeting has started."),
                code="too_late",
            )
        _roster_entry(current, person)
        if current.leave_requests.filter(person=person).exists():
            raise BusinessError(_("A leave request for this person is already recorded."))
        leave = LeaveRequest(
            congress_id=current.congress_id,
            gathering=current,
            person=person,
            reason=reason.strip(),
            requested_at=at,
        )
        _by(leave, by).save()
        return leave


def leave_decide(*, leave: LeaveRequest, approve: bool, by: Any) -> LeaveRequest:
    with transaction.atomic():
        current = LeaveRequest.objects.select_for_update().get(pk=leave.pk)
        if current.status != LeaveRequest.Status.REQUESTED:
            raise BusinessError(_("This leave request has already been decided."))
        current.status = LeaveRequest.Status.APPROVED if approve else LeaveRequest.Status.REFUSED
        current.approved_by = by
        current.decided_at = timezone.now()
        current.version += 1
        _by(current, by).save(
            update_fields=["status", "approved_by", "decided_at", "version", "updated_at"]
        )
        if approve:
            _attendance_set(
                gathering=current.gathering,
                person=current.person,
                status=Attendance.Status.LEAVE,
                method=Attendance.Method.MANUAL,
                by=by,
                at=current.decided_at,
            )
        return current


# --- check-in -------------------------------------------------------------------------------

CODE_WINDOW_SECONDS = 60
CHECK_IN_OPENS_BEFORE = dt.timedelta(hours=2)


def _window(at: dt.datetime) -> int:
    return int(at.timestamp()) // CODE_WINDOW_SECONDS


def _code_for(gathering_id: int, window: int) -> str:
    mac = hmac.new(
        settings.SECRET_KEY.encode(),
        f"sanxing.gatherings.check-in:{gathering_id}:{window}".encode(),
        hashlib.sha256,
    ).digest()
    return f"{int.from_bytes(mac[:4], 'big') % 1_000_000:06d}"


def check_in_code(gathering: Gathering, at: dt.datetime | None = None) -> str:
    """The self check-in code shown on the screen: an HMAC of the meeting and the minute,
    so it cannot be guessed, changes every minute and fits in six digits."""
    return _code_for(gathering.pk, _window(at or timezone.now()))


def code_seconds_left(at: dt.datetime | None = None) -> int:
    at = at or timezone.now()
    return CODE_WINDOW_SECONDS - int(at.timestamp()) % CODE_WINDOW_SECONDS


def _check_in_open(gathering: Gathering, at: dt.datetime) -> None:
    if gathering.status == Gathering.Status.CANCELLED:
        raise BusinessError(_("This meeting was cancelled."), code="cancelled")
    if not (gathering.starts_at - CHECK_IN_OPENS_BEFORE <= at <= gathering.ends_at):
        raise BusinessError(
            _("Check-in is open from two hours before the meeting until it ends."),
            code="check_in_closed",
        )


def _attendance_set(
    *,
    gathering: Gathering,
    person: Person,
    status: str,
    method: str,
    by: Any,
    at: dt.datetime,
) -> Attendance:
    row = Attendance.objects.select_for_update().filter(gathering=gathering, person=person).first()
    if row is None:
        row = Attendance(
            congress_id=gathering.congress_id, gathering=gathering, person=person, at=at
        )
    row.status = status
    row.weight = Attendance.WEIGHTS[Attendance.Status(status)]
    row.method = method
    row.recorded_by = by
    row.at = at
    if row.pk:
        row.version += 1
    _by(row, by).save()
    return row


def check_in(
    *,
    gathering: Gathering,
    person: Person,
    status: str = Attendance.Status.PRESENT,
    method: str = Attendance.Method.ROLL_CALL,
    by: Any,
    at: dt.datetime | None = None,
) -> Attendance:
    """Record a person's attendance (roll call by the clerk, or a correction): every change
    is kept in the history."""
    at = at or timezone.now()
    if status not in Attendance.Status.values:
        raise BusinessError(_("Choose an attendance status."), field="status")
    if method not in Attendance.Method.values:
        raise BusinessError(_("Choose how attendance was taken."), field="method")
    with transaction.atomic():
        current = _lock(gathering)
        if current.status == Gathering.Status.CANCELLED:
            raise BusinessError(_("This meeting was cancelled."), code="cancelled")
        _roster_entry(current, person)
        return _attendance_set(
            gathering=current, person=person, status=status, method=method, by=by, at=at
        )


# Wrong self check-in codes per person and meeting: the code has six digits, so guessing is
# limited (10 per 10 minutes).
CODE_GUESSES = AttemptCounter("check-in-code", limit=10, window=10 * 60)


class TooManyCodes(BusinessError):
    """Self check-in blocked by the attempt limit: 429 Too Many Requests, with the seconds to
    wait (the counter's window, the longest the block can last) for a Retry-After header."""

    status = 429
    code = "too_many_attempts"
    retry_after = CODE_GUESSES.window


def check_in_self(
    *, gathering: Gathering, person: Person, code: str, by: Any, at: dt.datetime | None = None
) -> Attendance:
    """Self check-in with the code on the screen: valid for this meeting in the current or
    the previous minute only (Moodle's rotating QR code)."""
    at = at or timezone.now()
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if len(code) != 6:
        raise BusinessError(_("Enter the six digits shown on the screen."), field="code")
    who = (str(gathering.pk), str(person.pk))
    if CODE_GUESSES.blocked(*who):
        raise TooManyCodes(
            _("Too many wrong codes. Wait ten minutes, or ask the office to record you."),
            field="code",
        )
    window = _window(at)
    if code not in {_code_for(gathering.pk, window), _code_for(gathering.pk, window - 1)}:
        # A wrong code: counted, then explained without holding the meeting's row lock.
        CODE_GUESSES.fail(*who)
        _check_in_open(gathering, at)
        _explain_bad_code(gathering, code, at)
    with transaction.atomic():
        current = _lock(gathering)
        _check_in_open(current, at)
        _roster_entry(current, person)
        existing = current.attendances.filter(person=person).first()
        if existing is not None and existing.status in Attendance.IN_ROOM:
            return existing
        late = at > current.starts_at + dt.timedelta(minutes=15)
        return _attendance_set(
            gathering=current,
            person=person,
            status=Attendance.Status.LATE if late else Attendance.Status.PRESENT,
            method=Attendance.Method.QR,
            by=by,
            at=at,
        )


def _explain_bad_code(gathering: Gathering, code: str, at: dt.datetime) -> None:
    window = _window(at)
    others = Gathering.objects.filter(
        congress_id=gathering.congress_id,
        starts_at__lte=at + CHECK_IN_OPENS_BEFORE,
        ends_at__gte=at,
    ).exclude(pk=gathering.pk)
    for other in others:
        if code in (_code_for(other.pk, window), _code_for(other.pk, window - 1)):
            raise BusinessError(
                _("This code is for another meeting (%(title)s), not this one.")
                % {"title": other.title},
                field="code",
                code="other_meeting",
            )
    first = _window(gathering.starts_at - CHECK_IN_OPENS_BEFORE)
    for w in range(window - 2, max(first, window - 24 * 60) - 1, -1):
        if _code_for(gathering.pk, w) == code:
            raise BusinessError(
                _(
                    "This code has expired: the code changes every minute. Enter the one on the screen now."
                ),
                field="code",
                code="expired",
            )
    raise BusinessError(
        _("This code is not right. Enter the six digits on the screen now."),
        field="code",
        code="wrong_code",
    )


# --- quorum and votes -----------------------------------------------------------------------


@dataclass(frozen=True)
class QuorumState:
    body_size: int
    present: int
    required: int
    rule: Threshold | None

    @property
    def met(self) -> bool:
        return self.rule is None or self.rule.met(self.present, self.body_size)

    @property
    def missing(self) -> int:
        return max(0, self.required - self.present)


def quorum(gathering: Gathering) -> QuorumState:
    """Present members of the voting body against the kind's quorum rule: one query that
    counts (the session's body has ~450 members; no ids travel to Python), its SQL compiled
    once per meeting and day (htmx polls this every few seconds during check-in)."""
    from django.db.models import Value

    from sanxing.gatherings.selectors import compiled_rows

    spec = gathering.kind_spec
    rule = spec.quorum
    day = meeting_day(gathering)

    def build() -> QuerySet[Any]:
        # The roles of _voting_body_roles, the holder's congress tested by EXISTS instead of
        # a join: SQLite then reads the roles once rather than probing every person of the
        # congress (1.8 -> 1.3 ms at scale 10); PostgreSQL plans both as a semi-join.
        holder = Person.objects.filter(
            pk=OuterRef("person_id"), congress_id=gathering.congress_id, deleted_at__isnull=True
        )
        assert spec.voting_body is not None
        roles = Role.objects.filter(spec.voting_body(day), roles_in_force(day), Exists(holder))
        in_room = Attendance.objects.filter(
            gathering_id=gathering.pk,
            status__in=Attendance.IN_ROOM,
            person_id=OuterRef("person_id"),
        )
        return (  # one row of two counts: no GROUP BY (a constant groups nothing)
            roles.order_by()
            .values(one=Value(1))
            .annotate(
                body=Count("person_id", distinct=True),
                present=Count("person_id", distinct=True, filter=Q(Exists(in_room))),
            )
            .values_list("body", "present")
        )

    body_size = present = 0
    if spec.voting_body is not None and spec.votes:  # else no voting body: nothing to count
        key = ("quorum", gathering.pk, gathering.kind, gathering.congress_id, day)
        rows = compiled_rows(key, build)
        if rows:
            body_size, present = rows[0]
    required = rule.required(body_size) if rule else 0
    return QuorumState(body_size=body_size, present=present, required=required, rule=rule)


def vote_open(
    *,
    item: AgendaItem,
    motion: str,
    mode: str = Vote.Mode.NAMED,
    by: Any,
    at: dt.datetime | None = None,
) -> Vote:
    at = at or timezone.now()
    gathering = item.gathering
    spec = gathering.kind_spec
    if not spec.votes or spec.pass_rule is None:
        raise BusinessError(_("There are no votes at this kind of gathering."))
    if not motion.strip():
        raise BusinessError(_("Enter the motion put to the vote."), field="motion")
    if mode not in Vote.Mode.values:
        raise BusinessError(_("Choose how the vote is recorded."), field="mode")
    with transaction.atomic():
        current = _lock(gathering)
        if current.status == Gathering.Status.CANCELLED:
            raise BusinessError(_("This meeting was cancelled."), code="cancelled")
        if item.withdrawn_at is not None:
            raise BusinessError(_("This item was withdrawn: it cannot be put to the vote."))
        if current.votes.filter(closed_at__isnull=True).exists():
            raise BusinessError(_("Another vote is open: close it first."), code="vote_open")
        body_size = len(voting_body_ids(current))
        if body_size == 0:
            raise BusinessError(_("The voting body has no members on the meeting day."))
        rule = spec.pass_rule
        vote = Vote(
            congress_id=current.congress_id,
            gathering=current,
            agenda_item=item,
            motion=motion.strip(),
            mode=mode,
            opened_at=at,
            body_size=body_size,
            threshold_rule=rule.code,
            threshold_article=str(rule.article),
            required=rule.required(body_size),
            opened_by=by,
        )
        _by(vote, by).save()
        return vote


CASTABLE = (Ballot.Option.YES, Ballot.Option.NO, Ballot.Option.ABSTAIN)


def ballot_cast(
    *, vote: Vote, person: Person, option: str, by: Any, at: dt.datetime | None = None
) -> Ballot:
    """One ballot per member: refused twice, from someone not a voting member on the roster,
    or from someone not checked in."""
    at = at or timezone.now()
    if option not in CASTABLE:
        raise BusinessError(_("Choose yes, no or abstain."), field="option")
    with transaction.atomic():
        current = Vote.objects.select_for_update().get(pk=vote.pk)
        if current.closed_at is not None:
            raise BusinessError(_("This vote is closed."), code="vote_closed")
        if current.mode != Vote.Mode.NAMED:
            raise BusinessError(_("This vote is recorded as counts, not per member."))
        entry = _roster_entry(current.gathering, person)
        if entry.capacity != RosterEntry.Capacity.VOTING_MEMBER:
            raise BusinessError(
                _("%(name)s attends without a vote.") % {"name": person.name},
                code="not_voting_member",
            )
        if not current.gathering.attendances.filter(
            person=person, status__in=Attendance.IN_ROOM
        ).exists():
            raise BusinessError(
                _("%(name)s has not checked in, so cannot vote.") % {"name": person.name},
                code="not_present",
            )
        if current.ballots.filter(person=person).exists():
            raise BusinessError(
                _("%(name)s has already voted on this motion.") % {"name": person.name},
                code="already_voted",
            )
        ballot = Ballot(
            congress_id=current.congress_id,
            vote=current,
            person=person,
            option=option,
            cast_at=at,
            recorded_by=by,
        )
        try:
            with transaction.atomic():
                _by(ballot, by).save()
        except IntegrityError:
            raise BusinessError(
                _("%(name)s has already voted on this motion.") % {"name": person.name},
                code="already_voted",
            ) from None
        return ballot


@dataclass(frozen=True)
class Counts:
    yes: int
    no: int
    abstain: int


def vote_close(
    *, vote: Vote, by: Any, counts: Counts | None = None, at: dt.datetime | None = None
) -> Vote:
    """Close the vote: refused without a quorum; freeze who is present; compute the result
    from the law — yes must reach the threshold of ALL members of the body (a committee
    resolution needs more than half of all members, Art. 51), not of those present."""
    at = at or timezone.now()
    with transaction.atomic():
        current = Vote.objects.select_for_update().get(pk=vote.pk)
        if current.closed_at is not None:
            raise BusinessError(_("This vote is already closed."), code="vote_closed")
        gathering = current.gathering
        state = quorum(gathering)
        if not state.met:
            assert state.rule is not None
            raise BusinessError(
                _(
                    "No quorum: %(present)d of %(size)d members are present and %(required)d "
                    "are needed (%(rule)s, %(article)s). The vote stays open."
                )
                % {
                    "present": state.present,
                    "size": state.body_size,
                    "required": state.required,
                    "rule": state.rule.label,
                    "article": state.rule.article,
                },
                code="no_quorum",
            )
        body = voting_body_ids(gathering)
        present_ids = sorted(body & _in_room_ids(gathering))
        present = len(present_ids)
        if current.mode == Vote.Mode.COUNTS:
            if counts is None:
                raise BusinessError(_("Enter the counts of yes, no and abstain."))
            if min(counts.yes, counts.no, counts.abstain) < 0:
                raise BusinessError(_("Counts cannot be negative."))
            cast = counts.yes + counts.no + counts.abstain
            if cast > present:
                raise BusinessError(
                    _("%(cast)d votes were entered but only %(present)d members are present.")
                    % {"cast": cast, "present": present},
                    code="too_many_votes",
                )
            current.yes, current.no, current.abstain = counts.yes, counts.no, counts.abstain
            current.not_voting = present - cast
            current.absent = len(body) - present
        else:
            voted = dict(current.ballots.values_list("person_id", "option"))
            fill = []
            present_set = set(present_ids)
            roster_voting = set(
                gathering.roster.filter(capacity=RosterEntry.Capacity.VOTING_MEMBER).values_list(
                    "person_id", flat=True
                )
            )
            for pid in sorted((body | roster_voting) - set(voted)):
                option = Ballot.Option.NOT_VOTING if pid in present_set else Ballot.Option.ABSENT
                voted[pid] = option
                fill.append(
                    Ballot(
                        congress_id=current.congress_id,
                        vote=current,
                        person_id=pid,
                        option=option,
                        cast_at=at,
                        recorded_by=by,
                    )
                )
            _bulk_create(Ballot, fill, by, "vote closed")
            options = list(voted.values())
            current.yes = options.count(Ballot.Option.YES)
            current.no = options.count(Ballot.Option.NO)
            current.abstain = options.count(Ballot.Option.ABSTAIN)
            current.not_voting = options.count(Ballot.Option.NOT_VOTING)
            current.absent = options.count(Ballot.Option.ABSENT)
        current.present = present
        current.present_person_ids = present_ids
        current.closed_at = at
        current.closed_by = by
        current.result = Vote.Result.PASS if current.yes >= current.required else Vote.Result.FAIL
        current.version += 1
        _by(current, by).save()
        if current.result == Vote.Result.PASS:
            AgendaItem.objects.filter(pk=current.agenda_item_id).update(
                state=AgendaItem.State.DECIDED
            )
        # An item about an outside subject (a review opinion's satisfaction vote): the
        # listeners record the result in this same transaction, so the vote is never closed
        # without its effect, nor the effect written without the vote; a listener that fails
        # rolls the close back and the vote stays open (sanxing.gatherings.handoff).
        from sanxing.gatherings.handoff import vote_closed_notify

        vote_closed_notify(vote=current, by=by)
        return current


# --- checklist ------------------------------------------------------------------------------


def _calendar() -> Any:
    try:
        from sanxing.workcal.calendar import current_calendar
    except ImportError:  # pragma: no cover - the workcal app is always installed
        return None
    return current_calendar()


def _working(calendar: Any, day: dt.date) -> bool:
    if calendar is not None:
        return bool(calendar.is_working_day(day))
    return day.weekday() < 5


def due_date(
    day: dt.date, offset: int, working_days: bool, calendar: Any = None
) -> tuple[dt.date, str]:
    """The due date of a task ``offset`` days from the meeting ``day`` and the rule, in
    words. Working days count only working days (RULES.md §1.5); a calendar-day date that
    falls on a rest day moves to the working day before the meeting (preparation cannot
    slip later) or after it (follow-up, RULES.md §1.4)."""
    step = -1 if offset < 0 else 1
    if offset == 0:
        return day, _("on the meeting day")
    if working_days:
        current, left = day, abs(offset)
        while left:
            current += dt.timedelta(days=step)
            if _working(calendar, current):
                left -= 1
        if offset < 0:
            return current, _("%(n)d working days before the meeting") % {"n": -offset}
        return current, _("%(n)d working days after the meeting") % {"n": offset}
    current = day + dt.timedelta(days=offset)
    moved = False
    while not _working(calendar, current):
        current += dt.timedelta(days=step)
        moved = True
    if offset < 0:
        text = _("%(n)d days before the meeting") % {"n": -offset}
        if moved:
            text += _(", moved to the working day before")
    else:
        text = _("%(n)d days after the meeting") % {"n": offset}
        if moved:
            text += _(", moved to the next working day")
    return current, text


def checklist_generate(*, gathering: Gathering, owner: Any = None, by: Any) -> list[ChecklistTask]:
    """The preparation checklist from the kind's template; refused when one exists."""
    spec = gathering.kind_spec
    with transaction.atomic():
        current = _lock(gathering)
        if current.checklist.exists():
            raise BusinessError(_("This meeting already has a checklist."), code="exists")
        calendar = _calendar()
        day = meeting_day(current)
        tasks = []
        for template in spec.checklist:
            due_on, rule = due_date(day, template.offset, template.working_days, calendar)
            task = ChecklistTask(
                congress_id=current.congress_id,
                gathering=current,
                title=str(template.title),
                owner=owner or by,
                offset_days=template.offset,
                working_days=template.working_days,
                due_on=due_on,
                rule=rule,
            )
            _by(task, by).save()
            tasks.append(task)
        return tasks


def checklist_task_add(
    *,
    gathering: Gathering,
    title: str,
    offset_days: int,
    working_days: bool = True,
    owner: Any = None,
    counterpart: str = "",
    counterpart_contact: str = "",
    by: Any,
) -> ChecklistTask:
    """A task on the preparation checklist; a coordination task with an outside body (Party
    committee, government, CPPCC, courts …) names its ``counterpart``."""
    if not title.strip():
        raise BusinessError(_("Enter the task."), field="title")
    if counterpart and counterpart not in dict(COUNTERPARTS):
        raise BusinessError(_("Choose the outside body."), field="counterpart")
    with transaction.atomic():
        due_on, rule = due_date(meeting_day(gathering), offset_days, working_days, _calendar())
        task = ChecklistTask(
            congress_id=gathering.congress_id,
            gathering=gathering,
            title=title.strip(),
            owner=owner,
            offset_days=offset_days,
            working_days=working_days,
            due_on=due_on,
            rule=rule,
            counterpart=counterpart,
            counterpart_contact=counterpart_contact.strip(),
        )
        _by(task, by).save()
        return task


def checklist_task_done(*, task: ChecklistTask, done: bool | None = True, by: Any) -> ChecklistTask:
    """Mark a task done (``done=True``) or not done (``False``); ``None`` toggles, decided
    from the locked row, so two quick clicks cannot undo each other. Already in the wanted
    state: nothing is written."""
    with transaction.atomic():
        current = ChecklistTask.objects.select_for_update().get(pk=task.pk)
        want = current.done_at is None if done is None else done
        if (current.done_at is not None) == want:
            return current
        current.done_at = timezone.now() if want else None
        current.done_by = by if want else None
        current.version += 1
        _by(current, by).save(update_fields=["done_at", "done_by", "version", "updated_at"])
        return current


def checklist_recompute(
    *, start: dt.date, end: dt.date, reason: str, calendar: Any, by: Any
) -> int:
    """Registered with ``sanxing.workcal.hooks``: open tasks of meetings whose counting window
    meets the changed dates are counted again; each change is kept in the history."""
    changed = 0
    span = dt.timedelta(days=120)
    tasks = ChecklistTask.objects.filter(
        done_at__isnull=True, due_on__gte=start - span, due_on__lte=end + span
    ).select_related("gathering")
    for task in tasks:
        due_on, rule = due_date(
            meeting_day(task.gathering), task.offset_days, task.working_days, calendar
        )
        if due_on != task.due_on:
            task.due_on, task.rule = due_on, rule
            task.version += 1
            task._change_reason = reason  # type: ignore[attr-defined]
            _by(task, by).save(update_fields=["due_on", "rule", "version", "updated_at"])
            changed += 1
    return changed


# --- notices --------------------------------------------------------------------------------


def gathering_notify_roster(*, gathering: Gathering, url: str = "", by: Any) -> int:
    """Tell everyone on the roster who has an account; sent once per meeting and person."""
    from django.contrib.auth import get_user_model
    from django.utils.text import format_lazy
    from django.utils.translation import gettext_lazy

    try:
        from sanxing.notify.services import notice_send
    except ImportError:  # pragma: no cover
        return 0
    users = get_user_model().objects.filter(
        person__in=gathering.roster.values("person_id"), is_active=True
    )
    when = timezone.localtime(gathering.starts_at)
    sent = notice_send(
        recipients=users,
        kind="gathering",
        title=format_lazy(gettext_lazy("Meeting notice: {title}"), title=gathering.title),
        body=format_lazy(
            gettext_lazy("{title}, {when}, {place}."),
            title=gathering.title,
            when=when.strftime("%Y-%m-%d %H:%M"),
            place=gathering.place,
        ),
        url=url,
        dedupe_key=f"gathering-notice:{gathering.pk}:{gathering.version}",
    )
    return len(sent)
