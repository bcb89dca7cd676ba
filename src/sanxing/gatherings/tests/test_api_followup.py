"""The follow-up API: minutes, decisions → hand-off, remarks, review opinions (issue 4)."""

import pytest
from django.test import Client

from sanxing.gatherings import followup, services
from sanxing.gatherings.models import Decision, Minutes, Remark, ReviewOpinionRecord
from sanxing.gatherings.tests.conftest import PID, Meeting, P
from sanxing.people.models import Person

pytestmark = pytest.mark.django_db
API = "/api/v1"


def client_for(user) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(user)
    return c


def _item(meeting: Meeting):
    return services.agenda_item_add(
        gathering=meeting.gathering, title="聽取和審議市政府的報告", by=meeting.world.clerk
    )


def test_minutes_saved_approved_and_frozen(meeting: Meeting):
    w, g = meeting.world, meeting.gathering
    c = client_for(w.clerk)
    url = f"{API}/gatherings/{g.pk}/minutes"
    assert c.get(url).status_code == 404
    r = c.put(url, {"text": "  "}, content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "text"
    assert not Minutes.objects.exists()
    r = c.put(url, {"text": "會議由主任主持。"}, content_type="application/json")
    assert r.status_code == 200, r.content
    assert Minutes.objects.get().history.first().history_user == w.clerk
    r = c.post(f"{url}/approve")
    assert r.status_code == 200 and r.json()["approved_at"]
    r = c.put(url, {"text": "改"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid"
    assert Minutes.objects.get().text == "會議由主任主持。"
    # someone on the roster reads them; cannot write
    member = client_for(w.member)
    assert member.get(url).json()["text"] == "會議由主任主持。"
    assert member.put(url, {"text": "x"}, content_type="application/json").status_code == 404


def test_decisions_recorded_and_handed_off(meeting: Meeting, no_decision_sink):
    w, g = meeting.world, meeting.gathering
    c = client_for(w.clerk)
    url = f"{API}/gatherings/{g.pk}/decisions"
    r = c.post(url, {"text": " ", "kind": "decision"}, content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "text"
    r = c.post(url, {"text": "x", "unit_ids": [999999]}, content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "unit_ids"
    r = c.post(url, {"text": "x", "agenda_item_id": 999999}, content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "agenda_item_id"
    assert not Decision.objects.exists()
    unit = w.government
    r = c.post(
        url,
        {"text": "同意報告。", "kind": "resolution", "unit_ids": [unit.pk]},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["kind"] == "resolution" and body["unit_ids"] == [unit.pk]
    assert body["handed_off_at"] is None
    d = Decision.objects.get()
    assert d.history.first().history_user == w.clerk
    # hand-off through the same service; the second is refused
    calls = []

    def sink(decision, by):
        calls.append(decision)
        return "IMP-1"

    no_decision_sink.register_decision_sink(sink)
    r = c.post(f"{API}/decisions/{d.pk}/hand-off")
    assert r.status_code == 200, r.content
    assert r.json()["handed_off_refs"] == "IMP-1"
    r = c.post(f"{API}/decisions/{d.pk}/hand-off")
    assert r.status_code == 400
    assert len(calls) == 1


def test_decision_list_fixed_queries(meeting: Meeting, no_decision_sink, django_assert_num_queries):
    w, g = meeting.world, meeting.gathering
    for i in range(3):
        followup.decision_record(gathering=g, text=f"決定{i}", units=[w.government], by=w.clerk)
    c = client_for(w.clerk)
    c.get(f"{API}/gatherings/{g.pk}/decisions")  # warm the session
    with django_assert_num_queries(7):
        r = c.get(f"{API}/gatherings/{g.pk}/decisions")
    assert r.json()["count"] == 3 and r.json()["items"][0]["unit_ids"] == [w.government.pk]


def test_remarks_by_the_office_and_by_the_member_and_a_review_opinion(
    meeting: Meeting, django_assert_num_queries
):
    w = meeting.world
    item = _item(meeting)
    clerk, member = client_for(w.clerk), client_for(w.member)
    url = f"{API}/agenda-items/{item.pk}/remarks"
    r = member.post(url, {"text": "建議加大投入。"}, content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["person"]["id"] == PID(w.member)
    # a member cannot speak in another's name
    r = member.post(
        url, {"text": "x", "person_id": PID(w.director)}, content_type="application/json"
    )
    assert r.status_code == 404
    r = clerk.post(
        url, {"text": "同意。", "person_id": PID(w.director)}, content_type="application/json"
    )
    assert r.status_code == 201
    # not on the roster: the error body, nothing written
    stranger = Person.objects.create(congress=w.congress, name="路人")
    r = clerk.post(url, {"text": "x", "person_id": stranger.pk}, content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "person"
    assert Remark.objects.count() == 2
    clerk.get(url)
    with django_assert_num_queries(7):
        r = clerk.get(url)
    assert r.json()["count"] == 2

    ops = f"{API}/agenda-items/{item.pk}/review-opinions"
    assert (
        member.post(
            ops, {"title": "t", "unit_ids": [w.government.pk]}, content_type="application/json"
        ).status_code
        == 404
    )
    r = clerk.post(ops, {"title": "t", "unit_ids": []}, content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "invalid_input"
    r = clerk.post(
        ops,
        {"title": "t", "unit_ids": [w.government.pk], "remark_ids": [999999]},
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["field"] == "remark_ids"
    assert not ReviewOpinionRecord.objects.exists()
    first = Remark.objects.order_by("pk").first()
    r = clerk.post(
        ops,
        {"title": "審議意見", "unit_ids": [w.government.pk], "remark_ids": [first.pk]},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["remark_ids"] == [first.pk] and r.json()["handed_off_refs"]
    assert P(w.member).name in ReviewOpinionRecord.objects.get().content
    clerk.get(ops)
    with django_assert_num_queries(9):
        r = clerk.get(ops)
    assert r.json()["count"] == 1


def test_the_outsider_is_refused_everywhere(meeting: Meeting):
    w, g = meeting.world, meeting.gathering
    item = _item(meeting)
    followup.minutes_save(gathering=g, text="紀要", by=w.clerk)
    d = followup.decision_record(gathering=g, text="決定", by=w.clerk)
    c = client_for(w.outsider)
    json = "application/json"
    for method, url, body in [
        ("get", f"/gatherings/{g.pk}/minutes", None),
        ("put", f"/gatherings/{g.pk}/minutes", {"text": "x"}),
        ("post", f"/gatherings/{g.pk}/minutes/approve", None),
        ("get", f"/gatherings/{g.pk}/decisions", None),
        ("post", f"/gatherings/{g.pk}/decisions", {"text": "x"}),
        ("post", f"/decisions/{d.pk}/hand-off", None),
        ("get", f"/agenda-items/{item.pk}/remarks", None),
        ("post", f"/agenda-items/{item.pk}/remarks", {"text": "x"}),
        ("get", f"/agenda-items/{item.pk}/review-opinions", None),
        ("post", f"/agenda-items/{item.pk}/review-opinions", {"title": "t", "unit_ids": [1]}),
    ]:
        kwargs = {"data": body, "content_type": json} if body is not None else {}
        r = getattr(c, method)(API + url, **kwargs)
        assert r.status_code == 404, (method, url, r.content)
        assert r.json()["code"] == "not_found"
    assert Minutes.objects.get().text == "紀要" and Remark.objects.count() == 0
