"""Review opinions leave the meeting through the hand-off interface."""

from __future__ import annotations

import datetime as dt

import pytest

from sanxing.core.errors import BusinessError
from sanxing.gatherings import handoff, services
from sanxing.gatherings.tests.conftest import Meeting

pytestmark = pytest.mark.django_db


def test_review_opinion_goes_to_the_registered_sink(meeting: Meeting, isolated_sinks):
    w = meeting.world
    item = services.agenda_item_add(
        gathering=meeting.gathering, title="聽取和審議義務教育工作情況的報告", by=w.clerk
    )
    received = []

    def sink(opinion: handoff.ReviewOpinion, by):
        received.append((opinion, by))
        return "item-1"

    with pytest.raises(BusinessError) as err:
        handoff.review_opinion_hand_off(
            item=item, title="審議意見", content="…", units=[w.unit], by=w.clerk
        )
    assert err.value.code == "no_sink"
    handoff.register_sink(sink)
    try:
        with pytest.raises(BusinessError) as err:
            handoff.review_opinion_hand_off(
                item=item, title="審議意見", content="…", units=[], by=w.clerk
            )
        assert err.value.field == "units"
        result = handoff.review_opinion_hand_off(
            item=item,
            title="關於義務教育工作情況報告的審議意見",
            content="一、進一步推進義務教育優質均衡發展……",
            units=[w.government, w.unit],
            by=w.clerk,
        )
    finally:
        handoff.unregister_sink(sink)
    assert result == ["item-1"]
    opinion, by = received[0]
    assert by == w.clerk
    assert opinion.agenda_item_id == item.pk and opinion.gathering_id == meeting.gathering.pk
    assert opinion.handling_unit_ids == (w.government.pk, w.unit.pk)
    assert opinion.considered_on == dt.date(2026, 12, 18)
