"""The casework engine's steps, told as the office's story: a clerk registers and assigns a
suggestion, the unit's handler replies, the deputy evaluates."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from sanxing.casework import kinds, services
from sanxing.casework.kinds import Kind, Purpose
from sanxing.casework.models import Assignment, Clock, Item, TimelineEvent, Transition
from sanxing.casework.tests.factories import assigned_suggestion, registered_suggestion
from sanxing.core.errors import BusinessError, NotPermitted

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def test_workflow_is_seeded_as_data_and_numbers_are_per_kind_and_year(world):
    first = registered_suggestion(world, on=dt.date(2026, 1, 15))
    second = registered_suggestion(world, on=dt.date(2026, 1, 16), title="第二件")
    assert (first.number, second.number) == (1, 2)
    assert first.reference == "JY2026-0001"
    assert Transition.objects.filter(workflow__kind=Kind.SUGGESTION).count() == len(
        kinds.SPECS[Kind.SUGGESTION].transitions
    )
    actions = list(TimelineEvent.objects.filter(item=first).values_list("action", flat=True))
    assert actions == ["submit", "register"]


def test_an_administrator_can_remove_a_transition_and_the_step_is_refused(world):
    item = registered_suggestion(world, on=dt.date(2026, 1, 15))
    Transition.objects.filter(workflow__kind=Kind.SUGGESTION, action="assign").delete()
    with pytest.raises(BusinessError):
        services.item_assign(
            item=item, lead_unit=world.unit, by=world.clerk, on=dt.date(2026, 1, 15)
        )
    assert not Assignment.objects.exists()


def test_assigning_starts_the_clocks_of_rules_section_2(world):
    item = registered_suggestion(world, on=dt.date(2026, 1, 15))
    lead, co = services.item_assign(
        item=item,
        lead_unit=world.unit,
        co_units=[world.other_unit],
        by=world.clerk,
        on=dt.date(2026, 1, 15),
    )
    clocks = {(c.purpose, c.assignment_id): c for c in Clock.objects.filter(item=item)}
    reply = clocks[(Purpose.REPLY, lead.pk)]
    assert reply.due_on == dt.date(2026, 4, 15)  # 3 months, a working day
    assert reply.rule_code == "suggestion.reply" and "第五十一条" in reply.article
    # 15 February 2026 falls in the Spring Festival holiday (15–23): the 24th.
    assert clocks[(Purpose.CO_OPINION, co.pk)].due_on == dt.date(2026, 2, 24)
    # 5 working days from Thursday 15 January 2026: 16, 19, 20, 21, 22.
    assert clocks[(Purpose.RETURN_WINDOW, lead.pk)].due_on == dt.date(2026, 1, 22)
    item.refresh_from_db()
    assert item.state == kinds.ASSIGNED


def test_a_hard_item_gets_six_months(world):
    item = registered_suggestion(world, on=dt.date(2026, 1, 15))
    services.item_assign(
        item=item, lead_unit=world.unit, by=world.clerk, on=dt.date(2026, 1, 15), is_hard=True
    )
    reply = Clock.objects.get(item=item, purpose=Purpose.REPLY)
    assert reply.due_on == dt.date(2026, 7, 15)
    assert reply.rule_code == "suggestion.reply_hard"


def test_assignment_before_registration_is_refused_and_nothing_is_written(world):
    item = registered_suggestion(world, on=dt.date(2026, 3, 1))
    with pytest.raises(BusinessError) as err:
        services.item_assign(
            item=item, lead_unit=world.unit, by=world.clerk, on=dt.date(2026, 2, 1)
        )
    assert err.value.field == "on"
    assert not Assignment.objects.exists() and not Clock.objects.exists()


def test_only_the_office_assigns(world):
    item = registered_suggestion(world, on=dt.date(2026, 3, 2))
    for user in (world.handler, world.deputy, world.outsider):
        with pytest.raises(NotPermitted):
            services.item_assign(item=item, lead_unit=world.unit, by=user)


def test_lead_unit_cannot_be_co_unit_and_not_twice(world):
    item = registered_suggestion(world, on=dt.date(2026, 3, 2))
    with pytest.raises(BusinessError):
        services.item_assign(item=item, lead_unit=world.unit, co_units=[world.unit], by=world.clerk)
    with pytest.raises(BusinessError):  # a delegation is not a handling unit
        services.item_assign(item=item, lead_unit=world.delegation, by=world.clerk)
    services.item_assign(item=item, lead_unit=world.unit, by=world.clerk)
    with pytest.raises(BusinessError):  # already has a lead unit
        services.item_assign(item=item, lead_unit=world.other_unit, by=world.clerk)


def test_the_full_story_reply_unsatisfied_rehandle_and_close(world):
    item, lead = assigned_suggestion(world, on=dt.date(2026, 3, 2))
    services.assignment_accept(assignment=lead, by=world.handler, on=dt.date(2026, 3, 3))
    services.contact_record(
        assignment=lead, contacted_on=dt.date(2026, 3, 10), method="phone", by=world.handler
    )
    with pytest.raises(NotPermitted):  # another unit's handler
        services.reply_submit(
            assignment=lead, text="答復", reply_class="A", signed_by="局長", by=world.other_handler
        )
    with pytest.raises(BusinessError) as err:
        services.reply_submit(assignment=lead, text="答復", signed_by="局長", by=world.handler)
    assert err.value.field == "reply_class"
    services.reply_submit(
        assignment=lead,
        text="已增加學位500個。",
        reply_class="A",
        signed_by="王局長",
        sent_on=dt.date(2026, 4, 1),
        by=world.handler,
    )
    item.refresh_from_db()
    assert item.state == kinds.REPLIED
    reply_clock = Clock.objects.get(item=item, purpose=Purpose.REPLY)
    assert reply_clock.stopped_on == dt.date(2026, 4, 1) and reply_clock.elapsed_days == 30
    assert Clock.objects.get(item=item, purpose=Purpose.EVALUATION_FORM).stopped_on is None

    with pytest.raises(NotPermitted):
        services.evaluation_submit(item=item, value="satisfied", by=world.clerk)
    with pytest.raises(BusinessError) as err:
        services.evaluation_submit(item=item, value="unsatisfied", by=world.deputy)
    assert err.value.field == "comment"
    services.evaluation_submit(
        item=item,
        value="unsatisfied",
        comment="學位仍不夠",
        by=world.deputy,
        on=dt.date(2026, 4, 10),
    )
    item.refresh_from_db()
    assert (item.state, item.round) == (kinds.REHANDLING, 2)
    rehandle = Clock.objects.get(item=item, purpose=Purpose.REHANDLE)
    assert rehandle.due_on == dt.date(2026, 5, 11)  # 10 May is a Sunday
    services.reply_submit(
        assignment=lead,
        text="再增加學位。",
        reply_class="B",
        committed_on=dt.date(2026, 9, 1),
        signed_by="王局長",
        sent_on=dt.date(2026, 5, 6),
        by=world.handler,
    )
    services.evaluation_submit(
        item=item, value="basically_satisfied", by=world.deputy, on=dt.date(2026, 5, 8)
    )
    item.refresh_from_db()
    assert item.state == kinds.CLOSED and item.closed_on == dt.date(2026, 5, 8)
    assert Clock.objects.get(item=item, purpose=Purpose.COMMITMENT).due_on == dt.date(2026, 9, 1)
    with pytest.raises(BusinessError):
        services.evaluation_submit(item=item, value="satisfied", by=world.deputy)


def test_unit_asks_to_return_within_its_window_and_office_reassigns(world):
    item, lead = assigned_suggestion(world, on=dt.date(2026, 3, 2))
    services.assignment_request_return(
        assignment=lead, reason="不屬本單位職責", by=world.handler, on=dt.date(2026, 3, 4)
    )
    with pytest.raises(BusinessError):
        services.reply_submit(
            assignment=lead, text="x", reply_class="A", signed_by="x", by=world.handler
        )
    services.assignment_decide_return(assignment=lead, approve=True, by=world.clerk)
    lead.refresh_from_db()
    assert lead.withdrawn_on is not None
    assert not Clock.objects.filter(assignment=lead, stopped_on__isnull=True).exists()
    (new,) = services.item_assign(item=item, lead_unit=world.other_unit, by=world.clerk)
    assert new.role == Assignment.Role.LEAD


def test_return_after_the_window_is_refused(world):
    _item, lead = assigned_suggestion(world, on=dt.date(2026, 3, 2))
    with pytest.raises(BusinessError) as err:
        services.assignment_request_return(
            assignment=lead, reason="不屬本單位", by=world.handler, on=dt.date(2026, 3, 20)
        )
    assert err.value.code == "window_closed"


def test_returning_an_item_to_the_deputy_needs_a_reason(world):
    item = services.item_submit(
        congress=world.congress,
        kind=Kind.SUGGESTION,
        title="建議",
        content="",
        deputies=[world.deputy.person],
        by=world.deputy,
    )
    with pytest.raises(BusinessError):
        services.item_return_to_originator(item=item, reason=" ", by=world.clerk)
    services.item_return_to_originator(item=item, reason="屬於個人訴求", by=world.clerk)
    item.refresh_from_db()
    assert item.state == kinds.RETURNED and item.number is None


def test_a_stale_edit_is_refused(world):
    item = services.item_submit(
        congress=world.congress,
        kind=Kind.SUGGESTION,
        title="建議",
        content="",
        deputies=[world.deputy.person],
        by=world.clerk,
    )
    old_version = item.version
    services.item_register(item=item, by=world.clerk, version=old_version)
    with pytest.raises(BusinessError) as err:
        services.item_return_to_originator(
            item=item, reason="x", by=world.clerk, version=old_version
        )
    assert err.value.code == "stale"


def test_key_supervision_needs_a_leader(world):
    item = registered_suggestion(world, on=dt.date(2026, 3, 2))
    with pytest.raises(BusinessError):
        services.item_mark_key_supervised(item=item, leader=world.member.person, by=world.clerk)
    services.item_mark_key_supervised(item=item, leader=world.director.person, by=world.clerk)
    services.supervision_log_add(item=item, method="phone", note="電話催辦", by=world.clerk)
    item.refresh_from_db()
    assert item.is_key_supervised and item.supervising_leader == world.director.person


def test_letter_journey_with_extension_and_review(world):
    letter = services.letter_receive(
        congress=world.congress,
        channel="letter",
        petitioner_name="張三",
        petitioner_phone="13700000000",
        title="小區漏水",
        content="……",
        received_on=dt.date(2025, 9, 26),
        by=world.clerk,
    )
    assert letter.tracking_code is not None and len(letter.tracking_code) == 12
    register = Clock.objects.get(item=letter, purpose=Purpose.REGISTER)
    assert register.due_on == dt.date(2025, 10, 11)  # RULES §1 example: make-up Saturday
    services.letter_accept(item=letter, by=world.clerk, on=dt.date(2026, 4, 30))
    handle = Clock.objects.get(item=letter, purpose=Purpose.HANDLE)
    assert handle.due_on == dt.date(2026, 6, 29)  # 60 days: 29 June is a Monday
    with pytest.raises(BusinessError):
        services.letter_extend(
            item=letter, days=31, reason="需要調查", approved_by=world.clerk, by=world.clerk
        )
    services.letter_extend(
        item=letter, days=30, reason="需要調查", approved_by=world.clerk, by=world.clerk
    )
    handle.refresh_from_db()
    assert handle.extended_days == 30 and handle.due_on == dt.date(2026, 7, 29)
    with pytest.raises(BusinessError):
        services.letter_extend(
            item=letter, days=1, reason="再延", approved_by=world.clerk, by=world.clerk
        )
    services.letter_answer(
        item=letter,
        outcome="explain",
        text="已說明",
        signed_by="信訪室",
        by=world.clerk,
        sent_on=dt.date(2026, 5, 20),
    )
    services.letter_request_review(
        item=letter, reason="不服", by=world.clerk, on=dt.date(2026, 5, 25)
    )
    services.letter_review_decide(
        item=letter,
        outcome="support",
        text="支持",
        signed_by="信訪室",
        by=world.clerk,
        sent_on=dt.date(2026, 5, 30),
    )
    letter.refresh_from_db()
    assert letter.state == kinds.REVIEWED  # the writer may still ask for a re-review


def test_a_repeat_letter_links_to_the_open_one(world):
    def receive():
        return services.letter_receive(
            congress=world.congress,
            channel="visit",
            petitioner_name="李四",
            petitioner_phone="13700000001",
            title="拖欠工資",
            content="",
            by=world.clerk,
        )

    first, second = receive(), receive()
    assert second.related_item == first and second.tracking_code != first.tracking_code


def test_calendar_change_recomputes_open_clocks(world):
    from sanxing.workcal.periods import WorkingCalendar

    item, _lead = assigned_suggestion(world, on=dt.date(2026, 1, 15))
    reply = Clock.objects.get(item=item, purpose=Purpose.REPLY)
    assert reply.due_on == dt.date(2026, 4, 15)
    base = WorkingCalendar.from_chinesecalendar()
    changed = WorkingCalendar(
        official=base.official,
        overrides={dt.date(2026, 4, 15): ("holiday", "水災")},
        loaded_years=base.loaded_years,
    )
    n = services.recompute_open_clocks(
        start=dt.date(2026, 4, 15),
        end=dt.date(2026, 4, 15),
        reason="override added",
        calendar=changed,
    )
    reply.refresh_from_db()
    assert n >= 1 and reply.due_on == dt.date(2026, 4, 16)
    assert TimelineEvent.objects.filter(item=item, action="recompute").exists()


def test_nothing_half_written_when_a_unit_is_of_another_kind(world):
    item = registered_suggestion(world, on=dt.date(2026, 3, 2))
    with pytest.raises(BusinessError):
        services.item_assign(
            item=item, lead_unit=world.unit, co_units=[world.delegation], by=world.clerk
        )
    assert Item.objects.get(pk=item.pk).state == kinds.REGISTERED
    assert not Assignment.objects.exists()


def test_an_office_correction_to_the_calendar_moves_open_deadlines(world):
    from sanxing.workcal.services import calendar_override_add

    item, _lead = assigned_suggestion(world, on=dt.date(2026, 1, 15))
    reply = Clock.objects.get(item=item, purpose=Purpose.REPLY)
    assert reply.due_on == dt.date(2026, 4, 15)
    calendar_override_add(date=dt.date(2026, 4, 15), kind="holiday", reason="防汛", by=world.admin)
    reply.refresh_from_db()
    assert reply.due_on == dt.date(2026, 4, 16)
    assert TimelineEvent.objects.filter(item=item, action="recompute").count() == 1


def test_a_motion_needs_ten_deputies_and_can_become_a_suggestion(world, settings):
    from sanxing.people.models import Person

    def motion(deputies):
        return services.item_submit(
            congress=world.congress,
            kind=Kind.MOTION,
            title="關於制定養老服務條例的議案",
            content="",
            deputies=deputies,
            by=world.clerk,
        )

    nine = [world.deputy.person] + [
        Person.objects.create(congress=world.congress, name=f"代表{n}") for n in range(8)
    ]
    with pytest.raises(BusinessError) as err:
        motion(nine)
    assert err.value.field == "deputies"
    ten = [*nine, world.member.person]
    item = motion(ten)
    with pytest.raises(BusinessError):  # a motion is decided, not assigned
        services.item_assign(item=item, lead_unit=world.unit, by=world.clerk)
    services.motion_decide(motion=item, decision="convert", by=world.clerk)
    item.refresh_from_db()
    assert item.state == kinds.CONVERTED
    suggestion = Item.objects.get(related_item=item)
    assert suggestion.kind == Kind.SUGGESTION and suggestion.state == kinds.REGISTERED
    assert suggestion.originators.count() == 10
    assert suggestion.originators.get(is_lead=True).person == world.deputy.person
    services.item_assign(item=suggestion, lead_unit=world.unit, by=world.clerk)
    settings.CASEWORK_MOTION_MIN_DEPUTIES = 5
    assert motion(nine[:5]).state == kinds.SUBMITTED


def test_a_class_b_commitment_is_tracked_to_its_promised_date(world):
    item, lead = assigned_suggestion(world, on=dt.date(2026, 3, 2))
    services.reply_submit(
        assignment=lead,
        text="列入明年計劃",
        reply_class="B",
        committed_on=dt.date(2026, 5, 20),
        signed_by="局長",
        sent_on=dt.date(2026, 4, 1),
        by=world.handler,
    )
    commitment = Clock.objects.get(item=item, purpose=Purpose.COMMITMENT)
    assert commitment.rule_code == "suggestion.commitment" and commitment.is_overdue()
    with pytest.raises(NotPermitted):
        services.commitment_report(assignment=lead, note="已完成", by=world.other_handler)
    services.commitment_report(assignment=lead, note="已建成並投入使用", by=world.handler)
    commitment.refresh_from_db()
    assert (
        commitment.stopped_on == dt.date(2026, 6, 1) and commitment.stopped_on > commitment.due_on
    )
    with pytest.raises(BusinessError):
        services.commitment_report(assignment=lead, note="再報", by=world.handler)


def test_a_letter_forwarded_to_a_unit_gets_its_report_then_the_office_answers(world):
    letter = services.letter_receive(
        congress=world.congress,
        channel="letter",
        petitioner_name="錢七",
        title="學位不足",
        content="",
        received_on=dt.date(2026, 5, 4),
        by=world.clerk,
    )
    services.letter_accept(item=letter, by=world.clerk, on=dt.date(2026, 5, 6))
    (lead,) = services.item_assign(
        item=letter, lead_unit=world.unit, by=world.clerk, on=dt.date(2026, 5, 7)
    )
    services.reply_submit(
        assignment=lead,
        text="經核實，已協調入學。",
        reply_class="support",
        signed_by="局長",
        sent_on=dt.date(2026, 5, 20),
        by=world.handler,
    )
    letter.refresh_from_db()
    assert letter.state == kinds.ACCEPTED
    services.letter_answer(
        item=letter,
        outcome="support",
        text="已協調入學",
        signed_by="信訪室",
        by=world.clerk,
        sent_on=dt.date(2026, 5, 21),
    )
    letter.refresh_from_db()
    assert letter.state == kinds.ANSWERED


def test_a_review_opinion_handed_off_by_a_meeting_is_assigned_with_its_clock(world):
    from sanxing.gatherings.handoff import ReviewOpinion, _sinks

    assert services.review_opinion_receive in _sinks
    opinion = ReviewOpinion(
        congress_id=world.congress.pk,
        gathering_id=1,
        agenda_item_id=42,
        title="對市人民政府關於教育工作情況報告的審議意見",
        content="一、……二、……",
        handling_unit_ids=(world.unit.pk, world.other_unit.pk),
        considered_on=dt.date(2026, 5, 28),
    )
    item = services.review_opinion_receive(opinion, world.clerk)
    assert item.kind == Kind.REVIEW_OPINION and item.state == kinds.ASSIGNED
    assert item.origin_ref == "gatherings.agenda_item:42"
    lead = item.assignments.get(role="lead")
    assert lead.unit == world.unit
    reply = Clock.objects.get(item=item, purpose=Purpose.REPLY)
    assert reply.started_on == dt.date(2026, 6, 1) and reply.due_on == dt.date(2026, 9, 1)
    assert "監督法" in reply.article or "监督法" in reply.article
