"""The satisfaction vote on the item page, on the meeting's agenda and over the API; who is
refused."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from sanxing.casework.satisfaction import SatisfactionVote, satisfaction_vote_schedule
from sanxing.casework.tests.test_satisfaction import (
    MEETING_AT,
    TODAY,
    committee_meeting,
    replied_review_opinion,
    take_vote,
)
from sanxing.people.models import Congress, Organisation, Role
from sanxing.people.testing import give_role, make_user

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def _api(client: Client, method: str, path: str, data=None):
    kwargs = {}
    if data is not None:
        kwargs = {"data": json.dumps(data), "content_type": "application/json"}
    return getattr(client, method)(f"/api/v1/casework/{path}", **kwargs)


def _other_congress_clerk():
    other = Congress.objects.create(code="elsewhere", name="別處人大")
    office = Organisation.objects.create(
        congress=other, kind=Organisation.Kind.OFFICE_BODY, name="別處辦公室", code="o2"
    )
    user = make_user(other, "clerk2", "別處秘書")
    give_role(user, office, Role.Kind.STAFF)
    return user


def test_the_clerk_schedules_from_the_item_page_and_sees_the_result(world):
    item = replied_review_opinion(world)
    gathering = committee_meeting(world, title="第三十一次常委會會議")
    clerk = _client(world.clerk)
    with time_machine.travel(TODAY, tick=False):
        page = clerk.get(f"/casework/items/{item.pk}/")
        assert page.status_code == 200
        html = page.content.decode()
        assert 'id="satisfaction-schedule"' in html and "第三十一次常委會會議" in html
        response = clerk.post(
            f"/casework/items/{item.pk}/satisfaction-vote/schedule/",
            {"gathering_id": gathering.pk},
            follow=True,
        )
    html = response.content.decode()
    assert "is on the agenda of “第三十一次常委會會議”" in html
    assert "to be voted on" in html and 'id="satisfaction-schedule"' not in html
    row = SatisfactionVote.objects.get(item=item)
    # the meeting's agenda links back to the review opinion
    with time_machine.travel(TODAY, tick=False):
        agenda = clerk.get(f"/gatherings/{gathering.pk}/").content.decode()
    assert f'id="subject-link-{row.agenda_item_id}"' in agenda
    assert f'href="/casework/items/{item.pk}/"' in agenda
    take_vote(world, gathering, row.agenda_item_id, yes=2)
    with time_machine.travel(MEETING_AT + dt.timedelta(hours=5), tick=False):
        html = clerk.get(f"/casework/items/{item.pk}/").content.decode()
    assert 'id="satisfaction-result-1"' in html and "not satisfied" in html
    assert "yes 2, no 3, abstain 0, not voting 0, absent 0 — of 5 members" in html
    assert "3 votes" in html
    rehandle = html.split('id="satisfaction-rehandle">')[1].split("</p>")[0]
    assert "2026" in rehandle and "30" in rehandle, rehandle


def test_a_refused_schedule_says_why_on_the_page(world):
    item = replied_review_opinion(world)
    held = committee_meeting(world, at=dt.datetime(2026, 9, 5, 9, 0, tzinfo=MEETING_AT.tzinfo))
    with time_machine.travel(TODAY, tick=False):
        response = _client(world.clerk).post(
            f"/casework/items/{item.pk}/satisfaction-vote/schedule/",
            {"gathering_id": held.pk},
            follow=True,
        )
    assert "already been held or was cancelled" in response.content.decode()
    assert not SatisfactionVote.objects.exists()


def test_outsider_other_congress_and_unit_are_refused_on_the_page(world):
    item = replied_review_opinion(world)
    gathering = committee_meeting(world)
    url = f"/casework/items/{item.pk}/satisfaction-vote/schedule/"
    with time_machine.travel(TODAY, tick=False):
        for user in (world.outsider, _other_congress_clerk(), world.handler):
            response = _client(user).post(url, {"gathering_id": gathering.pk})
            assert response.status_code == 404, user
        # the handler may see the item, without the form
        html = _client(world.handler).get(f"/casework/items/{item.pk}/").content.decode()
        assert 'id="satisfaction-schedule"' not in html
    assert not SatisfactionVote.objects.exists()


def test_the_api_schedules_lists_and_refuses(world):
    item = replied_review_opinion(world)
    gathering = committee_meeting(world)
    clerk = _client(world.clerk)
    with time_machine.travel(TODAY, tick=False):
        meetings = _api(clerk, "get", f"items/{item.pk}/satisfaction-meetings").json()
        assert [m["id"] for m in meetings] == [gathering.pk]
        for user in (world.outsider, _other_congress_clerk()):
            client = _client(user)
            response = _api(
                client, "post", f"items/{item.pk}/satisfaction-vote", {"gathering_id": gathering.pk}
            )
            assert response.status_code == 404
            assert _api(client, "get", f"items/{item.pk}/satisfaction-votes").status_code == 404
            assert _api(client, "get", f"items/{item.pk}/satisfaction-meetings").status_code == 404
        handler = _client(world.handler)
        assert (
            _api(
                handler,
                "post",
                f"items/{item.pk}/satisfaction-vote",
                {"gathering_id": gathering.pk},
            ).status_code
            == 403
        )
        response = _api(
            clerk, "post", f"items/{item.pk}/satisfaction-vote", {"gathering_id": 99999}
        )
        assert response.status_code == 400
        assert response.json()["code"] == "other_congress"
        assert response.json()["field"] == "gathering_id"
        response = _api(
            clerk, "post", f"items/{item.pk}/satisfaction-vote", {"gathering_id": gathering.pk}
        )
        assert response.status_code == 201
        body = response.json()
        assert (body["round"], body["result"], body["gathering_id"]) == (1, "", gathering.pk)
        again = _api(
            clerk, "post", f"items/{item.pk}/satisfaction-vote", {"gathering_id": gathering.pk}
        )
        assert again.status_code == 400 and again.json()["code"] == "already_scheduled"
    take_vote(world, gathering, body["agenda_item_id"], yes=4)
    listed = _api(_client(world.handler), "get", f"items/{item.pk}/satisfaction-votes").json()
    rows = listed["items"] if isinstance(listed, dict) else listed
    assert [(r["result"], r["yes"], r["no"], r["required"]) for r in rows] == [
        ("satisfied", 4, 1, 3)
    ]


def test_the_list_takes_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    item = replied_review_opinion(world)
    gathering = committee_meeting(world)
    with time_machine.travel(TODAY, tick=False):
        satisfaction_vote_schedule(item=item, gathering_id=gathering.pk, by=world.clerk)
    clerk = _client(world.clerk)
    _api(clerk, "get", f"items/{item.pk}/satisfaction-votes")  # warm the session
    with django_assert_max_num_queries(8) as captured:
        response = _api(clerk, "get", f"items/{item.pk}/satisfaction-votes")
    assert response.status_code == 200
    first = len(captured.captured_queries)
    SatisfactionVote.objects.filter(item=item).update(result="unsatisfied")
    SatisfactionVote.objects.create(
        congress=world.congress,
        item=item,
        round=2,
        report_on=dt.date(2026, 11, 10),
        gathering_id=gathering.pk,
        agenda_item_id=1,
        meeting_title="x",
        meeting_on=dt.date(2026, 12, 22),
    )
    with django_assert_max_num_queries(first):
        response = _api(clerk, "get", f"items/{item.pk}/satisfaction-votes")
    assert response.json()["count"] == 2


def test_english_labels_on_the_page(world):
    item = replied_review_opinion(world)
    committee_meeting(world)
    with translation.override("en"), time_machine.travel(TODAY, tick=False):
        html = _client(world.clerk).get(f"/casework/items/{item.pk}/").content.decode()
    assert "Satisfaction vote by the Standing Committee" in html
