"""The satisfaction vote (滿意度表決) on a review opinion's handling report.

A review opinion (審議意見) is answered by the government's written handling report; the
office may put that report to a satisfaction vote at a later Standing Committee meeting
(監督法 Arts. 17, 37, 50; shared/DESIGN.md: "the government replies with its handling
report → the next meeting evaluates it"). Casework never imports the meeting engine's
models: it asks ``sanxing.gatherings.handoff`` for an agenda item about the item and
listens for the close of its vote.

- ``satisfaction_vote_schedule`` puts the report of the current round on the agenda of a
  Standing Committee meeting still to be held, in the same congress, after the report.
- ``vote_closed_receive`` (the listener) records the result when that vote closes, INSIDE the
  meeting engine's transaction: the vote and its record are one fact. It never refuses for a
  business reason (an item closed meanwhile gets the result recorded, its state untouched), so
  only a fault rolls the close back, and then the vote stays open with nothing written. It is
  idempotent: the same vote delivered twice is recorded once.
- Passed → satisfied: the item is closed. Failed → not satisfied: in the first round the item
  goes back to the lead unit with the re-handling clock (the REHANDLE rule of the kind, with
  its article), and its new report can be put to the vote again; a second failed vote is
  recorded and the item waits for the office (further supervision is the Committee's call).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sanxing.casework import kinds
from sanxing.casework.access import item_for_user
from sanxing.casework.kinds import Kind, Purpose
from sanxing.casework.models import Assignment, Item, Reply, SatisfactionVote
from sanxing.core.errors import BusinessError, NotPermitted

SUBJECT_PREFIX = "casework.item:"

# --- selectors -------------------------------------------------------------------------------


def satisfaction_votes(item: Item) -> list[SatisfactionVote]:
    return list(SatisfactionVote.objects.filter(item=item).order_by("round", "pk"))


def handling_report(item: Item) -> Reply | None:
    """The lead unit's sent report of the item's current round."""
    replies = Reply.objects.filter(
        item=item, round=item.round, assignment__role=Assignment.Role.LEAD
    ).order_by("-sent_on", "-pk")
    return next((r for r in replies if r.is_sent), None)


def can_schedule(item: Item) -> bool:
    if item.kind != Kind.REVIEW_OPINION or item.state != kinds.REPLIED:
        return False
    from sanxing.gatherings.handoff import agenda_item_is_live

    return not any(
        row.result or agenda_item_is_live(row.agenda_item_id)
        for row in SatisfactionVote.objects.filter(item=item, round=item.round)
    )


def meeting_choices(item: Item) -> list[Any]:
    from sanxing.gatherings.handoff import committee_meetings_after

    report = handling_report(item)
    if report is None:
        return []
    return committee_meetings_after(congress_id=item.congress_id, after=report.sent_on)


# --- services --------------------------------------------------------------------------------


def _agenda_title(item: Item) -> str:
    from sanxing.casework.services import _official

    title = item.title.strip()
    for mark in ("《", "》"):
        title = title.replace(mark, "")
    return _official(gettext_lazy("Satisfaction vote on the handling report on “%(title)s”")) % {
        "title": title
    }


def _forget_withdrawn(item: Item, by: Any) -> None:
    """A schedule whose agenda item was withdrawn or deleted at the meeting no longer holds:
    it is set aside (soft-deleted, kept in the history) so the report can be scheduled again."""
    from sanxing.gatherings.handoff import agenda_item_is_live

    for row in SatisfactionVote.objects.filter(item=item, result=""):
        if not agenda_item_is_live(row.agenda_item_id):
            row.deleted_at = timezone.now()
            row.deleted_by = by
            row.version += 1
            row._history_user = by  # type: ignore[attr-defined]
            row.save(update_fields=["deleted_at", "deleted_by", "version", "updated_at"])


def satisfaction_vote_schedule(*, item: Item, gathering_id: int, by: Any) -> SatisfactionVote:
    """The office puts the handling report of the item's current round on the agenda of a
    later Standing Committee meeting for a satisfaction vote."""
    from sanxing.casework.services import _event, _lock, _require_office
    from sanxing.gatherings.handoff import subject_agenda_item_add

    _require_office(by, item.congress_id)
    if item.kind != Kind.REVIEW_OPINION:
        raise BusinessError(
            _("Only a review opinion's handling report is put to a satisfaction vote."),
            code="wrong_kind",
        )
    with transaction.atomic():
        item = _lock(item)
        report = handling_report(item)
        if item.state != kinds.REPLIED or report is None:
            raise BusinessError(
                _("The handling report has not been received yet."), code="no_report"
            )
        _forget_withdrawn(item, by)
        if SatisfactionVote.objects.filter(item=item, round=item.round).exists():
            raise BusinessError(
                _("This handling report is already on a meeting's agenda for the vote."),
                code="already_scheduled",
            )
        placed = subject_agenda_item_add(
            congress_id=item.congress_id,
            gathering_id=gathering_id,
            title=_agenda_title(item),
            subject_ref=f"{SUBJECT_PREFIX}{item.pk}",
            after=report.sent_on,
            by=by,
        )
        row = SatisfactionVote(
            congress_id=item.congress_id,
            item=item,
            round=item.round,
            report_on=report.sent_on,
            gathering_id=placed.gathering_id,
            agenda_item_id=placed.agenda_item_id,
            meeting_title=placed.gathering_title,
            meeting_on=placed.starts_on,
        )
        row._history_user = by  # type: ignore[attr-defined]
        row.save()
        _event(
            item,
            action="satisfaction_scheduled",
            by=by,
            note=f"{placed.gathering_title} · {placed.starts_on.isoformat()}",
        )
        return row


def _counts_note(row: SatisfactionVote) -> str:
    from sanxing.casework.services import _official

    return _official(
        gettext_lazy(
            "yes %(yes)d, no %(no)d, abstain %(abstain)d, not voting %(not_voting)d, "
            "absent %(absent)d of %(body)d members; %(required)d needed (%(threshold)s)"
        )
    ) % {
        "yes": row.yes,
        "no": row.no,
        "abstain": row.abstain,
        "not_voting": row.not_voting,
        "absent": row.absent,
        "body": row.body_size,
        "required": row.required,
        "threshold": row.threshold,
    }


def vote_closed_receive(closed: Any, by: Any) -> SatisfactionVote | None:
    """The vote listener for ``sanxing.gatherings.handoff``: records the result of a
    satisfaction vote on the item and moves it on. Runs inside ``vote_close``'s transaction;
    idempotent."""
    from sanxing.casework.services import (
        _event,
        _lock,
        _move,
        _official,
        _save,
        _start_clock,
    )

    if not closed.subject_ref.startswith(SUBJECT_PREFIX):
        return None
    done = SatisfactionVote.objects.filter(vote_id=closed.vote_id).first()
    if done is not None:
        return done  # delivered again: recorded once
    row = (
        SatisfactionVote.objects.select_for_update()
        .filter(agenda_item_id=closed.agenda_item_id, result="")
        .first()
    )
    if row is None:
        return None  # a second vote on an item already recorded, or a withdrawn schedule
    item = _lock(row.item)
    row.vote_id = closed.vote_id
    row.result = (
        SatisfactionVote.Result.SATISFIED if closed.passed else SatisfactionVote.Result.UNSATISFIED
    )
    for name in ("yes", "no", "abstain", "not_voting", "absent", "body_size", "present"):
        setattr(row, name, getattr(closed, name))
    row.required = closed.required
    row.threshold = f"{closed.threshold_label}, {closed.threshold_article}"[:200]
    row.closed_at = closed.closed_at
    row.version += 1
    row._history_user = by  # type: ignore[attr-defined]
    row.save()
    on = timezone.localtime(closed.closed_at).date()
    label = _official(row.Result(row.result).label)
    note = f"{closed.gathering_title} · {label}: {_counts_note(row)}"
    current_round = item.state == kinds.REPLIED and item.round == row.round
    if not current_round:
        # The item moved on meanwhile (closed by the office, …): the result is recorded only.
        _event(item, action="satisfaction_vote", by=by, note=note)
        return row
    if closed.passed:
        item.closed_on = on
        _save(item, by, ["closed_on"])
        _move(item, action="evaluate", to=kinds.CLOSED, by=by, note=note)
    elif item.round == 1:
        item.round = 2
        _save(item, by, ["round"])
        _move(item, action="evaluate", to=kinds.REHANDLING, by=by, note=note)
        lead = Assignment.objects.filter(
            item=item, role=Assignment.Role.LEAD, withdrawn_on__isnull=True
        ).first()
        if lead is not None:
            _start_clock(item, purpose=Purpose.REHANDLE, start=on, by=by, assignment=lead, round=2)
    else:
        _event(
            item,
            action="satisfaction_vote",
            by=by,
            note=note
            + " · "
            + _official(gettext_lazy("second vote failed: the office decides further supervision")),
        )
    return row


def subject_link(subject_ref: str) -> tuple[str, str] | None:
    """The link on the meeting's agenda to the review opinion."""
    try:
        pk = int(subject_ref.removeprefix(SUBJECT_PREFIX))
    except ValueError:
        return None
    return reverse("casework:item", args=[pk]), _("Open the review opinion")


