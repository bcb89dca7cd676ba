"""The demo's rotation: every past committee meeting of the demo term invited its share of
deputies so that most have attended once, a few declined and were replaced by the next in
rotation; the next meeting's invitations wait for answers (the ``deputy`` persona's too)."""

from __future__ import annotations

import datetime as dt
import math
import zoneinfo

from sanxing.demo.registry import DemoContext, register
from sanxing.deputies import selectors, services
from sanxing.deputies.models import Invitation
from sanxing.gatherings import services as gatherings_services
from sanxing.gatherings.kinds import COMMITTEE_MEETING
from sanxing.gatherings.models import Attendance, Gathering

COVERAGE_TARGET = 0.9
DECLINE_RATE = 0.07


@register("deputies", order=55)
def build(ctx: DemoContext) -> None:
    clerk = ctx.accounts.get("clerk")
    deputy_user = ctx.accounts.get("deputy")
    if clerk is None:
        return
    tz = zoneinfo.ZoneInfo(ctx.congress.time_zone)
    now = dt.datetime(ctx.today.year, ctx.today.month, ctx.today.day, 8, tzinfo=tz)
    meetings = list(
        Gathering.objects.filter(congress=ctx.congress, term=ctx.term, kind=COMMITTEE_MEETING)
        .exclude(status=Gathering.Status.CANCELLED)
        .order_by("starts_at")
    )
    past = [g for g in meetings if g.ends_at < now]
    ahead = [g for g in meetings if g.starts_at > now]
    if not meetings:
        return
    eligible = len(selectors.eligible_deputies(past[0] if past else meetings[0]))
    seats = selectors.default_seats()
    if past:
        seats = max(seats, math.ceil(eligible * COVERAGE_TARGET / len(past)))
    seats = min(seats, selectors.MAX_SEATS)
    rng = ctx.rng
    declined = 0
    for g in past:
        asked = g.starts_at - dt.timedelta(days=14)
        chosen = [c.person_id for c in selectors.proposal(g, seats=seats).chosen]
        rotation = services.rotation_confirm(
            gathering=g, person_ids=chosen, seats=seats, by=clerk, now=asked
        )
        answered = asked + dt.timedelta(days=2)
        for inv in list(rotation.invitations.all()):
            if rng.random() < DECLINE_RATE:
                services.invitation_respond(
                    invitation=inv,
                    accept=False,
                    reason=rng.choice(("外出考察", "單位工作安排衝突", "身體原因")),
                    by=clerk,
                    now=answered,
                )
                declined += 1
                services.rotation_invite_next(
                    rotation=rotation, by=clerk, now=answered + dt.timedelta(hours=2)
                )
        for inv in rotation.invitations.filter(status=Invitation.Status.INVITED):
            services.invitation_respond(
                invitation=inv, accept=True, by=clerk, now=answered + dt.timedelta(days=1)
            )
        for inv in rotation.invitations.filter(status=Invitation.Status.ACCEPTED).select_related(
            "person"
        ):
            roll = rng.random()
            status = Attendance.Status.PRESENT
            if roll > 0.97:
                status = Attendance.Status.ABSENT
            elif roll > 0.93:
                status = Attendance.Status.LATE
            gatherings_services.check_in(
                gathering=g, person=inv.person, status=status, by=clerk, at=g.starts_at
            )
    if ahead:
        g = ahead[0]
        include: list[int] = []
        if (
            deputy_user is not None
            and deputy_user.person_id
            and deputy_user.person_id in selectors.eligible_deputies(g)
        ):
            include.append(deputy_user.person_id)
        chosen = [c.person_id for c in selectors.proposal(g, seats=seats, include=include).chosen]
        services.rotation_confirm(
            gathering=g,
            person_ids=chosen,
            seats=seats,
            by=clerk,
            now=min(now, g.starts_at - dt.timedelta(days=1)),
        )
    term = ctx.term
    cov = selectors.coverage(term)
    ctx.log(
        f"    {len(past)} meetings with {seats} deputies each, {declined} declines; "
        f"{cov.attended} of {cov.total} deputies have attended ({cov.percent}%)"
    )
