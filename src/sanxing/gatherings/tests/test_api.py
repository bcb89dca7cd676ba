"""The votes API contract (issue 4) and the check-in and ballot endpoints."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client

from sanxing.gatherings import services
from sanxing.gatherings.models import AgendaItem
from sanxing.gatherings.tests.conftest import Meeting, P, during

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def closed_vote(meeting: Meeting):
    w, (a, b, _c) = meeting.world, meeting.extra
    for person in (P(w.director), a, b):
        services.check_in(
            gathering=meeting.gathering, person=person, by=w.clerk, at=during(meeting)
        )
    item = services.agenda_item_add(
        gathering=meeting.gathering,
        title="審議條例草案",
        kind=AgendaItem.Kind.DRAFT_REGULATION,
        by=w.clerk,
    )
    vote = services.vote_open(item=item, motion="表決條例草案", by=w.clerk, at=during(meeting))
    services.ballot_cast(vote=vote, person=P(w.director), option="yes", by=w.clerk)
    services.ballot_cast(vote=vote, person=a, option="yes", by=w.clerk)
    services.ballot_cast(vote=vote, person=b, option="no", by=w.clerk)
    return services.vote_close(vote=vote, by=w.clerk, at=during(meeting, 30))


def test_vote_detail_follows_the_contract(meeting: Meeting, closed_vote):
    response = client_for(meeting.world.clerk).get(
        f"/api/v1/votes/{closed_vote.pk}", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["body_size"] == 5 and body["present"] == 3
    assert body["counts"] == {"yes": 2, "no": 1, "abstain": 0, "not_voting": 0, "absent": 2}
    assert body["threshold"]["rule"] == "more_than_half_of_all_members"
    assert body["threshold"]["required"] == 3
    assert "51" in body["threshold"]["article"]
    assert body["result"] == "fail"
    assert body["agenda_item"]["title"] == "審議條例草案"
    assert body["gathering"]["id"] == meeting.gathering.pk
    options = {row["person"]["name"]: row["option"] for row in body["votes"]}
    assert options == {
        "張主任": "yes",
        "委員甲": "yes",
        "委員乙": "no",
        "委員丙": "absent",
        "趙委員": "absent",
    }


def test_vote_list_is_paginated_with_fixed_queries(
    meeting: Meeting, closed_vote, django_assert_num_queries
):
    c = client_for(meeting.world.clerk)
    with django_assert_num_queries(5):
        response = c.get("/api/v1/votes?page_size=10")
    body = response.json()
    assert body["count"] == 1 and body["items"][0]["result"] == "fail"
    assert "votes" not in body["items"][0]


def test_the_public_sees_only_published_results(meeting: Meeting, closed_vote):
    anonymous = Client()
    assert anonymous.get(f"/api/v1/votes/{closed_vote.pk}").status_code == 404
    assert anonymous.get("/api/v1/votes").json()["count"] == 0
    outsider = client_for(meeting.world.outsider)
    assert outsider.get(f"/api/v1/votes/{closed_vote.pk}").status_code == 404
    assert outsider.get(f"/api/v1/gatherings/{meeting.gathering.pk}").status_code == 404
    services.gathering_publish_results(gathering=meeting.gathering, by=meeting.world.clerk)
    assert anonymous.get(f"/api/v1/votes/{closed_vote.pk}").status_code == 200
    assert outsider.get(f"/api/v1/gatherings/{meeting.gathering.pk}").json()["quorum"] is None


def test_a_member_sees_the_meeting_on_whose_roster_they_are(meeting: Meeting):
    c = client_for(meeting.world.member)
    body = c.get(f"/api/v1/gatherings/{meeting.gathering.pk}").json()
    assert body["quorum"]["required"] == 3 and body["quorum"]["met"] is False
    assert (
        client_for(meeting.world.deputy)
        .get(f"/api/v1/gatherings/{meeting.gathering.pk}")
        .status_code
        == 404
    )


def test_check_in_and_ballot_endpoints(meeting: Meeting):
    w, g = meeting.world, meeting.gathering
    with time_machine.travel(during(meeting), tick=False):
        member = client_for(w.member)  # signed in on the day: sessions last 12 hours
        bad = member.post(
            f"/api/v1/gatherings/{g.pk}/check-in",
            {"code": "000000"},
            content_type="application/json",
        )
        assert bad.status_code == 400
        assert bad.json()["field"] == "code"
        code = services.check_in_code(g)
        ok = member.post(
            f"/api/v1/gatherings/{g.pk}/check-in", {"code": code}, content_type="application/json"
        )
        assert ok.status_code == 200, ok.content
        assert ok.json()["status"] == "present"
        item = services.agenda_item_add(gathering=g, title="議題", by=w.clerk)
        vote = services.vote_open(item=item, motion="表決", by=w.clerk)
        cast = member.post(
            f"/api/v1/votes/{vote.pk}/ballots", {"option": "yes"}, content_type="application/json"
        )
        assert cast.status_code == 201, cast.content
        again = member.post(
            f"/api/v1/votes/{vote.pk}/ballots", {"option": "no"}, content_type="application/json"
        )
        assert again.status_code == 400 and again.json()["code"] == "already_voted"
        # the member may not record someone else's ballot
        other = member.post(
            f"/api/v1/votes/{vote.pk}/ballots",
            {"option": "no", "person_id": meeting.extra[0].pk},
            content_type="application/json",
        )
        assert other.status_code == 404
        roll = client_for(w.clerk).post(
            f"/api/v1/gatherings/{g.pk}/attendance",
            {"person_id": meeting.extra[0].pk},
            content_type="application/json",
        )
        assert roll.status_code == 200
        refused = member.post(
            f"/api/v1/gatherings/{g.pk}/attendance",
            {"person_id": meeting.extra[0].pk},
            content_type="application/json",
        )
        assert refused.status_code == 404
        outsider = client_for(w.outsider).post(
            f"/api/v1/gatherings/{g.pk}/check-in", {"code": code}, content_type="application/json"
        )
        assert outsider.status_code == 404


def test_attendance_record_for_the_archives(meeting: Meeting, closed_vote):
    w = meeting.world
    pid = P(w.director).pk
    clerk = client_for(w.clerk).get(f"/api/v1/attendance?person_id={pid}")
    assert clerk.status_code == 200, clerk.content
    rows = clerk.json()["items"]
    assert [r["status"] for r in rows] == ["present"]
    assert rows[0]["gathering"]["id"] == meeting.gathering.pk
    assert client_for(w.director).get(f"/api/v1/attendance?person_id={pid}").status_code == 200
    assert client_for(w.member).get(f"/api/v1/attendance?person_id={pid}").status_code == 404
    assert client_for(w.outsider).get(f"/api/v1/attendance?person_id={pid}").status_code == 404
