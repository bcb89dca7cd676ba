"""The demo's meetings contain the close cases the issue asks for."""

from __future__ import annotations

from sanxing.gatherings import demo as gatherings_demo
from sanxing.gatherings import services
from sanxing.gatherings.models import Gathering, RosterEntry, Vote


def test_demo_has_the_meetings_and_the_close_cases(demo):
    # the whole demo, built once for the tests that read it (root conftest)
    ctx = demo
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
    # sittings run by date: today's extraordinary meeting before December's regular one
    sittings = list(
        committee.filter(term=ctx.term).order_by("starts_at").values_list("sitting", flat=True)
    )
    assert sittings == sorted(sittings) and len(set(sittings)) == len(sittings)
    december = committee.get(starts_at__year=2026, starts_at__month=12)
    assert today.sitting + 1 == december.sitting
    assert f"第{gatherings_demo.cn(today.sitting)}次" in today.title
    assert f"第{gatherings_demo.cn(december.sitting)}次" in december.title
    # the session: thirty items of every kind, and its logistics
    assert session.agenda_items.count() == 30
    kinds = set(session.agenda_items.values_list("kind", flat=True))
    assert {"report", "draft_regulation", "appointment", "other"} <= kinds
    assert session.room_bookings.count() == 2 and session.accommodations.count() == 60
    assert session.meals.count() == 9 and session.vehicles.count() == 2
    assert session.supplies.count() == 6 and session.dietary_needs.exists()
    # a committee meeting with its follow-up
    held = committee.filter(minutes__approved_at__isnull=False).get()
    assert held.decisions.count() == 2
    report = held.agenda_items.filter(remarks__isnull=False).distinct().get()
    assert report.remarks.count() == 4 and report.review_opinions.count() == 1
