"""The activities API: participants, itinerary stops, findings and report, and the review
opinions that follow into casework (issue 4)."""

import datetime as dt

import pytest
from django.test import Client

from sanxing.gatherings import activities, services
from sanxing.gatherings.kinds import INSPECTION
from sanxing.gatherings.models import ActivityReport, ItineraryStop, ReviewOpinionRecord
from sanxing.gatherings.tests.conftest import PID, STARTS, Meeting, P

pytestmark = pytest.mark.django_db
API = "/api/v1"
JSON = "application/json"


def client_for(user) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(user)
    return c


@pytest.fixture
def inspection(meeting: Meeting):
    w = meeting.world
    return services.gathering_plan(
        congress=w.congress,
        kind=INSPECTION,
        title="《示範市義務教育條例》執法檢查",
        starts_at=STARTS + dt.timedelta(days=3),
        ends_at=STARTS + dt.timedelta(days=5),
        by=w.clerk,
    )


def test_participants_itinerary_report_and_opinion(
    meeting: Meeting, inspection, django_assert_num_queries
):
    w = meeting.world
    c = client_for(w.clerk)
    base = f"{API}/activities/{inspection.pk}"
    r = c.post(
        f"{base}/participants",
        {"person_id": PID(w.member), "capacity": "voting_member"},
        content_type=JSON,
    )
    assert r.status_code == 201, r.content
    assert r.json()["person"]["name"] == P(w.member).name
    r = c.post(
        f"{base}/participants",
        {"person_id": PID(w.deputy), "capacity": "lecturer"},
        content_type=JSON,
    )
    assert r.status_code == 400 and r.json()["field"] == "capacity"
    assert inspection.roster.count() == 1
    c.get(f"{base}/participants")
    with django_assert_num_queries(6):
        r = c.get(f"{base}/participants")
    assert r.json()["count"] == 1

    day = (STARTS + dt.timedelta(days=3)).date()
    r = c.post(f"{base}/itinerary", {"day": str(day), "place": "第一中學"}, content_type=JSON)
    assert r.status_code == 201, r.content
    r = c.post(
        f"{base}/itinerary",
        {"day": str(day + dt.timedelta(days=10)), "place": "x"},
        content_type=JSON,
    )
    assert r.status_code == 400 and r.json()["field"] == "day"
    assert ItineraryStop.objects.count() == 1
    c.get(f"{base}/itinerary")
    with django_assert_num_queries(6):
        assert c.get(f"{base}/itinerary").json()["count"] == 1

    opinion = {"title": "審議意見", "content": "一、加強師資。", "unit_ids": [w.unit.pk]}
    r = c.post(f"{base}/review-opinions", opinion, content_type=JSON)
    assert r.status_code == 400  # no report yet
    assert c.get(f"{base}/report").status_code == 404
    r = c.put(f"{base}/report", {"findings": " ", "report": ""}, content_type=JSON)
    assert r.status_code == 400 and r.json()["field"] == "findings"
    assert not ActivityReport.objects.exists()
    r = c.put(f"{base}/report", {"findings": "師資不足。", "report": "正文"}, content_type=JSON)
    assert r.status_code == 200, r.content
    assert ActivityReport.objects.get().history.first().history_user == w.clerk
    # the member who takes part reads the report
    assert client_for(w.member).get(f"{base}/report").json()["findings"] == "師資不足。"
    r = c.post(f"{base}/review-opinions", opinion, content_type=JSON)
    assert r.status_code == 201, r.content
    assert r.json()["handed_off_refs"] and r.json()["unit_ids"] == [w.unit.pk]
    c.get(f"{base}/review-opinions")
    with django_assert_num_queries(7):
        assert c.get(f"{base}/review-opinions").json()["count"] == 1


def test_a_meeting_is_not_an_activity(meeting: Meeting):
    c = client_for(meeting.world.clerk)
    assert c.get(f"{API}/activities/{meeting.gathering.pk}/participants").status_code == 404


def test_the_outsider_is_refused_and_the_member_cannot_write(meeting: Meeting, inspection):
    w = meeting.world
    activities.participant_add(
        activity=inspection, person=P(w.member), capacity="voting_member", by=w.clerk
    )
    activities.report_save(activity=inspection, findings="f", report="r", by=w.clerk)
    base = f"/activities/{inspection.pk}"
    reads = [
        f"{base}/participants",
        f"{base}/itinerary",
        f"{base}/report",
        f"{base}/review-opinions",
    ]
    writes = [
        (
            "post",
            f"{base}/participants",
            {"person_id": PID(w.deputy), "capacity": "invited_deputy"},
        ),
        ("post", f"{base}/itinerary", {"day": "2026-12-21", "place": "x"}),
        ("put", f"{base}/report", {"findings": "x"}),
        (
            "post",
            f"{base}/review-opinions",
            {"title": "t", "content": "c", "unit_ids": [w.unit.pk]},
        ),
    ]
    outsider, member = client_for(w.outsider), client_for(w.member)
    for url in reads:
        r = outsider.get(API + url)
        assert r.status_code == 404 and r.json()["code"] == "not_found", url
        assert member.get(API + url).status_code == 200, url
    for client in (outsider, member):
        for method, url, body in writes:
            r = getattr(client, method)(API + url, data=body, content_type=JSON)
            assert r.status_code == 404, (method, url, r.content)
    assert inspection.roster.count() == 1 and not ItineraryStop.objects.exists()
    assert ActivityReport.objects.get().findings == "f" and not ReviewOpinionRecord.objects.exists()
