"""The demo's meetings contain the close cases the issue asks for."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pytest

from sanxing.demo import people_demo
from sanxing.demo.registry import DemoContext
from sanxing.gatherings import demo, services
from sanxing.gatherings.models import Gathering, RosterEntry, Vote

pytestmark = pytest.mark.django_db


def test_demo_has_the_meetings_and_the_close_cases():
    # Only the two builders this needs (not the registry's autodiscovery of every app).
    today = dt.date(2026, 11, 28)
    congress, term = people_demo.create_congress(today=today)
    ctx = DemoContext(
        congress=congress,
        term=term,
        rng=random.Random("1:people"),
        today=today,
        log=lambda _m: None,
    )
    people_demo.build(ctx)
    ctx = dataclasses.replace(ctx, rng=random.Random("1:gatherings"))
    demo.build(ctx)
    gatherings = Gathering.objects.filter(congress=ctx.congress)
    committee = gatherings.filter(kind="committee_meeting")
    assert committee.filter(starts_at__year=2026).count() == 7  # six plus today's extraordinary
    assert gatherings.filter(kind="directors_meeting", starts_at__year=2026).count() == 6
    session = gatherings.get(kind="congress_session", starts_at__year=2026)
    voting = session.roster.filter(capacity=RosterEntry.Capacity.VOTING_MEMBER).count()
    assert 400 <= voting <= 500
    assert session.votes.filter(result="pass").count() == 4
    failed = Vote.objects.get(pk__in=ctx.shared["gatherings"]["failed_for_all_members"])
    assert failed.result == "fail" and failed.yes > failed.no + failed.abstain
    assert failed.yes < failed.required and failed.present >= failed.required
    today = committee.get(title__endswith="（臨時）")
    state = services.quorum(today)
    assert not state.met
    assert today.votes.get().closed_at is None
    assert today.leave_requests.count() == 8
