"""Inspections, visits and evaluations: participants, itinerary, findings and report, and the
review opinions that follow into casework."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from sanxing.core.errors import BusinessError
from sanxing.gatherings import activities, services
from sanxing.gatherings.kinds import INSPECTION
from sanxing.gatherings.models import ReviewOpinionRecord
from sanxing.gatherings.tests.conftest import STARTS, Meeting, P

pytestmark = pytest.mark.django_db


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


def test_participants_itinerary_report_and_review_opinion(meeting: Meeting, inspection):
    from sanxing.casework.models import Item

    w = meeting.world
    activities.participant_add(
        activity=inspection, person=P(w.member), capacity="voting_member", by=w.clerk
    )
    activities.participant_add(
        activity=inspection, person=P(w.deputy), capacity="invited_deputy", by=w.clerk
    )
    with pytest.raises(BusinessError):
        activities.participant_add(
            activity=inspection, person=P(w.deputy), capacity="invited_deputy", by=w.clerk
        )
    with pytest.raises(BusinessError):
        activities.participant_add(
            activity=inspection, person=meeting.head, capacity="lecturer", by=w.clerk
        )
    day = (STARTS + dt.timedelta(days=3)).date()
    stop = activities.itinerary_stop_add(
        activity=inspection, day=day, place="示範市第一中學", host="市教育局", by=w.clerk
    )
    assert stop.history.first().history_user == w.clerk
    with pytest.raises(BusinessError) as err:
        activities.itinerary_stop_add(
            activity=inspection, day=day + dt.timedelta(days=10), place="x", by=w.clerk
        )
    assert err.value.field == "day"
    with pytest.raises(BusinessError):
        activities.review_opinion_hand_off(
            activity=inspection, title="t", content="c", units=[w.unit], by=w.clerk
        )
    report = activities.report_save(
        activity=inspection, findings="師資不足。", report="檢查報告正文。", by=w.clerk
    )
    again = activities.report_save(
        activity=inspection, findings="師資不足，校舍老化。", report="檢查報告正文。", by=w.clerk
    )
    assert again.pk == report.pk and again.agenda_item_id == report.agenda_item_id
    assert inspection.agenda_items.count() == 1
    record = activities.review_opinion_hand_off(
        activity=inspection,
        title="關於義務教育執法檢查報告的審議意見",
        content="一、加強師資隊伍建設。",
        units=[w.unit],
        by=w.clerk,
    )
    case = Item.objects.get(origin_ref=f"gatherings.agenda_item:{report.agenda_item_id}")
    assert case.kind == "review_opinion" and case.reference in record.handed_off_refs
    # not for a committee meeting
    with pytest.raises(BusinessError):
        activities.report_save(activity=meeting.gathering, findings="x", report="", by=w.clerk)


def test_activity_pages_and_the_outsider(meeting: Meeting, inspection):
    w = meeting.world
    clerk = Client()
    clerk.force_login(w.clerk)
    url = reverse("gatherings:activity", args=[inspection.pk])
    assert clerk.get(url).status_code == 200
    post = lambda part, data: clerk.post(  # noqa: E731
        reverse("gatherings:activity_post", args=[inspection.pk, part]), data
    )
    assert (
        post("participant", {"person": P(w.member).pk, "capacity": "voting_member"}).status_code
        == 302
    )
    day = (STARTS + dt.timedelta(days=4)).date().isoformat()
    assert (
        post("stop", {"day": day, "place": "示範市實驗小學", "host": "區教育局"}).status_code == 302
    )
    assert post("stop", {"day": "2030-01-01", "place": "x"}).status_code == 400
    assert post("report", {"findings": "發現一", "report": "報告"}).status_code == 302
    assert (
        post("opinion", {"title": "審議意見", "content": "意見", "units": [w.unit.pk]}).status_code
        == 302
    )
    assert ReviewOpinionRecord.objects.count() == 1
    assert post("nonsense", {}).status_code == 404
    page = clerk.get(url).content.decode()
    assert "示範市實驗小學" in page and "審議意見" in page
    member = Client()
    member.force_login(w.member)
    assert member.get(url).status_code == 200  # a participant reads it
    assert (
        member.post(
            reverse("gatherings:activity_post", args=[inspection.pk, "stop"]), {}
        ).status_code
        == 404
    )
    outsider = Client()
    outsider.force_login(w.outsider)
    assert outsider.get(url).status_code == 404
    for part in ("participant", "stop", "report", "opinion"):
        r = outsider.post(reverse("gatherings:activity_post", args=[inspection.pk, part]), {})
        assert r.status_code == 404
    # a committee meeting has no activity page
    assert clerk.get(reverse("gatherings:activity", args=[meeting.gathering.pk])).status_code == 404
