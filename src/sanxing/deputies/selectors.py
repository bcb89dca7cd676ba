"""Reads for the rotation: who may run it, the fair proposal with its reasons, coverage.

The proposal (RULES: every deputy should attend during the term, 代表列席常委會會議制度):
deputies whose role is in force on the meeting day, committee members left out (they attend
anyway), and left out too who declined this meeting, asked for leave from it, or were taken
out by the office. The rest are ranked: fewest attendances at committee meetings this term
first, then fewest invitations this term; ties are broken so each proposal spreads across
delegations (代表團) and sectors (political affiliation, the composition the office
balances) and rotates from meeting to meeting."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxing.deputies.models import Invitation, Rotation
from sanxing.gatherings import selectors as gatherings_selectors
from sanxing.gatherings.kinds import COMMITTEE_MEETING
from sanxing.gatherings.models import Attendance, Gathering, LeaveRequest
from sanxing.people.access import roles_in_force, viewer_for
from sanxing.people.models import Organisation, Role, Term

DEFAULT_SEATS = 8
MAX_SEATS = 60


def default_seats() -> int:
    """How many deputies a committee meeting invites unless the office says otherwise
    (the ``DEPUTIES_ROTATION_SEATS`` setting, 8 by default)."""
    return int(getattr(settings, "DEPUTIES_ROTATION_SEATS", DEFAULT_SEATS))


# --- who may do what -----------------------------------------------------------------------


def can_run_rotation(user: Any) -> bool:
    return gatherings_selectors.can_manage(user)


def meeting_for_rotation(user: Any, pk: Any) -> Gathering:
    """A committee meeting whose rotation the user may run (the office of its congress)."""
    gathering = gatherings_selectors.gathering_managed_by(user, pk)
    if gathering.kind != COMMITTEE_MEETING:
        raise Http404
    return gathering


def invitations_visible_to(user: Any) -> QuerySet[Invitation]:
    v = viewer_for(user)
    qs = Invitation.objects.select_related("gathering", "person", "rotation")
    if v.is_admin:
        return qs
    if v.is_office:
        return qs.filter(congress_id=v.congress_id)
    if v.person_id is None:
        return qs.none()
    return qs.filter(person_id=v.person_id)


def invitation_for_user(user: Any, pk: Any) -> Invitation:
    try:
        return invitations_visible_to(user).get(pk=pk)
    except (Invitation.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def invitation_answerable_by(user: Any, pk: Any) -> Invitation:
    """Only the invited deputy answers, or the office recording an answer given by phone."""
    invitation = invitation_for_user(user, pk)
    v = viewer_for(user)
    if invitation.person_id != v.person_id and not gatherings_selectors.can_manage(
        user, invitation.gathering
    ):
        raise Http404
    return invitation


def rotation_of(gathering: Gathering) -> Rotation | None:
    return Rotation.objects.filter(gathering=gathering).select_related("confirmed_by").first()


# --- terms and counts ----------------------------------------------------------------------


def term_of(gathering: Gathering) -> Term | None:
    if gathering.term_id:
        return gathering.term
    day = timezone.localtime(gathering.starts_at).date()
    for term in Term.objects.filter(congress_id=gathering.congress_id).order_by("-starts_on"):
        if term.covers(day):
            return term
    return None


def current_term(congress_id: int, today: dt.date | None = None) -> Term | None:
    day = today or timezone.localdate()
    terms = list(Term.objects.filter(congress_id=congress_id).order_by("-starts_on"))
    for term in terms:
        if term.covers(day):
            return term
    return terms[0] if terms else None


def _term_meetings(term: Term) -> Q:
    return Q(gathering__term_id=term.pk, gathering__kind=COMMITTEE_MEETING)


def attendance_counts(term: Term, person_ids: Iterable[int] | None = None) -> dict[int, int]:
    """In the room (present or late) at committee meetings of the term, per person."""
    qs = Attendance.objects.filter(_term_meetings(term), status__in=Attendance.IN_ROOM)
    if person_ids is not None:
        qs = qs.filter(person_id__in=list(person_ids))
    return dict(qs.values("person_id").annotate(n=Count("pk")).values_list("person_id", "n"))


def invitation_counts(term: Term, *, exclude_gathering: Gathering | None = None) -> dict[int, int]:
    qs = Invitation.objects.filter(rotation__term_id=term.pk)
    if exclude_gathering is not None:
        qs = qs.exclude(gathering=exclude_gathering)
    return dict(qs.values("person_id").annotate(n=Count("pk")).values_list("person_id", "n"))


# --- the proposal --------------------------------------------------------------------------


@dataclass
class Candidate:
    person_id: int
    name: str
    delegation: str
    sector: str
    invitations: int
    attendances: int
    order: int = 0
    reasons: list[str] = field(default_factory=list)

    @property
    def tier(self) -> tuple[int, int]:
        return (self.attendances, self.invitations)


@dataclass
class Proposal:
    gathering: Gathering
    term: Term | None
    seats: int
    chosen: list[Candidate]
    alternatives: list[Candidate]
    left_out: dict[int, str]
    eligible: int


def _committee_member_ids(congress_id: int, day: dt.date) -> set[int]:
    return set(
        Role.objects.filter(
            roles_in_force(day),
            kind__in=Role.COMMITTEE_KINDS,
            organisation__kind=Organisation.Kind.STANDING_COMMITTEE,
            person__congress_id=congress_id,
        ).values_list("person_id", flat=True)
    )


def eligible_deputies(gathering: Gathering) -> dict[int, tuple[str, str, str]]:
    """person_id → (name, delegation, sector) of the deputies in office on the meeting day,
    committee members left out (2 queries)."""
    day = timezone.localtime(gathering.starts_at).date()
    members = _committee_member_ids(gathering.congress_id, day)
    rows = (
        Role.objects.filter(
            roles_in_force(day),
            kind=Role.Kind.DEPUTY,
            person__congress_id=gathering.congress_id,
            person__deleted_at__isnull=True,
        )
        .order_by("person_id", "organisation__sort_order")
        .values_list("person_id", "person__name", "organisation__name", "person__party")
    )
    out: dict[int, tuple[str, str, str]] = {}
    for pid, name, delegation, party in rows:
        if pid not in members and pid not in out:
            out[pid] = (name, delegation, party or "")
    return out


def _shuffle_key(gathering_id: int, person_id: int) -> str:
    # Stable for a meeting, different from one meeting to the next: ties rotate.
    return hashlib.sha256(f"{gathering_id}:{person_id}".encode()).hexdigest()


def proposal(
    gathering: Gathering,
    *,
    seats: int | None = None,
    include: Iterable[int] = (),
    exclude: Iterable[int] = (),
) -> Proposal:
    """The deputies to invite, with the reason for each; ``include`` are the office's own
    choices (swapped in), ``exclude`` those it took out. A fixed number of queries."""
    seats = max(1, min(MAX_SEATS, seats or default_seats()))
    term = term_of(gathering)
    eligible = eligible_deputies(gathering)
    attendances = attendance_counts(term) if term else {}
    invitations = invitation_counts(term, exclude_gathering=gathering) if term else {}
    left_out: dict[int, str] = {}
    for pid, status in Invitation.objects.filter(gathering=gathering).values_list(
        "person_id", "status"
    ):
        if status == Invitation.Status.DECLINED:
            left_out[pid] = _("declined this meeting")
        else:
            left_out[pid] = _("already invited to this meeting")
    for pid in LeaveRequest.objects.filter(gathering=gathering).values_list("person_id", flat=True):
        left_out.setdefault(pid, _("asked for leave from this meeting"))
    for pid in exclude:
        left_out.setdefault(pid, _("taken out by the office"))
    pool: list[Candidate] = []
    for pid, (name, delegation, sector) in eligible.items():
        pool.append(
            Candidate(
                person_id=pid,
                name=name,
                delegation=delegation,
                sector=sector,
                invitations=invitations.get(pid, 0),
                attendances=attendances.get(pid, 0),
            )
        )
    pool.sort(key=lambda c: (c.tier, _shuffle_key(gathering.pk, c.person_id)))
    for index, c in enumerate(pool):
        c.order = index + 1
    by_id = {c.person_id: c for c in pool}
    chosen: list[Candidate] = []
    per_delegation: Counter[str] = Counter()
    per_sector: Counter[str] = Counter()

    def take(c: Candidate, reason: str) -> None:
        c.reasons = [reason, _reason_spread(c, per_delegation)]
        per_delegation[c.delegation] += 1
        per_sector[c.sector] += 1
        chosen.append(c)

    for pid in dict.fromkeys(include):
        found = by_id.get(pid)
        if found is not None and pid not in left_out and len(chosen) < seats:
            take(found, _("chosen by the office"))
    taken = {c.person_id for c in chosen}
    remaining = [c for c in pool if c.person_id not in taken and c.person_id not in left_out]
    while len(chosen) < seats and remaining:
        tier = remaining[0].tier
        same = [c for c in remaining if c.tier == tier]
        pick = min(
            same, key=lambda c: (per_delegation[c.delegation], per_sector[c.sector], c.order)
        )
        remaining.remove(pick)
        take(pick, _reason_rank(pick))
    for c in remaining[:10]:
        c.reasons = [_reason_rank(c)]
    return Proposal(
        gathering=gathering,
        term=term,
        seats=seats,
        chosen=chosen,
        alternatives=remaining,
        left_out={pid: why for pid, why in left_out.items() if pid in by_id},
        eligible=len(pool),
    )


def _reason_rank(c: Candidate) -> str:
    if c.invitations == 0 and c.attendances == 0:
        return _("not yet invited this term")
    if c.attendances == 0:
        return _("invited %(n)s times but not yet attended this term") % {"n": c.invitations}
    return _("attended %(n)s times this term, among the fewest") % {"n": c.attendances}


def _reason_spread(c: Candidate, per_delegation: Counter[str]) -> str:
    already = per_delegation[c.delegation]
    if already == 0:
        return _("first from %(delegation)s in this list") % {"delegation": c.delegation}
    return _("%(delegation)s has %(n)s in this list already") % {
        "delegation": c.delegation,
        "n": already,
    }


# --- coverage over the term ----------------------------------------------------------------


@dataclass(frozen=True)
class CoverageRow:
    person_id: int
    name: str
    delegation_id: int
    delegation: str
    invitations: int
    accepted: int
    declined: int
    attendances: int
    last_attended: dt.datetime | None

    @property
    def attended(self) -> bool:
        return self.attendances > 0


@dataclass(frozen=True)
class Coverage:
    term: Term
    rows: list[CoverageRow]
    delegations: list[tuple[int, str]]

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def attended(self) -> int:
        return sum(1 for r in self.rows if r.attended)

    @property
    def percent(self) -> int:
        return round(100 * self.attended / self.total) if self.total else 0

    @property
    def not_attended(self) -> list[CoverageRow]:
        return [r for r in self.rows if not r.attended]


def term_deputies(term: Term, *, delegation_id: int | None = None) -> QuerySet[Role]:
    ends = term.ends_on or dt.date.max
    qs = Role.objects.filter(
        Q(term_id=term.pk) | Q(term__isnull=True, starts_on__lte=ends),
        Q(ends_on__isnull=True) | Q(ends_on__gte=term.starts_on),
        kind=Role.Kind.DEPUTY,
        organisation__kind=Organisation.Kind.DELEGATION,
        person__congress_id=term.congress_id,
        person__deleted_at__isnull=True,
    )
    if delegation_id is not None:
        qs = qs.filter(organisation_id=delegation_id)
    return qs


def coverage(
    term: Term, *, delegation_id: int | None = None, person_id: int | None = None
) -> Coverage:
    """Every deputy of the term (committee members are on the roster anyway and are left
    out), with invitations and attendances at committee meetings (4 queries)."""
    day = min(timezone.localdate(), term.ends_on or dt.date.max)
    members = _committee_member_ids(term.congress_id, day)
    roles = term_deputies(term, delegation_id=delegation_id)
    if person_id is not None:
        roles = roles.filter(person_id=person_id)
    seen: dict[int, tuple[str, int, str]] = {}
    for pid, name, org_id, org_name in roles.order_by(
        "organisation__sort_order", "organisation__name", "person__name", "person_id"
    ).values_list("person_id", "person__name", "organisation_id", "organisation__name"):
        if pid not in members or pid == person_id:
            seen.setdefault(pid, (name, org_id, org_name))
    inv = {
        row["person_id"]: row
        for row in Invitation.objects.filter(rotation__term_id=term.pk, person_id__in=list(seen))
        .values("person_id")
        .annotate(
            n=Count("pk"),
            accepted=Count("pk", filter=Q(status=Invitation.Status.ACCEPTED)),
            declined=Count("pk", filter=Q(status=Invitation.Status.DECLINED)),
        )
    }
    att = {
        row["person_id"]: row
        for row in Attendance.objects.filter(
            _term_meetings(term), status__in=Attendance.IN_ROOM, person_id__in=list(seen)
        )
        .values("person_id")
        .annotate(n=Count("pk"), last=Max("gathering__starts_at"))
    }
    rows = [
        CoverageRow(
            person_id=pid,
            name=name,
            delegation_id=org_id,
            delegation=org_name,
            invitations=inv.get(pid, {}).get("n", 0),
            accepted=inv.get(pid, {}).get("accepted", 0),
            declined=inv.get(pid, {}).get("declined", 0),
            attendances=att.get(pid, {}).get("n", 0),
            last_attended=att.get(pid, {}).get("last"),
        )
        for pid, (name, org_id, org_name) in seen.items()
    ]
    delegations = list(
        Organisation.objects.filter(congress_id=term.congress_id, kind=Organisation.Kind.DELEGATION)
        .order_by("sort_order", "name")
        .values_list("pk", "name")
    )
    return Coverage(term=term, rows=rows, delegations=delegations)


def delegation_bars(cov: Coverage) -> list[dict[str, Any]]:
    """Per delegation: deputies, attended, percent (for the bar chart)."""
    totals: Counter[str] = Counter()
    attended: Counter[str] = Counter()
    for r in cov.rows:
        totals[r.delegation] += 1
        if r.attended:
            attended[r.delegation] += 1
    return [
        {
            "name": name,
            "total": totals[name],
            "attended": attended[name],
            "percent": round(100 * attended[name] / totals[name]),
        }
        for name in totals
    ]


def my_invitations(person_id: int) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(person_id=person_id)
        .select_related("gathering")
        .order_by("-gathering__starts_at")
    )
