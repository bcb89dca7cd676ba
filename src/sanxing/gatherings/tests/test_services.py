"""The engine's rules, told as the clerk's and the members' story (RULES.md §4)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from sanxing.core.errors import BusinessError
from sanxing.gatherings import services
from sanxing.gatherings.kinds import (
    COMMITTEE_MEETING,
    CONGRESS_SESSION,
    MORE_THAN_HALF_COMMITTEE,
    TWO_THIRDS_DEPUTIES,
)
from sanxing.gatherings.models import (
    AgendaItem,
    Attendance,
    Ballot,
    Gathering,
    LeaveRequest,
    RosterEntry,
    Vote,
)
from sanxing.gatherings.services import Counts
from sanxing.gatherings.tests.conftest import PID, STARTS, Meeting, P, during

pytestmark = pytest.mark.django_db


def test_thresholds_follow_the_law():
    # more than half of all members: 5 → 3, 6 → 4, 51 → 26
    assert [MORE_THAN_HALF_COMMITTEE.required(n) for n in (5, 6, 51)] == [3, 4, 26]
    # two thirds of all deputies, at least: 450 → 300, 451 → 301
    assert TWO_THIRDS_DEPUTIES.required(450) == 300
    assert TWO_THIRDS_DEPUTIES.required(451) == 301
    assert not MORE_THAN_HALF_COMMITTEE.met(0, 0)


def test_plan_numbers_the_sittings_within_the_term(world):
    first = services.gathering_plan(
        congress=world.congress,
        kind=COMMITTEE_MEETING,
        title="A",
        starts_at=STARTS,
        ends_at=STARTS + dt.timedelta(hours=3),
        by=world.clerk,
    )
    second = services.gathering_plan(
        congress=world.congress,
        kind=COMMITTEE_MEETING,
        title="B",
        starts_at=STARTS + dt.timedelta(days=60),
        ends_at=STARTS + dt.timedelta(days=60, hours=3),
        by=world.clerk,
    )
    assert (first.sitting, second.sitting) == (1, 2)
    assert first.term == world.term
    assert first.history.first().history_user == world.clerk
    with pytest.raises(BusinessError) as err:
        services.gathering_plan(
            congress=world.congress,
            kind=COMMITTEE_MEETING,
            title="C",
            sitting=2,
            starts_at=STARTS,
            ends_at=STARTS + dt.timedelta(hours=1),
            by=world.clerk,
        )
    assert err.value.field == "sitting"
    with pytest.raises(BusinessError):
        services.gathering_plan(
            congress=world.congress,
            kind="nonsense",
            title="D",
            starts_at=STARTS,
            ends_at=STARTS + dt.timedelta(hours=1),
            by=world.clerk,
        )
    with pytest.raises(BusinessError):
        services.gathering_plan(
            congress=world.congress,
            kind=COMMITTEE_MEETING,
            title="E",
            starts_at=STARTS,
            ends_at=STARTS,
            by=world.clerk,
        )


def test_roster_has_the_members_voting_and_the_heads_without_a_vote(meeting: Meeting):
    w = meeting.world
    roster = {e.person_id: e.capacity for e in meeting.gathering.roster.all()}
    assert roster[PID(w.director)] == RosterEntry.Capacity.VOTING_MEMBER
    assert roster[PID(w.member)] == RosterEntry.Capacity.VOTING_MEMBER
    assert roster[meeting.head.pk] == RosterEntry.Capacity.NON_VOTING
    assert PID(w.deputy) not in roster and PID(w.clerk) not in roster
    assert len(roster) == 6
    again = services.roster_build(gathering=meeting.gathering, by=w.clerk)
    assert again.added == 0 and again.voting == 5
    assert RosterEntry.history.filter(history_user_id=w.clerk.pk).count() == 6


def test_congress_session_roster_is_the_deputies(world):
    session = services.gathering_plan(
        congress=world.congress,
        kind=CONGRESS_SESSION,
        title="第十六屆人民代表大會第五次會議",
        starts_at=STARTS,
        ends_at=STARTS + dt.timedelta(days=3),
        by=world.clerk,
    )
    services.roster_build(gathering=session, by=world.clerk)
    assert list(session.roster.values_list("person_id", "capacity")) == [
        (PID(world.deputy), RosterEntry.Capacity.VOTING_MEMBER)
    ]
    assert services.quorum(session).rule == TWO_THIRDS_DEPUTIES


def test_leave_is_recorded_before_the_meeting_only(meeting: Meeting):
    w, g = meeting.world, meeting.gathering
    member = P(w.member)
    leave = services.leave_request(
        gathering=g, person=member, reason="出差", by=w.member, at=STARTS - dt.timedelta(days=1)
    )
    services.leave_decide(leave=leave, approve=True, by=w.clerk)
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.APPROVED and leave.approved_by == w.clerk
    assert g.attendances.get(person=member).status == Attendance.Status.LEAVE
    with pytest.raises(BusinessError) as err:
        services.leave_request(
            gathering=g, person=meeting.extra[0], reason="病假", by=w.clerk, at=during(meeting)
        )
    assert err.value.code == "too_late"
    with pytest.raises(BusinessError) as err:
        services.leave_request(
            gathering=g,
            person=P(w.deputy),
            reason="x",
            by=w.clerk,
            at=STARTS - dt.timedelta(days=1),
        )
    assert err.value.code == "not_on_roster"


def test_self_check_in_with_the_rotating_code(meeting: Meeting):
    w, g = meeting.world, meeting.gathering
    at = during(meeting, 1)
    code = services.check_in_code(g, at)
    assert len(code) == 6 and code.isdigit()
    attendance = services.check_in_self(
        gathering=g,
        person=P(w.member),
        code=code,
        by=w.member,
        at=at + dt.timedelta(seconds=70),
    )
    assert attendance.status == Attendance.Status.PRESENT
    assert attendance.method == Attendance.Method.QR
    # a code three minutes old has expired
    with pytest.raises(BusinessError) as err:
        services.check_in_self(
            gathering=g,
            person=P(w.director),
            code=code,
            by=w.director,
            at=at + dt.timedelta(minutes=3),
        )
    assert err.value.code == "expired"
    # a code from another meeting running at the same time
    other = services.gathering_plan(
        congress=w.congress,
        kind="directors_meeting",
        title="主任會議",
        starts_at=g.starts_at,
        ends_at=g.ends_at,
        by=w.clerk,
    )
    with pytest.raises(BusinessError) as err:
        services.check_in_self(
            gathering=g,
            person=P(w.director),
            code=services.check_in_code(other, at),
            by=w.director,
            at=at,
        )
    assert err.value.code == "other_meeting"
    with pytest.raises(BusinessError) as err:
        services.check_in_self(gathering=g, person=P(w.director), code="12", by=w.director, at=at)
    assert err.value.field == "code"
    # not on the roster
    with pytest.raises(BusinessError) as err:
        services.check_in_self(
            gathering=g,
            person=P(w.outsider),
            code=services.check_in_code(g, at),
            by=w.outsider,
            at=at,
        )
    assert err.value.code == "not_on_roster"
    # the day before, check-in is closed
    early = STARTS - dt.timedelta(days=1)
    with pytest.raises(BusinessError) as err:
        services.check_in_self(
            gathering=g,
            person=P(w.director),
            code=services.check_in_code(g, early),
            by=w.director,
            at=early,
        )
    assert err.value.code == "check_in_closed"


def _present(meeting: Meeting, persons) -> None:
    for person in persons:
        services.check_in(
            gathering=meeting.gathering, person=person, by=meeting.world.clerk, at=during(meeting)
        )


def _item(meeting: Meeting) -> AgendaItem:
    return services.agenda_item_add(
        gathering=meeting.gathering,
        title="審議《示範市物業管理條例（草案）》",
        kind=AgendaItem.Kind.DRAFT_REGULATION,
        by=meeting.world.clerk,
    )


def test_quorum_counts_voting_members_in_the_room(meeting: Meeting):
    w = meeting.world
    _present(meeting, [P(w.director), P(w.member), meeting.head])
    state = services.quorum(meeting.gathering)
    assert (state.body_size, state.present, state.required, state.met) == (5, 2, 3, False)
    _present(meeting, [meeting.extra[0]])
    assert services.quorum(meeting.gathering).met


def test_majority_of_those_present_still_fails_without_half_of_all_members(meeting: Meeting):
    """Art. 51: 3 of 5 present, 2 yes and 1 no: carried among those present, yet 2 is not
    more than half of all five members — the resolution fails."""
    w, (a, b, c) = meeting.world, meeting.extra
    _present(meeting, [P(w.director), a, b])
    vote = services.vote_open(item=_item(meeting), motion="表決條例草案", by=w.clerk)
    assert (vote.body_size, vote.required) == (5, 3)
    services.ballot_cast(vote=vote, person=P(w.director), option="yes", by=w.clerk)
    services.ballot_cast(vote=vote, person=a, option="yes", by=w.clerk)
    services.ballot_cast(vote=vote, person=b, option="no", by=w.clerk)
    vote = services.vote_close(vote=vote, by=w.clerk)
    assert vote.result == Vote.Result.FAIL
    assert (vote.yes, vote.no, vote.abstain, vote.not_voting, vote.absent) == (2, 1, 0, 0, 2)
    assert vote.present == 3
    assert sorted(vote.present_person_ids) == sorted([PID(w.director), a.pk, b.pk])
    assert vote.threshold_rule == "more_than_half_of_all_members"
    assert vote.ballots.get(person=c).option == Ballot.Option.ABSENT
    # checking in after the close changes nothing that was frozen
    _present(meeting, [c])
    vote.refresh_from_db()
    assert vote.present == 3


def test_a_named_vote_passes_with_more_than_half_of_all(meeting: Meeting):
    w, (a, b, _c) = meeting.world, meeting.extra
    _present(meeting, [P(w.director), P(w.member), a, b])
    vote = services.vote_open(item=_item(meeting), motion="表決", by=w.clerk)
    for person in (P(w.director), a, b):
        services.ballot_cast(vote=vote, person=person, option="yes", by=w.clerk)
    vote = services.vote_close(vote=vote, by=w.clerk)
    assert vote.result == Vote.Result.PASS
    assert vote.not_voting == 1  # the member was present and did not press
    assert vote.agenda_item.state == AgendaItem.State.DECIDED or (
        AgendaItem.objects.get(pk=vote.agenda_item_id).state == AgendaItem.State.DECIDED
    )


def test_bad_ballots_are_refused(meeting: Meeting):
    w, (a, _b, c) = meeting.world, meeting.extra
    _present(meeting, [P(w.director), a, meeting.head])
    vote = services.vote_open(item=_item(meeting), motion="表決", by=w.clerk)
    services.ballot_cast(vote=vote, person=a, option="yes", by=w.clerk)
    cases = [
        (a, "yes", "already_voted"),
        (c, "yes", "not_present"),
        (meeting.head, "yes", "not_voting_member"),
        (P(w.deputy), "yes", "not_on_roster"),
    ]
    for person, option, code in cases:
        with pytest.raises(BusinessError) as err:
            services.ballot_cast(vote=vote, person=person, option=option, by=w.clerk)
        assert err.value.code == code
    with pytest.raises(BusinessError):
        services.ballot_cast(vote=vote, person=P(w.director), option="absent", by=w.clerk)
    assert vote.ballots.count() == 1


def test_a_vote_without_quorum_cannot_close(meeting: Meeting):
    w = meeting.world
    _present(meeting, [P(w.director), P(w.member)])
    vote = services.vote_open(item=_item(meeting), motion="表決", by=w.clerk)
    with pytest.raises(BusinessError) as err:
        services.vote_close(vote=vote, by=w.clerk)
    assert err.value.code == "no_quorum"
    vote.refresh_from_db()
    assert vote.closed_at is None and vote.result == ""


def test_a_vote_by_counts(meeting: Meeting):
    w, (a, b, c) = meeting.world, meeting.extra
    _present(meeting, [P(w.director), a, b, c])
    vote = services.vote_open(item=_item(meeting), motion="表決", mode="counts", by=w.clerk)
    with pytest.raises(BusinessError) as err:
        services.vote_close(vote=vote, by=w.clerk, counts=Counts(yes=4, no=1, abstain=0))
    assert err.value.code == "too_many_votes"
    with pytest.raises(BusinessError):
        services.ballot_cast(vote=vote, person=a, option="yes", by=w.clerk)
    vote = services.vote_close(vote=vote, by=w.clerk, counts=Counts(yes=3, no=0, abstain=1))
    assert (vote.result, vote.present, vote.not_voting, vote.absent) == ("pass", 4, 0, 1)


def test_an_item_with_votes_is_withdrawn_not_deleted(meeting: Meeting):
    w = meeting.world
    item = _item(meeting)
    _present(meeting, [P(w.director)])
    services.vote_open(item=item, motion="表決", by=w.clerk)
    with pytest.raises(BusinessError) as err:
        services.agenda_item_delete(item=item, by=w.clerk)
    assert err.value.code == "has_votes"
    with pytest.raises(BusinessError):
        services.agenda_item_withdraw(item=item, reason="提請撤回", by=w.clerk)  # vote open
    spare = _item(meeting)
    services.agenda_item_delete(item=spare, by=w.clerk)
    assert not AgendaItem.objects.filter(pk=spare.pk).exists()
    assert AgendaItem.all_objects.filter(pk=spare.pk).exists()


def test_clone_keeps_the_agenda_and_rebuilds_the_roster(meeting: Meeting):
    w = meeting.world
    item = _item(meeting)
    services.agenda_item_add(gathering=meeting.gathering, title="撤回的議題", by=w.clerk)
    services.agenda_item_withdraw(
        item=meeting.gathering.agenda_items.get(title="撤回的議題"), reason="撤回", by=w.clerk
    )
    services.roster_add(
        gathering=meeting.gathering, person=P(w.deputy), capacity="invited_deputy", by=w.clerk
    )
    clone = services.gathering_clone(
        source=meeting.gathering,
        starts_at=STARTS + dt.timedelta(days=60),
        ends_at=STARTS + dt.timedelta(days=60, hours=3),
        title="第十六屆常委會第三十一次會議",
        by=w.clerk,
    )
    assert clone.status == Gathering.Status.DRAFT and clone.cloned_from == meeting.gathering
    assert list(clone.agenda_items.values_list("title", flat=True)) == [item.title]
    assert clone.roster.count() == 7
    assert clone.sitting == (meeting.gathering.sitting or 0) + 1


def test_checklist_from_the_template_with_working_days(meeting: Meeting):
    w = meeting.world
    with translation.override("en"):
        tasks = services.checklist_generate(gathering=meeting.gathering, by=w.clerk)
    assert len(tasks) == 9
    by_offset = {t.offset_days: t for t in tasks}
    # 18 Dec 2026 is a Friday; 7 working days before is Wednesday 9 December
    assert by_offset[-7].due_on == dt.date(2026, 12, 9)
    assert by_offset[-1].due_on == dt.date(2026, 12, 17)
    assert by_offset[5].due_on == dt.date(2026, 12, 25)
    assert "working days" in by_offset[-7].rule
    with pytest.raises(BusinessError):
        services.checklist_generate(gathering=meeting.gathering, by=w.clerk)
    done = services.checklist_task_done(task=tasks[0], by=w.clerk)
    assert done.done_at is not None and done.done_by == w.clerk


def test_calendar_days_before_the_meeting_move_earlier_not_later():
    # 2026-10-01..08 are National Day holidays; 10 days before 2026-10-10 is 30 September
    day, _ = services.due_date(dt.date(2026, 10, 12), -4, False)
    assert day == dt.date(2026, 10, 8) or day < dt.date(2026, 10, 8)
    day, _rule = services.due_date(dt.date(2026, 10, 5), 1, False)
    assert day.weekday() < 5
