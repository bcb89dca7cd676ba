"""Agenda items about an outside subject, and the results of their votes handed to listeners
(the gatherings side of the satisfaction vote; casework is one such listener)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from sanxing.core.errors import BusinessError
from sanxing.gatherings import handoff, services
from sanxing.gatherings.models import AgendaItem, Gathering, Vote
from sanxing.gatherings.tests.conftest import STARTS, Meeting, P, during

pytestmark = pytest.mark.django_db

BEFORE = STARTS - dt.timedelta(days=30)


@pytest.fixture
def only_my_listener():
    """No other vote listener (casework registers its own); restored after."""
    saved = list(handoff._vote_listeners)
    handoff._vote_listeners.clear()
    received: list = []

    def listener(closed, by):
        received.append(closed)
        return closed.subject_ref

    handoff.register_vote_listener(listener)
    yield received
    handoff._vote_listeners[:] = saved


def _put(meeting: Meeting, ref: str = "test.subject:1", after: dt.date | None = None):
    with time_machine.travel(BEFORE, tick=False):
        return handoff.subject_agenda_item_add(
            congress_id=meeting.world.congress.pk,
            gathering_id=meeting.gathering.pk,
            title="關於《某某審議意見》研究處理情況報告的滿意度表決",
            subject_ref=ref,
            after=after or (BEFORE.date() - dt.timedelta(days=5)),
            by=meeting.world.clerk,
        )


def test_a_subject_goes_on_the_agenda_once(meeting: Meeting):
    placed = _put(meeting)
    item = AgendaItem.objects.get(pk=placed.agenda_item_id)
    assert item.subject_ref == "test.subject:1" and item.gathering_id == meeting.gathering.pk
    assert placed.starts_on == STARTS.date()
    with pytest.raises(BusinessError) as err:
        _put(meeting)
    assert err.value.code == "already_scheduled"
    assert meeting.gathering.title in err.value.message
    assert item.subject_link is None  # nobody registered a link for "test.subject:"


def test_refusals(meeting: Meeting):
    with pytest.raises(BusinessError) as err:
        _put(meeting, after=STARTS.date())
    assert err.value.code == "meeting_before_report"
    services.gathering_set_status(
        gathering=meeting.gathering, status=Gathering.Status.CANCELLED, by=meeting.world.clerk
    )
    with pytest.raises(BusinessError) as err:
        _put(meeting)
    assert err.value.code == "meeting_past"
    assert not AgendaItem.objects.exclude(subject_ref="").exists()


def _vote(meeting: Meeting, agenda_item_id: int, yes: int) -> Vote:
    w = meeting.world
    at = during(meeting)
    members = [P(w.director), P(w.member), *meeting.extra]
    for person in members:
        services.check_in(gathering=meeting.gathering, person=person, by=w.clerk, at=at)
    vote = services.vote_open(
        item=AgendaItem.objects.get(pk=agenda_item_id), motion="表決", by=w.clerk, at=at
    )
    for n, person in enumerate(members):
        services.ballot_cast(
            vote=vote, person=person, option="yes" if n < yes else "no", by=w.clerk, at=at
        )
    return services.vote_close(vote=vote, by=w.clerk, at=at)


def test_the_close_of_a_vote_on_a_subject_reaches_the_listeners(meeting, only_my_listener):
    placed = _put(meeting)
    vote = _vote(meeting, placed.agenda_item_id, yes=3)
    [closed] = only_my_listener
    assert (closed.subject_ref, closed.vote_id, closed.passed) == ("test.subject:1", vote.pk, True)
    assert (closed.yes, closed.no, closed.body_size, closed.required) == (3, 2, 5, 3)
    assert closed.threshold_article
    # delivered again on request; an open vote cannot be
    assert handoff.vote_closed_redeliver(vote=vote, by=meeting.world.clerk) == ["test.subject:1"]


def test_votes_without_a_subject_reach_no_listener(meeting, only_my_listener):
    item = services.agenda_item_add(
        gathering=meeting.gathering, title="條例草案", by=meeting.world.clerk
    )
    _vote(meeting, item.pk, yes=4)
    assert only_my_listener == []


def test_a_failing_listener_keeps_the_vote_open(meeting, only_my_listener):
    placed = _put(meeting)

    def broken(closed, by):
        raise BusinessError("refused")

    handoff.register_vote_listener(broken)
    with pytest.raises(BusinessError):
        _vote(meeting, placed.agenda_item_id, yes=4)
    vote = Vote.objects.get(agenda_item_id=placed.agenda_item_id)
    assert vote.closed_at is None and vote.result == ""
    assert AgendaItem.objects.get(pk=placed.agenda_item_id).state != AgendaItem.State.DECIDED
