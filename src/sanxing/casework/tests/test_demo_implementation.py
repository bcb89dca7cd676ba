"""The demo's implementation items: decisions, resolutions and leaders' instructions with
milestones and progress in every state, and historical rows for what the demo bulk-creates."""

from __future__ import annotations

import datetime as dt

import pytest

from sanxing.casework import implementation
from sanxing.casework.kinds import Kind
from sanxing.casework.models import Assignment, Item, Milestone, ProgressReport


def test_demo_implementation_items_in_every_state(demo):
    from sanxing.casework.demo import IMPLEMENTATION_PER_YEAR

    # the whole demo, built once for the tests that read it (root conftest); the casework
    # builder's own items, not the decisions the meetings' follow-up handed over
    ctx = demo
    today = ctx.today
    items = Item.objects.filter(congress=ctx.congress, kind=Kind.IMPLEMENTATION).exclude(
        origin_ref__startswith="gatherings."
    )
    assert items.count() == IMPLEMENTATION_PER_YEAR == 12
    assert items.filter(title__contains="批示").exists()
    assert (
        items.filter(title__endswith="決議").exists()
        or items.filter(title__endswith="決定").exists()
    )
    calendar = implementation._calendar()
    statuses = set()
    progress = []
    for item in implementation.with_progress(items):
        p = implementation.progress_from(item, today=today, calendar=calendar)
        progress.append(p.percent)
        rows = implementation.milestone_rows(item.milestones.all(), today=today, calendar=calendar)
        statuses |= {r.status for r in rows}
    # done, overdue (late), due (on track / just started)
    assert {implementation.DONE, implementation.OVERDUE} <= statuses
    assert statuses & {implementation.DUE, implementation.DUE_SOON}
    assert 100 in progress and any(0 < p < 100 for p in progress)
    assert any(p == 0 for p in progress) or any(p <= 10 for p in progress)
    # the handler persona's unit leads some of them
    handler_units = set(
        ctx.accounts["handler"]
        .person.roles.filter(kind="handler")
        .values_list("organisation_id", flat=True)
    )
    assert Assignment.objects.filter(
        item__in=items, role=Assignment.Role.LEAD, unit_id__in=handler_units
    ).exists()
    # bulk-created rows have their historical rows, by the clerk
    for model in (Item, Assignment, Milestone, ProgressReport):
        assert model.history.count() >= model.objects.count() > 0
    first = Milestone.history.filter(item_id__in=items.values("pk")).first()
    assert first is not None and first.history_user == ctx.accounts["clerk"]


@pytest.mark.django_db
def test_decisions_handed_off_get_their_first_milestones(world):
    import time_machine

    from sanxing.casework.demo import build_handed_off
    from sanxing.casework.tests.factories import assigned_implementation

    with time_machine.travel(dt.datetime(2026, 3, 10, 2, tzinfo=dt.UTC), tick=False):
        item = assigned_implementation(world, on=dt.date(2026, 3, 2))
        Item.objects.filter(pk=item.pk).update(origin_ref="gatherings.decision:1")

        class Ctx:
            congress = world.congress
            accounts = {"clerk": world.clerk}
            today = dt.date(2026, 3, 10)

        build_handed_off(Ctx())
        build_handed_off(Ctx())  # once only
    assert Milestone.objects.filter(item=item).count() == 3
    assert ProgressReport.objects.get(item=item).percent == 5
