"""A review opinion's handling report put to a satisfaction vote at a later Standing Committee
meeting: scheduled by the office, recorded when the meeting's vote closes."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import translation

from sanxing.casework import kinds, services
from sanxing.casework.kinds import Purpose
from sanxing.casework.models import Clock, Item, TimelineEvent
from sanxing.casework.satisfaction import (
    SatisfactionVote,
    satisfaction_vote_schedule,
    vote_closed_receive,
)
from sanxing.core.errors import BusinessError, NotPermitted
from sanxing.gatherings import handoff
from sanxing.gatherings import services as meetings
from sanxing.gatherings.kinds import COMMITTEE_MEETING
from sanxing.gatherings.models import AgendaItem, Gathering, Vote
from sanxing.people.models import Person, Role

pytestmark = pytest.mark.django_db

TZ = dt.timezone(dt.timedelta(hours=8))
SENT_ON = dt.date(2026, 9, 1)
TODAY = dt.datetime(2026, 9, 10, 10, 0, tzinfo=TZ)
MEETING_AT = dt.datetime(2026, 10, 28, 9, 0, tzinfo=TZ)


# --- helpers, also used by the API and browser tests -------------------------------------------


def replied_review_opinion(world, *, sent_on: dt.date = SENT_ON) -> Item:
    """A review opinion assigned to ``world.unit``, whose handling report was sent on
    ``sent_on``."""
    opinion = handoff.ReviewOpinion(
        congress_id=world.congress.pk,
        gathering_id=1,
        agenda_item_id=9001,
        title="對市人民政府關於義務教育工作情況報告的審議意見",
        content="一、……二、……",
        handling_unit_ids=(world.unit.pk,),
        considered_on=sent_on - dt.timedelta(days=60),
    )
    with time_machine.travel(
        dt.datetime.combine(sent_on - dt.timedelta(days=59), dt.time(10), TZ), tick=False
    ):
        item = services.review_opinion_receive(opinion, world.clerk)
    lead = item.assignments.get(role="lead")
    with time_machine.travel(dt.datetime.combine(sent_on, dt.time(10), TZ), tick=False):
        services.reply_submit(
            assignment=lead,
            text="研究處理情況報告：……",
            reply_class="A",
            signed_by="市人民政府",
            sent_on=sent_on,
            by=world.handler,
        )
    item.refresh_from_db()
    assert item.state == kinds.REPLIED
    return item


def committee_meeting(world, *, at: dt.datetime = MEETING_AT, title: str = "") -> Gathering:
    """A Standing Committee meeting with five voting members (the director, the member and
    three more)."""
    if not Person.objects.filter(congress=world.congress, name="委員甲").exists():
        for name in ("委員甲", "委員乙", "委員丙"):
            person = Person.objects.create(congress=world.congress, name=name)
            Role.objects.create(
                person=person,
                organisation=world.committee,
                kind=Role.Kind.COMMITTEE_MEMBER,
                term=world.term,
                starts_on=dt.date(2022, 1, 10),
            )
    gathering = meetings.gathering_plan(
        congress=world.congress,
        kind=COMMITTEE_MEETING,
        title=title or f"常委會會議 {at:%m-%d}",
        starts_at=at,
        ends_at=at + dt.timedelta(hours=4),
        place="常委會會議室",
        by=world.clerk,
    )
    meetings.gathering_set_status(
        gathering=gathering, status=Gathering.Status.PLANNED, by=world.clerk
    )
    meetings.roster_build(gathering=gathering, by=world.clerk)
    return gathering


def take_vote(world, gathering: Gathering, agenda_item_id: int, *, yes: int) -> Vote:
    """Everyone of the five checks in; ``yes`` of them vote yes, the rest no; the vote closes."""
    at = gathering.starts_at + dt.timedelta(minutes=30)
    members = [
        world.director.person,
        world.member.person,
        *Person.objects.filter(congress=world.congress, name__in=["委員甲", "委員乙", "委員丙"]),
    ]
    with time_machine.travel(at, tick=False):
        for person in members:
            meetings.check_in(gathering=gathering, person=person, by=world.clerk, at=at)
        item = AgendaItem.objects.get(pk=agenda_item_id)
        vote = meetings.vote_open(item=item, motion=item.title, by=world.clerk, at=at)
        for n, person in enumerate(members):
            meetings.ballot_cast(
                vote=vote, person=person, option="yes" if n < yes else "no", by=world.clerk, at=at
            )
        return meetings.vote_close(vote=vote, by=world.clerk, at=at)


def scheduled(world, item: Item | None = None) -> tuple[Item, Gathering, SatisfactionVote]:
    item = item or replied_review_opinion(world)
    gathering = committee_meeting(world)
    with time_machine.travel(TODAY, tick=False):
        row = satisfaction_vote_schedule(item=item, gathering_id=gathering.pk, by=world.clerk)
    return item, gathering, row


# --- scheduling --------------------------------------------------------------------------------


def test_the_clerk_puts_the_handling_report_on_a_later_meeting(world):
    item, gathering, row = scheduled(world)
    agenda = AgendaItem.objects.get(pk=row.agenda_item_id)
    assert agenda.gathering_id == gathering.pk
    assert agenda.subject_ref == f"casework.item:{item.pk}"
    assert "研究處理情況報告的滿意度表決" in agenda.title or "研究处理情况报告的满意度表决" in (
        agenda.title
    )
    assert "義務教育工作情況報告的審議意見" in agenda.title
    assert (row.round, row.report_on, row.meeting_on, row.result) == (
        1,
        SENT_ON,
        MEETING_AT.date(),
        "",
    )
    assert TimelineEvent.objects.filter(item=item, action="satisfaction_scheduled").exists()
    url, label = agenda.subject_link
    assert url == f"/casework/items/{item.pk}/"
    assert label


def test_scheduling_is_refused_with_a_reason(world):
    item = replied_review_opinion(world)
    held = committee_meeting(world, at=dt.datetime(2026, 10, 20, 9, 0, tzinfo=TZ), title="已開")
    meetings.gathering_set_status(gathering=held, status=Gathering.Status.HELD, by=world.clerk)
    past = committee_meeting(world, at=dt.datetime(2026, 9, 5, 9, 0, tzinfo=TZ), title="過去")
    before_report = committee_meeting(
        world, at=dt.datetime(2026, 8, 20, 9, 0, tzinfo=TZ), title="報告前"
    )
    directors = meetings.gathering_plan(
        congress=world.congress,
        kind="directors_meeting",
        title="主任會議",
        starts_at=MEETING_AT,
        ends_at=MEETING_AT + dt.timedelta(hours=2),
        by=world.clerk,
    )
    cases = [
        (held.pk, "meeting_past"),
        (past.pk, "meeting_past"),
        (directors.pk, "not_committee_meeting"),
        (987654, "other_congress"),
    ]
    with time_machine.travel(TODAY, tick=False):
        for gathering_id, code in cases:
            with pytest.raises(BusinessError) as err:
                satisfaction_vote_schedule(item=item, gathering_id=gathering_id, by=world.clerk)
            assert err.value.code == code, gathering_id
    with time_machine.travel(dt.datetime(2026, 8, 1, 10, 0, tzinfo=TZ), tick=False):
        with pytest.raises(BusinessError) as err:
            satisfaction_vote_schedule(item=item, gathering_id=before_report.pk, by=world.clerk)
        assert err.value.code == "meeting_before_report"
    assert not SatisfactionVote.objects.exists()
    assert not AgendaItem.objects.exclude(subject_ref="").exists()


def test_no_report_no_vote_and_not_twice(world):
    opinion_item = replied_review_opinion(world)
    gathering = committee_meeting(world)
    with time_machine.travel(TODAY, tick=False):
        satisfaction_vote_schedule(item=opinion_item, gathering_id=gathering.pk, by=world.clerk)
        with pytest.raises(BusinessError) as err:
            satisfaction_vote_schedule(item=opinion_item, gathering_id=gathering.pk, by=world.clerk)
        assert err.value.code == "already_scheduled"
        fresh = services.review_opinion_receive(
            handoff.ReviewOpinion(
                congress_id=world.congress.pk,
                gathering_id=1,
                agenda_item_id=9002,
                title="另一份審議意見",
                content="……",
                handling_unit_ids=(world.unit.pk,),
                considered_on=dt.date(2026, 9, 1),
            ),
            world.clerk,
        )
        with pytest.raises(BusinessError) as err:
            satisfaction_vote_schedule(item=fresh, gathering_id=gathering.pk, by=world.clerk)
        assert err.value.code == "no_report"
        with pytest.raises(NotPermitted):
            satisfaction_vote_schedule(
                item=opinion_item, gathering_id=gathering.pk, by=world.handler
            )
    assert SatisfactionVote.objects.count() == 1


# --- the result --------------------------------------------------------------------------------


def test_a_passed_vote_records_satisfied_and_closes_the_item(world):
    item, gathering, row = scheduled(world)
    vote = take_vote(world, gathering, row.agenda_item_id, yes=4)
    assert vote.result == Vote.Result.PASS
    row.refresh_from_db()
    assert (row.result, row.vote_id, row.yes, row.no, row.body_size, row.required) == (
        "satisfied",
        vote.pk,
        4,
        1,
        5,
        3,
    )
    assert "51" in row.threshold or "五十一" in row.threshold  # the article, as stored
    item.refresh_from_db()
    assert item.state == kinds.CLOSED and item.closed_on == MEETING_AT.date()


def test_a_failed_vote_starts_re_handling_and_the_new_report_is_voted_again(world):
    item, gathering, row = scheduled(world)
    take_vote(world, gathering, row.agenda_item_id, yes=2)
    row.refresh_from_db()
    assert row.result == "unsatisfied"
    item.refresh_from_db()
    assert (item.state, item.round) == (kinds.REHANDLING, 2)
    clock = Clock.objects.get(item=item, purpose=Purpose.REHANDLE, stopped_on__isnull=True)
    assert clock.rule_code == "review_opinion.rehandle"
    # one month from the meeting: Saturday 28 November, so the next working day (民法典 Art. 203)
    assert clock.started_on == MEETING_AT.date() and clock.due_on == dt.date(2026, 11, 30)
    assert clock.article
    # the unit submits a new report, which goes to the next meeting
    lead = item.assignments.get(role="lead")
    with time_machine.travel(dt.datetime(2026, 11, 10, 10, 0, tzinfo=TZ), tick=False):
        services.reply_submit(
            assignment=lead,
            text="再次研究處理情況報告",
            reply_class="A",
            signed_by="市人民政府",
            sent_on=dt.date(2026, 11, 10),
            by=world.handler,
        )
        later = committee_meeting(world, at=dt.datetime(2026, 12, 22, 9, 0, tzinfo=TZ))
        second = satisfaction_vote_schedule(item=item, gathering_id=later.pk, by=world.clerk)
    assert second.round == 2
    take_vote(world, later, second.agenda_item_id, yes=3)
    item.refresh_from_db()
    assert item.state == kinds.CLOSED
    assert list(item.satisfaction_votes.values_list("round", "result")) == [
        (1, "unsatisfied"),
        (2, "satisfied"),
    ]


def test_a_redelivered_close_is_recorded_once(world):
    item, gathering, row = scheduled(world)
    vote = take_vote(world, gathering, row.agenda_item_id, yes=2)
    events = TimelineEvent.objects.filter(item=item).count()
    again = handoff.vote_closed_redeliver(vote=vote, by=world.clerk)
    assert [r.pk for r in again if r is not None] == [row.pk]
    assert SatisfactionVote.objects.filter(item=item).count() == 1
    assert TimelineEvent.objects.filter(item=item).count() == events
    item.refresh_from_db()
    assert (item.state, item.round) == (kinds.REHANDLING, 2)
    assert Clock.objects.filter(item=item, purpose=Purpose.REHANDLE).count() == 1


def test_a_failing_listener_leaves_the_vote_open_and_nothing_written(world):
    """Same transaction: if casework cannot record the result, the vote is not closed."""
    item, gathering, row = scheduled(world)

    def broken(closed, by):
        raise BusinessError("casework refused")

    handoff.register_vote_listener(broken)
    try:
        with pytest.raises(BusinessError):
            take_vote(world, gathering, row.agenda_item_id, yes=4)
    finally:
        handoff.unregister_vote_listener(broken)
    vote = Vote.objects.get(agenda_item_id=row.agenda_item_id)
    assert vote.closed_at is None and vote.result == ""
    assert vote.ballots.filter(option="absent").count() == 0
    row.refresh_from_db()
    assert row.result == "" and row.vote_id is None
    item.refresh_from_db()
    assert item.state == kinds.REPLIED


def test_an_item_closed_meanwhile_gets_the_result_recorded_only(world):
    item, gathering, row = scheduled(world)
    with time_machine.travel(TODAY, tick=False):
        services.item_close(item=item, by=world.clerk, note="辦結")
    take_vote(world, gathering, row.agenda_item_id, yes=2)
    row.refresh_from_db()
    item.refresh_from_db()
    assert row.result == "unsatisfied" and item.state == kinds.CLOSED and item.round == 1


def test_votes_on_ordinary_items_are_ignored(world):
    gathering = committee_meeting(world)
    ordinary = meetings.agenda_item_add(gathering=gathering, title="條例草案", by=world.clerk)
    vote = take_vote(world, gathering, ordinary.pk, yes=4)
    assert vote.result == Vote.Result.PASS
    assert not SatisfactionVote.objects.exists()
    assert vote_closed_receive(handoff._vote_closed(vote), world.clerk) is None


def test_timeline_labels_in_english(world):
    scheduled(world)
    with translation.override("en"):
        assert str(kinds.ACTION_LABELS["satisfaction_scheduled"]) == "put to a satisfaction vote"


def test_a_withdrawn_agenda_item_frees_the_report_for_another_meeting(world):
    item, _gathering, row = scheduled(world)
    meetings.agenda_item_withdraw(
        item=AgendaItem.objects.get(pk=row.agenda_item_id), reason="議程調整", by=world.clerk
    )
    later = committee_meeting(world, at=dt.datetime(2026, 11, 25, 9, 0, tzinfo=TZ))
    with time_machine.travel(TODAY, tick=False):
        again = satisfaction_vote_schedule(item=item, gathering_id=later.pk, by=world.clerk)
    assert again.gathering_id == later.pk
    assert SatisfactionVote.objects.filter(item=item).count() == 1
    assert SatisfactionVote.all_objects.filter(item=item).count() == 2