def rehandle_clock(item: Item) -> Any:
    """The open re-handling clock of the item, if any (shown with its rule and article)."""
    from sanxing.casework.models import Clock

    return (
        Clock.objects.filter(item=item, purpose=Purpose.REHANDLE, stopped_on__isnull=True)
        .order_by("-started_on")
        .first()
    )


# --- the page's form -------------------------------------------------------------------------


@login_required
@require_POST
def satisfaction_schedule_view(request: Any, pk: int) -> Any:
    """POST from the item page: put the handling report to a satisfaction vote. Someone who
    may see the item but not do this gets 404, like a lookup refused."""
    item = item_for_user(request.user, pk)
    try:
        gathering_id = int(request.POST.get("gathering_id", ""))
    except ValueError:
        messages.error(request, _("Choose a Standing Committee meeting."))
        return redirect("casework:item", item.pk)
    try:
        row = satisfaction_vote_schedule(item=item, gathering_id=gathering_id, by=request.user)
    except NotPermitted:
        raise Http404 from None
    except BusinessError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("The handling report is on the agenda of “%(meeting)s” for a satisfaction vote.")
            % {"meeting": row.meeting_title},
        )
    return redirect(f"{reverse('casework:item', args=[item.pk])}#satisfaction")


def office_only_message() -> str:
    return _("Only the office can do this.")


