"""A decision or resolution recorded at a meeting becomes an implementation item, registered
and assigned to the units it names, through the real gatherings hand-off."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from sanxing.casework import kinds
from sanxing.casework.models import Assignment, Item
from sanxing.gatherings import followup
from sanxing.gatherings.tests.conftest import meeting  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 12, 21, 2, tzinfo=dt.UTC), tick=False):
        yield


def test_a_recorded_decision_becomes_an_assigned_implementation_item(meeting):  # noqa: F811
    w, g = meeting.world, meeting.gathering
    decision = followup.decision_record(
        gathering=g,
        text="責成市政府三個月內報告落實情況。",
        units=[w.other_unit, w.unit],
        by=w.clerk,
    )
    item = Item.objects.get(origin_ref=f"gatherings.decision:{decision.pk}")
    assert item.kind == kinds.Kind.IMPLEMENTATION and item.state == kinds.ASSIGNED
    assert item.content == "責成市政府三個月內報告落實情況。" and g.title in item.title
    assert item.submitted_on == dt.date(2026, 12, 18) and item.number == 1
    assert item.reference in decision.handed_off_refs
    roles = dict(Assignment.objects.filter(item=item).values_list("unit_id", "role"))
    assert roles == {w.other_unit.pk: "lead", w.unit.pk: "co"}


def test_a_decision_naming_no_unit_is_registered_only(meeting):  # noqa: F811
    w, g = meeting.world, meeting.gathering
    decision = followup.decision_record(
        gathering=g, kind="resolution", text="批准市級決算。", by=w.clerk
    )
    item = Item.objects.get(origin_ref=f"gatherings.decision:{decision.pk}")
    assert item.state == kinds.REGISTERED and not item.assignments.exists()


def test_the_sink_returns_the_same_item_when_handed_the_same_decision_again(meeting):  # noqa: F811
    from sanxing.casework import services
    from sanxing.gatherings.handoff import DecisionForImplementation

    w = meeting.world
    payload = DecisionForImplementation(
        congress_id=w.congress.pk,
        gathering_id=meeting.gathering.pk,
        agenda_item_id=None,
        decision_id=999,
        kind="decision",
        title="決定",
        text="落實。",
        unit_ids=(w.unit.pk,),
        decided_on=dt.date(2027, 1, 5),  # later than today: the item is dated today
    )
    first = services.decision_receive(payload, w.clerk)
    assert first.submitted_on == dt.date(2026, 12, 21)
    assert services.decision_receive(payload, w.clerk) == first
    assert Item.objects.count() == 1
