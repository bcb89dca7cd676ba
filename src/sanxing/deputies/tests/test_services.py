"""The rotation's story: a fair proposal with its reasons, the office confirms, deputies
answer, a decline makes room for the next in rotation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from sanxing.core.errors import BusinessError
from sanxing.deputies import selectors, services
from sanxing.deputies.models import Invitation, Rotation
from sanxing.gatherings import services as gs
from sanxing.gatherings.models import RosterEntry
from sanxing.notify.models import Notice

from .conftest import STARTS, P, Setup

pytestmark = pytest.mark.django_db


def ids(candidates) -> list[int]:
    return [c.person_id for c in candidates]


def test_the_proposal_puts_those_not_yet_attended_first_and_leaves_committee_members_out(
    setup: Setup,
):
    prop = selectors.proposal(setup.meeting, seats=8)
    chosen = ids(prop.chosen)
    assert len(chosen) == 8
    assert prop.eligible == 12
    assert setup.member_deputy.pk not in chosen + ids(prop.alternatives)
    # the two who attended the earlier meeting come last
    assert not set(chosen) & {p.pk for p in setup.attended}
    assert ids(prop.alternatives)[-2:] and set(ids(prop.alternatives)[-2:]) == {
        p.pk for p in setup.attended
    }


def test_the_proposal_spreads_across_delegations_and_explains_each_choice(setup: Setup):
    with translation.override("en"):
        prop = selectors.proposal(setup.meeting, seats=3)
    assert len({c.delegation for c in prop.chosen}) == 3
    for c in prop.chosen:
        assert c.reasons[0] == "not yet invited this term"
        assert c.reasons[1] == f"first from {c.delegation} in this list"


def test_the_default_number_of_places_is_a_setting(setup: Setup, settings):
    assert selectors.proposal(setup.meeting).seats == 8
    settings.DEPUTIES_ROTATION_SEATS = 5
    assert len(selectors.proposal(setup.meeting).chosen) == 5


def test_deputies_on_leave_or_taken_out_are_not_proposed(setup: Setup):
    w = setup.world
    first = setup.deputies[3]
    gs.roster_add(gathering=setup.meeting, person=first, capacity="invited_deputy", by=w.clerk)
    gs.leave_request(gathering=setup.meeting, person=first, reason="出差", by=w.clerk)
    out = setup.deputies[4]
    prop = selectors.proposal(setup.meeting, seats=20, exclude=[out.pk])
    assert first.pk not in ids(prop.chosen) and out.pk not in ids(prop.chosen)
    assert set(prop.left_out) == {first.pk, out.pk}


def test_confirming_invites_each_deputy_on_the_roster_and_sends_a_notice(setup: Setup):
    w = setup.world
    prop = selectors.proposal(setup.meeting, seats=4)
    chosen = ids(prop.chosen)
    swapped_in = setup.attended[0].pk
    final = [*chosen[:3], swapped_in]
    rotation = services.rotation_confirm(
        gathering=setup.meeting, person_ids=final, seats=4, proposed_ids=chosen, by=w.clerk
    )
    entries = RosterEntry.objects.filter(gathering=setup.meeting, person_id__in=final)
    assert {e.capacity for e in entries} == {"invited_deputy"}
    assert entries.count() == 4
    invitations = {i.person_id: i for i in rotation.invitations.all()}
    assert invitations[swapped_in].chosen_by_office is True
    assert invitations[swapped_in].prior_attendances == 1
    assert not invitations[chosen[0]].chosen_by_office
    assert rotation.history.first().history_user == w.clerk
    assert invitations[chosen[0]].history.first().history_user == w.clerk


def test_the_world_deputy_is_told_of_the_invitation(setup: Setup):
    w = setup.world
    services.rotation_confirm(
        gathering=setup.meeting, person_ids=[P(w.deputy).pk], seats=8, by=w.clerk
    )
    notice = Notice.objects.get(recipient=w.deputy, kind="deputies_invitation")
    inv = Invitation.objects.get(person=P(w.deputy))
    assert notice.url == f"/deputies/invitations/{inv.pk}/"


def test_the_answer_is_due_in_three_working_days_or_the_day_before_the_meeting(setup: Setup):
    w = setup.world
    with translation.override("en"):
        rotation = services.rotation_confirm(
            gathering=setup.meeting,
            person_ids=[setup.deputies[0].pk],
            seats=8,
            by=w.clerk,
            now=dt.datetime(2026, 11, 27, 10, tzinfo=STARTS.tzinfo),  # a Friday
        )
    inv = rotation.invitations.get()
    assert inv.answer_by == dt.date(2026, 12, 2)  # Mon, Tue, Wed
    assert "working days" in inv.answer_rule
    day, rule = services.answer_deadline(dt.date(2026, 12, 16), dt.date(2026, 12, 18))
    assert day == dt.date(2026, 12, 17)
    assert rule


def test_a_second_confirmation_is_refused_and_names_who_confirmed(setup: Setup):
    w = setup.world
    services.rotation_confirm(
        gathering=setup.meeting, person_ids=[setup.deputies[0].pk], seats=8, by=w.clerk
    )
    with translation.override("en"), pytest.raises(BusinessError) as exc:
        services.rotation_confirm(
            gathering=setup.meeting, person_ids=[setup.deputies[1].pk], seats=8, by=w.admin
        )
    assert exc.value.code == "already_confirmed"
    assert "王秘書" in exc.value.message
    assert Rotation.objects.count() == 1
    assert Invitation.objects.count() == 1


@pytest.mark.parametrize("who", ["member_deputy", "clerk", "too_many"])
def test_bad_choices_are_refused_and_nothing_is_written(setup: Setup, who: str):
    w = setup.world
    person_ids = {
        "member_deputy": [setup.member_deputy.pk],
        "clerk": [P(w.clerk).pk],
        "too_many": [p.pk for p in setup.deputies[:3]],
    }[who]
    with pytest.raises(BusinessError):
        services.rotation_confirm(
            gathering=setup.meeting, person_ids=person_ids, seats=2, by=w.clerk
        )
    assert Rotation.objects.count() == 0
    assert RosterEntry.objects.filter(gathering=setup.meeting).count() == 0


def test_accept_decline_and_the_next_in_rotation(setup: Setup):
    w = setup.world
    chosen = ids(selectors.proposal(setup.meeting, seats=2).chosen)
    rotation = services.rotation_confirm(
        gathering=setup.meeting, person_ids=chosen, seats=2, by=w.clerk
    )
    first, second = rotation.invitations.order_by("pk")
    services.invitation_respond(invitation=first, accept=True, by=w.clerk)
    first.refresh_from_db()
    assert first.status == "accepted" and first.responded_at is not None
    with pytest.raises(BusinessError):
        services.invitation_respond(invitation=first, accept=False, by=w.clerk)
    services.invitation_respond(invitation=second, accept=False, reason="外出考察", by=w.clerk)
    second.refresh_from_db()
    assert second.status == "declined" and second.decline_reason == "外出考察"
    assert not RosterEntry.objects.filter(
        gathering=setup.meeting, person_id=second.person_id
    ).exists()
    assert Notice.objects.filter(recipient=w.clerk, kind="deputies_declined").exists()
    # the decliner is not proposed again for this meeting
    assert second.person_id in selectors.proposal(setup.meeting).left_out
    nxt = services.rotation_invite_next(rotation=rotation, by=w.clerk)
    assert nxt.person_id not in chosen
    assert nxt.replaces == second
    assert RosterEntry.objects.filter(gathering=setup.meeting, person_id=nxt.person_id).exists()
    with pytest.raises(BusinessError) as exc:
        services.rotation_invite_next(rotation=rotation, by=w.clerk)
    assert exc.value.code == "full"


def test_no_answers_after_the_meeting_starts(setup: Setup):
    w = setup.world
    rotation = services.rotation_confirm(
        gathering=setup.meeting, person_ids=[setup.deputies[0].pk], seats=8, by=w.clerk
    )
    inv = rotation.invitations.get()
    with pytest.raises(BusinessError) as exc:
        services.invitation_respond(
            invitation=inv, accept=True, by=w.deputy, now=STARTS + dt.timedelta(minutes=1)
        )
    assert exc.value.code == "too_late"


def test_coverage_counts_attendances_and_leaves_committee_members_out(setup: Setup):
    cov = selectors.coverage(setup.world.term)
    assert cov.total == 12
    assert cov.attended == 2
    assert cov.percent == round(200 / 12)
    assert setup.member_deputy.pk not in {r.person_id for r in cov.rows}
    west = selectors.coverage(setup.world.term, delegation_id=setup.delegations[1].pk)
    assert {r.delegation for r in west.rows} == {"西城區代表團"}