# --- the demo congress -------------------------------------------------------------------------


def build_demo(ctx: Any) -> None:
    """Two review opinions of the demo whose handling reports were put to a satisfaction vote
    at the last Standing Committee meeting held: one satisfied (closed), one not satisfied
    (being handled again, with its re-handling clock). Runs after both engines' demo data; the
    vote goes through the meeting engine's services, so casework records it as in real life."""
    from sanxing.casework import services
    from sanxing.gatherings import services as meetings
    from sanxing.gatherings.kinds import COMMITTEE_MEETING
    from sanxing.gatherings.models import AgendaItem, Gathering
    from sanxing.people.models import Organisation

    clerk = ctx.accounts.get("clerk")
    units = list(
        Organisation.objects.filter(
            congress=ctx.congress, kind=Organisation.Kind.HANDLING_UNIT
        ).order_by("pk")[:2]
    )
    held = list(
        Gathering.objects.filter(
            congress=ctx.congress,
            kind=COMMITTEE_MEETING,
            status=Gathering.Status.HELD,
            starts_at__date__lt=ctx.today,
        ).order_by("-starts_at")[:3]
    )
    if clerk is None or not units or not held:
        ctx.log("    satisfaction votes: no clerk, unit or held committee meeting")
        return
    cases = (
        ("對市人民政府關於全市義務教育優質均衡發展情況報告的審議意見", units[0], True),
        ("對市人民政府關於大氣污染防治工作情況報告的審議意見", units[-1], False),
    )
    for gathering in held:
        day = timezone.localtime(gathering.starts_at).date()
        try:
            with transaction.atomic():
                for n, (title, unit, satisfied) in enumerate(cases):
                    item = services.item_submit(
                        congress=ctx.congress,
                        kind=Kind.REVIEW_OPINION,
                        title=title,
                        content="常委會組成人員審議認為……建議：一、……二、……",
                        submitted_on=day - dt.timedelta(days=130),
                        deputies=[],
                        by=clerk,
                    )
                    item = services.item_register(
                        item=item, by=clerk, on=day - dt.timedelta(days=128)
                    )
                    lead = services.item_assign(
                        item=item, lead_unit=unit, by=clerk, on=day - dt.timedelta(days=128)
                    )[0]
                    reply = Reply(
                        congress=ctx.congress,
                        item=item,
                        assignment=lead,
                        round=1,
                        text="關於審議意見研究處理情況的報告：……",
                        reply_class="A" if satisfied else "B",
                        committed_on=None if satisfied else day + dt.timedelta(days=180),
                        signed_by=f"{unit.name}主要負責人",
                        sent_on=day - dt.timedelta(days=30),
                        submitted_by=clerk,
                    )
                    reply._history_user = clerk  # type: ignore[attr-defined]
                    reply.save()
                    lead.accepted_on = day - dt.timedelta(days=125)
                    lead.save(update_fields=["accepted_on"])
                    item.refresh_from_db()
                    services._reply_takes_effect(item, lead, reply, by=clerk)
                    item.refresh_from_db()
                    agenda = AgendaItem(
                        congress=ctx.congress,
                        gathering=gathering,
                        order=90 + n,
                        title=_agenda_title(item),
                        kind=AgendaItem.Kind.REPORT,
                        state=AgendaItem.State.CONSIDERED,
                        subject_ref=f"{SUBJECT_PREFIX}{item.pk}",
                    )
                    agenda._history_user = clerk  # type: ignore[attr-defined]
                    agenda.save()
                    SatisfactionVote.objects.create(
                        congress=ctx.congress,
                        item=item,
                        round=1,
                        report_on=reply.sent_on,
                        gathering_id=gathering.pk,
                        agenda_item_id=agenda.pk,
                        meeting_title=gathering.title,
                        meeting_on=day,
                    )
                    at = gathering.starts_at + dt.timedelta(minutes=200 + 5 * n)
                    vote = meetings.vote_open(
                        item=agenda, motion=agenda.title, mode="counts", by=clerk, at=at
                    )
                    present = meetings.quorum(gathering).present
                    yes = vote.required + 3 if satisfied else max(vote.required - 4, 0)
                    yes = min(yes, present)
                    no = max(present - yes - 2, 0)
                    meetings.vote_close(
                        vote=vote,
                        by=clerk,
                        counts=meetings.Counts(yes=yes, no=no, abstain=present - yes - no),
                        at=at + dt.timedelta(minutes=2),
                    )
        except BusinessError as exc:
            ctx.log(f"    satisfaction votes not taken at {gathering.title}: {exc.message}")
            continue
        ctx.log(f"    satisfaction votes taken at {gathering.title}")
        return


try:
    from sanxing.demo.registry import register as _register_demo
except ImportError:  # pragma: no cover - the demo app is optional
    pass
else:
    # After casework (50) and gatherings' follow-up (60).
    _register_demo("casework-satisfaction", order=70, build=build_demo)
