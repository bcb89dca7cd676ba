"""The demo year of casework: about 900 suggestions in every state, and letters."""

from __future__ import annotations

import datetime as dt

from sanxing.casework import kinds, selectors
from sanxing.casework.kinds import Kind
from sanxing.casework.models import Clock, Evaluation, Item


def test_demo_builds_a_believable_year(demo):
    # the whole demo, built once for the tests that read it (root conftest)
    ctx = demo
    today = ctx.today
    suggestions = Item.objects.filter(congress=ctx.congress, kind=Kind.SUGGESTION)
    assert 800 <= suggestions.count() <= 950
    assert Item.objects.filter(kind=Kind.MOTION).count() == 40
    # the casework builder's thirty, beside the meetings' own (follow-up, satisfaction votes)
    from sanxing.casework.satisfaction import SatisfactionVote

    opinions = Item.objects.filter(kind=Kind.REVIEW_OPINION)
    voted = SatisfactionVote.objects.values("item_id")
    built = opinions.exclude(origin_ref__startswith="gatherings.").exclude(pk__in=voted)
    assert built.count() == 30
    assert opinions.count() == 30 + 1 + 2
    assert suggestions.filter(related_item__kind=Kind.MOTION).exists()
    states = set(suggestions.values_list("state", flat=True))
    assert {kinds.ASSIGNED, kinds.REPLIED, kinds.CLOSED, kinds.REHANDLING} <= states
    assert Evaluation.objects.filter(value="unsatisfied").exists()
    assert Clock.objects.filter(stopped_on__isnull=True, due_on__lt=today).exists()
    assert Item.objects.filter(kind=Kind.LETTER).count() >= 250
    # The demo deputy and handler personas have something to do.
    deputy = ctx.accounts["deputy"].person
    assert suggestions.filter(originators__person=deputy).exists()
    rows = selectors.rates(
        selectors.RateQuery(
            congress_id=ctx.congress.pk,
            kind=Kind.SUGGESTION,
            date_from=dt.date(2026, 1, 1),
            date_to=dt.date(2026, 12, 31),
            as_of=today,
        )
    )
    total = rows[-1]
    assert total.counts["assigned"] > 800
    assert 0.5 < (total.on_time_rate or 0) < 1
    assert total.counts["open_overdue"] > 0 and total.counts["unsatisfied"] > 0
    # The director's published mailbox, and one unit (the handler's) whose replies wait for
    # its head's approval.
    from sanxing.casework.models import Mailbox, TimelineEvent, UnitSetting

    director = ctx.accounts["director"].person
    assert Mailbox.objects.get(congress=ctx.congress, owner=director).active
    handler_units = set(
        ctx.accounts["handler"]
        .person.roles.filter(kind="handler")
        .values_list("organisation_id", flat=True)
    )
    approving = UnitSetting.objects.filter(reply_needs_approval=True)
    assert approving.count() == 1 and approving.get().unit_id in handler_units
    # Timeline times fall in office hours in the congress's own time zone.
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(ctx.congress.time_zone)
    hours = {e.at.astimezone(zone).hour for e in TimelineEvent.objects.all()[:500]}
    assert hours and hours <= set(range(9, 18))
