"""The demo congress: two review opinions put to a satisfaction vote, one satisfied, one not."""

from __future__ import annotations

from sanxing.casework import kinds
from sanxing.casework.kinds import Purpose
from sanxing.casework.models import Clock
from sanxing.casework.satisfaction import SatisfactionVote
from sanxing.gatherings.models import AgendaItem


def test_the_demo_has_one_satisfied_and_one_unsatisfied_vote(demo):
    # the whole demo, built once (at 2026-11-28 10:00 Beijing) for the tests that read it
    rows = list(SatisfactionVote.objects.select_related("item").order_by("pk"))
    assert [r.result for r in rows] == ["satisfied", "unsatisfied"]
    satisfied, unsatisfied = rows
    assert satisfied.item.state == kinds.CLOSED
    assert (unsatisfied.item.state, unsatisfied.item.round) == (kinds.REHANDLING, 2)
    assert Clock.objects.filter(
        item=unsatisfied.item, purpose=Purpose.REHANDLE, stopped_on__isnull=True
    ).exists()
    for row in rows:
        assert row.vote_id and row.body_size and row.threshold
        agenda = AgendaItem.objects.get(pk=row.agenda_item_id)
        assert agenda.subject_ref == f"casework.item:{row.item_id}"
