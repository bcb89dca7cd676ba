"""Records: each member's and deputy's attendance across meetings, as a page per person and
in the API, with counts per status and the rate."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from sanxing.gatherings import services
from sanxing.gatherings.kinds import COMMITTEE_MEETING
from sanxing.gatherings.tests.conftest import STARTS, Meeting, P, during

pytestmark = pytest.mark.django_db


def _history(meeting: Meeting, n: int) -> None:
    """n more meetings: the member present, late, on leave or absent in turn."""
    w = meeting.world
    statuses = ["present", "late", "leave", "absent"]
    for i in range(n):
        start = STARTS + dt.timedelta(days=7 * (i + 1))
        g = services.gathering_plan(
            congress=w.congress,
            kind=COMMITTEE_MEETING,
            title=f"第{i + 31}次會議",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=3),
            by=w.clerk,
        )
        services.roster_build(gathering=g, by=w.clerk)
        services.check_in(
            gathering=g,
            person=P(w.member),
            status=statuses[i % 4],
            by=w.clerk,
            at=start + dt.timedelta(minutes=5),
        )


def test_attendance_page_per_person_with_counts_and_rate(
    meeting: Meeting, django_assert_num_queries
):
    w, g = meeting.world, meeting.gathering
    services.check_in(
        gathering=g, person=P(w.member), status="present", by=w.clerk, at=during(meeting)
    )
    _history(meeting, 4)  # present, late, leave, absent
    clerk = Client()
    clerk.force_login(w.clerk)
    url = reverse("gatherings:person_attendance", args=[P(w.member).pk])
    response = clerk.get(url)
    assert response.status_code == 200
    stats = response.context["stats"]
    assert (stats.present, stats.late, stats.leave, stats.absent, stats.total) == (2, 1, 1, 1, 5)
    assert stats.rate == 0.6 and stats.weighted_rate == 0.5
    assert 'id="attendance-rate">60%' in response.content.decode()
    with django_assert_num_queries(8):
        clerk.get(url)
    _history(meeting, 4)
    with django_assert_num_queries(8):  # the same whatever the number of meetings
        assert len(clerk.get(url).context["records"]) == 9

    member = Client()
    member.force_login(w.member)
    assert member.get(url).status_code == 200  # one's own record
    for user in (w.outsider, w.deputy):
        c = Client()
        c.force_login(user)
        assert c.get(url).status_code == 404
    assert clerk.get(reverse("gatherings:person_attendance", args=[999999])).status_code == 404


def test_attendance_summary_in_the_api(meeting: Meeting):
    w, g = meeting.world, meeting.gathering
    services.check_in(
        gathering=g, person=P(w.member), status="late", by=w.clerk, at=during(meeting)
    )
    pid = P(w.member).pk
    clerk = Client()
    clerk.force_login(w.clerk)
    body = clerk.get(f"/api/v1/attendance/summary?person_id={pid}").json()
    assert body["person"] == {"id": pid, "name": P(w.member).name}
    assert (body["present"], body["late"], body["total"], body["rate"]) == (0, 1, 1, 1.0)
    assert body["weighted_rate"] == 0.5
    outsider = Client()
    outsider.force_login(w.outsider)
    assert outsider.get(f"/api/v1/attendance/summary?person_id={pid}").status_code == 404
    assert Client().get(f"/api/v1/attendance/summary?person_id={pid}").status_code in (401, 404)
    openapi = clerk.get("/api/v1/openapi.json").json()
    assert "/api/v1/attendance/summary" in openapi["paths"]
