"""The hand-off of review opinions (審議意見) from a meeting to the casework engine.

After the Standing Committee considers a special work report or an inspection report, its
members' opinions are compiled into a review opinion that the office assigns to the handling
units with a clock (監督法 Arts. 17, 37, 50). The gatherings engine does not import casework
(shared/DESIGN.md: engines depend only on people and workcal); casework registers a *sink*
at start-up and receives each hand-off::

    from sanxing.gatherings.handoff import register_sink

    def receive(opinion, by):
        return item_submit(congress=..., kind="review_opinion", title=opinion.title, ...)

    register_sink(receive)

Decisions and resolutions leave the same way: each becomes an implementation item in the
engine that registers ``register_decision_sink(fn)``, with ``fn(decision, by)`` receiving a
``DecisionForImplementation``. Without a decision sink a decision is recorded and waits; the
follow-up page hands it off once one is registered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxing.core.errors import BusinessError
from sanxing.gatherings.models import AgendaItem
from sanxing.people.models import Organisation


@dataclass(frozen=True)
class ReviewOpinion:
    congress_id: int
    gathering_id: int
    agenda_item_id: int
    title: str
    content: str
    handling_unit_ids: tuple[int, ...]
    considered_on: dt.date


Sink = Callable[[ReviewOpinion, Any], Any]

_sinks: list[Sink] = []


def register_sink(fn: Sink) -> Sink:
    if fn not in _sinks:
        _sinks.append(fn)
    return fn


def unregister_sink(fn: Sink) -> None:
    if fn in _sinks:
        _sinks.remove(fn)


def review_opinion_hand_off(
    *,
    item: AgendaItem,
    title: str,
    content: str,
    units: Sequence[Organisation],
    by: Any,
) -> list[Any]:
    """Hand a compiled review opinion on an agenda item to every registered sink, in one
    transaction (a sink that fails rolls all back). Returns what the sinks returned."""
    if not _sinks:
        raise BusinessError(_("No engine receives review opinions yet."), code="no_sink")
    if item.withdrawn_at is not None:
        raise BusinessError(_("This item was withdrawn."))
    if not title.strip():
        raise BusinessError(_("Enter a title."), field="title")
    if not content.strip():
        raise BusinessError(_("Enter the review opinion."), field="content")
    if not units:
        raise BusinessError(_("Choose at least one handling unit."), field="units")
    if any(u.congress_id != item.congress_id for u in units):
        raise BusinessError(_("Choose a body of this congress."), field="units")
    opinion = ReviewOpinion(
        congress_id=item.congress_id,
        gathering_id=item.gathering_id,
        agenda_item_id=item.pk,
        title=title.strip(),
        content=content.strip(),
        handling_unit_ids=tuple(u.pk for u in units),
        considered_on=timezone.localtime(item.gathering.starts_at).date(),
    )
    with transaction.atomic():
        return [sink(opinion, by) for sink in list(_sinks)]


# --- decisions and resolutions → implementation items ----------------------------------------


@dataclass(frozen=True)
class DecisionForImplementation:
    """A decision or resolution of a meeting, handed on to become an implementation item
    (督辦落實事項). ``kind`` is ``"decision"`` or ``"resolution"``."""

    congress_id: int
    gathering_id: int
    agenda_item_id: int | None
    decision_id: int
    kind: str
    title: str
    text: str
    unit_ids: tuple[int, ...]
    decided_on: dt.date


_decision_sinks: list[Sink] = []


def register_decision_sink(fn: Callable[[DecisionForImplementation, Any], Any]) -> Any:
    """Register ``fn(decision, by)`` to receive every decision handed off (casework does this
    in its AppConfig.ready); returns ``fn`` so it can be used as a decorator."""
    if fn not in _decision_sinks:
        _decision_sinks.append(fn)  # type: ignore[arg-type]
    return fn


def unregister_decision_sink(fn: Callable[[DecisionForImplementation, Any], Any]) -> None:
    if fn in _decision_sinks:
        _decision_sinks.remove(fn)  # type: ignore[arg-type]


def has_decision_sink() -> bool:
    return bool(_decision_sinks)


def decision_hand_off(*, decision: Any, by: Any) -> list[Any]:
    """Hand a recorded decision (``sanxing.gatherings.models.Decision``) to every registered
    decision sink, in one transaction. Returns what the sinks returned."""
    if not _decision_sinks:
        raise BusinessError(
            _("No engine receives decisions for implementation yet."), code="no_sink"
        )
    if not decision.text.strip():
        raise BusinessError(_("Enter the decision."), field="text")
    units = list(decision.units.all())
    if any(u.congress_id != decision.congress_id for u in units):
        raise BusinessError(_("Choose a body of this congress."), field="units")
    gathering = decision.gathering
    payload = DecisionForImplementation(
        congress_id=decision.congress_id,
        gathering_id=gathering.pk,
        agenda_item_id=decision.agenda_item_id,
        decision_id=decision.pk,
        kind=decision.kind,
        title=f"{gathering.title} · {decision.get_kind_display()}"[:200],
        text=decision.text.strip(),
        unit_ids=tuple(u.pk for u in units),
        decided_on=timezone.localtime(gathering.starts_at).date(),
    )
    with transaction.atomic():
        return [sink(payload, by) for sink in list(_decision_sinks)]  # type: ignore[arg-type]


# --- subjects from outside: agenda items about another engine's record, and vote results -----
#
# A review opinion's handling report is put to a satisfaction vote at a later Standing
# Committee meeting (監督法 Arts. 17, 37, 50). Casework asks for an agenda item about its
# item (``subject_agenda_item_add`` with ``subject_ref="casework.item:42"``); when a vote on
# such an item closes, ``vote_close`` hands a ``VoteClosed`` to every listener registered
# with ``register_vote_listener`` INSIDE its transaction: the result and its effect on the
# subject are one fact, so a listener that fails leaves the vote open with nothing written
# (and the clerk sees the message); listeners must be idempotent (``vote_closed_redeliver``
# hands a closed vote over again). ``register_subject_link`` lets the engine name the link
# shown on the meeting's agenda.


@dataclass(frozen=True)
class MeetingChoice:
    """A meeting an outside subject may be put on."""

    id: int
    title: str
    starts_on: dt.date


@dataclass(frozen=True)
class SubjectAgendaItem:
    agenda_item_id: int
    gathering_id: int
    gathering_title: str
    starts_on: dt.date


@dataclass(frozen=True)
class VoteClosed:
    congress_id: int
    gathering_id: int
    gathering_title: str
    agenda_item_id: int
    subject_ref: str
    vote_id: int
    motion: str
    passed: bool
    yes: int
    no: int
    abstain: int
    not_voting: int
    absent: int
    body_size: int
    present: int
    required: int
    threshold_rule: str
    threshold_label: str
    threshold_article: str
    closed_at: dt.datetime


VoteListener = Callable[[VoteClosed, Any], Any]
_vote_listeners: list[VoteListener] = []
_subject_links: dict[str, Callable[[str], tuple[str, str] | None]] = {}


def register_vote_listener(fn: VoteListener) -> VoteListener:
    if fn not in _vote_listeners:
        _vote_listeners.append(fn)
    return fn


def unregister_vote_listener(fn: VoteListener) -> None:
    if fn in _vote_listeners:
        _vote_listeners.remove(fn)


def register_subject_link(prefix: str, fn: Callable[[str], tuple[str, str] | None]) -> None:
    """``fn(subject_ref)`` returns ``(url, label)`` for subjects whose ref starts with
    ``prefix`` (e.g. ``"casework.item:"``)."""
    _subject_links[prefix] = fn


def subject_link(subject_ref: str) -> tuple[str, str] | None:
    for prefix, fn in _subject_links.items():
        if subject_ref.startswith(prefix):
            return fn(subject_ref)
    return None


def _subject_meetings(congress_id: int) -> Any:
    from sanxing.gatherings.kinds import COMMITTEE_MEETING
    from sanxing.gatherings.models import Gathering

    return Gathering.objects.filter(
        congress_id=congress_id,
        kind=COMMITTEE_MEETING,
        status__in=[Gathering.Status.DRAFT, Gathering.Status.PLANNED],
        starts_at__gt=timezone.now(),
    )


def committee_meetings_after(*, congress_id: int, after: dt.date) -> list[MeetingChoice]:
    """The Standing Committee meetings of a congress still to be held, after a date."""
    rows = []
    for g in _subject_meetings(congress_id).order_by("starts_at", "pk"):
        day = timezone.localtime(g.starts_at).date()
        if day > after:
            rows.append(MeetingChoice(id=g.pk, title=g.title, starts_on=day))
    return rows


def subject_agenda_item_add(
    *,
    congress_id: int,
    gathering_id: int,
    title: str,
    subject_ref: str,
    after: dt.date,
    by: Any,
) -> SubjectAgendaItem:
    """Put an outside subject on the agenda of a Standing Committee meeting still to be held,
    of the same congress, after ``after`` (the date of the report); refused when the subject
    is already on an agenda and not yet voted on."""
    from sanxing.gatherings import services
    from sanxing.gatherings.kinds import COMMITTEE_MEETING
    from sanxing.gatherings.models import Gathering

    gathering = Gathering.objects.filter(pk=gathering_id).first()
    if gathering is None or gathering.congress_id != congress_id:
        raise BusinessError(
            _("Choose a meeting of this congress."), field="gathering_id", code="other_congress"
        )
    if gathering.kind != COMMITTEE_MEETING:
        raise BusinessError(
            _("Choose a meeting of the Standing Committee."),
            field="gathering_id",
            code="not_committee_meeting",
        )
    starts_on = timezone.localtime(gathering.starts_at).date()
    if gathering.status in (Gathering.Status.HELD, Gathering.Status.CANCELLED) or (
        gathering.starts_at <= timezone.now()
    ):
        raise BusinessError(
            _("That meeting has already been held or was cancelled: choose one still to come."),
            field="gathering_id",
            code="meeting_past",
        )
    if starts_on <= after:
        raise BusinessError(
            _("Choose a meeting after the report of %(date)s.") % {"date": after.isoformat()},
            field="gathering_id",
            code="meeting_before_report",
        )
    if not subject_ref:
        raise BusinessError(_("Nothing to put on the agenda."))
    with transaction.atomic():
        pending = (
            AgendaItem.objects.filter(subject_ref=subject_ref, withdrawn_at__isnull=True)
            .exclude(votes__closed_at__isnull=False)
            .select_related("gathering")
            .first()
        )
        if pending is not None:
            raise BusinessError(
                _("This is already on the agenda of “%(meeting)s”.")
                % {"meeting": pending.gathering.title},
                code="already_scheduled",
            )
        item = services.agenda_item_add(
            gathering=gathering, title=title, kind=AgendaItem.Kind.REPORT, by=by
        )
        item.subject_ref = subject_ref
        item._history_user = by  # type: ignore[attr-defined]
        item.save(update_fields=["subject_ref", "updated_at"])
        return SubjectAgendaItem(
            agenda_item_id=item.pk,
            gathering_id=gathering.pk,
            gathering_title=gathering.title,
            starts_on=starts_on,
        )


def agenda_item_is_live(agenda_item_id: int) -> bool:
    """Whether an agenda item still stands (neither deleted nor withdrawn)."""
    return AgendaItem.objects.filter(pk=agenda_item_id, withdrawn_at__isnull=True).exists()


def _vote_closed(vote: Any) -> VoteClosed:
    from sanxing.gatherings.kinds import THRESHOLDS

    rule = THRESHOLDS.get(vote.threshold_rule)
    return VoteClosed(
        congress_id=vote.congress_id,
        gathering_id=vote.gathering_id,
        gathering_title=vote.gathering.title,
        agenda_item_id=vote.agenda_item_id,
        subject_ref=vote.agenda_item.subject_ref,
        vote_id=vote.pk,
        motion=vote.motion,
        passed=vote.result == "pass",
        yes=vote.yes,
        no=vote.no,
        abstain=vote.abstain,
        not_voting=vote.not_voting,
        absent=vote.absent,
        body_size=vote.body_size,
        present=vote.present or 0,
        required=vote.required,
        threshold_rule=vote.threshold_rule,
        threshold_label=str(rule.label) if rule else vote.threshold_rule,
        threshold_article=vote.threshold_article,
        closed_at=vote.closed_at,
    )


def vote_closed_notify(*, vote: Any, by: Any) -> list[Any]:
    """Called by ``services.vote_close`` inside its transaction, after the result is saved:
    hands the result of a vote on an item with an outside subject to every listener. An
    exception propagates and rolls the close back."""
    if not vote.agenda_item.subject_ref or vote.closed_at is None:
        return []
    payload = _vote_closed(vote)
    return [fn(payload, by) for fn in list(_vote_listeners)]


def vote_closed_redeliver(*, vote: Any, by: Any) -> list[Any]:
    """Hand a closed vote over again (a listener registered late, a repair): listeners are
    idempotent, so nothing is recorded twice."""
    if vote.closed_at is None:
        raise BusinessError(_("This vote is still open."), code="vote_open")
    with transaction.atomic():
        return vote_closed_notify(vote=vote, by=by)
