"""Who sees which item, through the lookup and through the API; the outsider sees nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.http import Http404

from sanxing.casework import services
from sanxing.casework.access import item_for_tracking_code, item_for_user, items_visible_to
from sanxing.casework.kinds import Kind
from sanxing.casework.tests.factories import assigned_suggestion, registered_suggestion

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def item(world):
    item, _lead = assigned_suggestion(world, on=dt.date(2026, 3, 2))
    return item


def test_office_sees_the_congress_items(world, item):
    assert item_for_user(world.clerk, item.pk) == item
    assert item_for_user(world.admin, item.pk) == item


def test_unit_handler_sees_only_items_assigned_to_the_unit(world, item):
    assert item_for_user(world.handler, item.pk) == item
    with pytest.raises(Http404):
        item_for_user(world.other_handler, item.pk)


def test_withdrawn_assignment_hides_the_item_from_the_unit(world, item):
    lead = item.assignments.get()
    services.assignment_request_return(
        assignment=lead, reason="不屬本單位", by=world.handler, on=dt.date(2026, 3, 3)
    )
    services.assignment_decide_return(assignment=lead, approve=True, by=world.clerk)
    with pytest.raises(Http404):
        item_for_user(world.handler, item.pk)


def test_deputy_sees_own_items_only(world, item):
    assert item_for_user(world.deputy, item.pk) == item
    other = services.item_submit(
        congress=world.congress,
        kind=Kind.SUGGESTION,
        title="別人的建議",
        content="",
        deputies=[world.member.person],
        by=world.clerk,
    )
    with pytest.raises(Http404):
        item_for_user(world.deputy, other.pk)
    assert list(items_visible_to(world.deputy)) == [item]


@pytest.mark.parametrize("persona", ["outsider", "learning_other", "anonymous"])
def test_the_outsider_is_refused(world, item, persona):
    from django.contrib.auth.models import AnonymousUser

    user = {"outsider": world.outsider, "learning_other": world.member}.get(
        persona, AnonymousUser()
    )
    with pytest.raises(Http404):
        item_for_user(user, item.pk)


def test_petitioner_sees_a_letter_only_by_its_code(world):
    letter = services.letter_receive(
        congress=world.congress,
        channel="letter",
        petitioner_name="張三",
        title="漏水",
        content="",
        by=world.clerk,
    )
    assert item_for_tracking_code(str(letter.tracking_code).lower()) == letter
    with pytest.raises(Http404):
        item_for_tracking_code("ABCDEFGHJKMN")
    with pytest.raises(Http404):
        item_for_user(world.outsider, letter.pk)


# --- API -------------------------------------------------------------------------------------


def test_api_story_register_assign_reply_evaluate(client, world):
    client.force_login(world.clerk)
    r = client.post(
        "/api/v1/casework/items",
        {
            "title": "關於增設公交線路的建議",
            "topic": "transport",
            "deputy_ids": [world.deputy.person.pk],
            "register_now": True,
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    item = r.json()
    assert item["state"] == "registered" and item["reference"].startswith("JY2026-")
    r = client.post(
        f"/api/v1/casework/items/{item['id']}/assign",
        {"lead_unit_id": world.other_unit.pk, "version": item["version"]},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    detail = r.json()
    assert {c["purpose"] for c in detail["clocks"]} == {"reply", "return_window"}
    assignment_id = detail["assignments"][0]["id"]

    client.force_login(world.handler)  # not this unit's handler
    r = client.post(
        f"/api/v1/casework/assignments/{assignment_id}/reply",
        {"text": "答復", "reply_class": "A", "signed_by": "局長"},
        content_type="application/json",
    )
    assert r.status_code == 404
    client.force_login(world.other_handler)
    r = client.post(
        f"/api/v1/casework/assignments/{assignment_id}/reply",
        {"text": "已開通新線路", "reply_class": "Z", "signed_by": "局長"},
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["field"] == "reply_class"
    r = client.post(
        f"/api/v1/casework/assignments/{assignment_id}/reply",
        {"text": "已開通新線路", "reply_class": "A", "signed_by": "局長"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content

    client.force_login(world.clerk)
    r = client.post(
        f"/api/v1/casework/items/{item['id']}/evaluate",
        {"value": "satisfied"},
        content_type="application/json",
    )
    assert r.status_code == 403
    client.force_login(world.deputy)
    r = client.post(
        f"/api/v1/casework/items/{item['id']}/evaluate",
        {"value": "satisfied"},
        content_type="application/json",
    )
    assert r.status_code == 201
    assert client.get(f"/api/v1/casework/items/{item['id']}").json()["state"] == "closed"


def test_api_stale_assign_is_409(client, world):
    item = registered_suggestion(world, on=dt.date(2026, 3, 2))
    client.force_login(world.clerk)
    r = client.post(
        f"/api/v1/casework/items/{item.pk}/assign",
        {"lead_unit_id": world.unit.pk, "version": item.version - 1},
        content_type="application/json",
    )
    assert r.status_code == 409


def test_api_list_counts_queries_and_hides_from_outsider(
    client, world, item, django_assert_max_num_queries
):
    registered_suggestion(world, on=dt.date(2026, 3, 3), title="另一件")
    client.force_login(world.clerk)
    with django_assert_max_num_queries(8):
        r = client.get("/api/v1/casework/items")
    assert r.json()["count"] == 2
    client.force_login(world.outsider)
    assert client.get("/api/v1/casework/items").json()["count"] == 0
    assert client.get(f"/api/v1/casework/items/{item.pk}").status_code == 404
    assert client.get("/api/v1/casework/rates").status_code == 403


def test_api_rates(client, world, item):
    client.force_login(world.clerk)
    r = client.get("/api/v1/casework/rates?kind=suggestion&from=2026-01-01&to=2026-12-31")
    assert r.status_code == 200, r.content
    units = r.json()["units"]
    assert units[0]["unit"] == "市教育局" and units[0]["assigned"] == 1


def test_openapi_documents_the_casework_endpoints(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    assert "/api/v1/casework/items/{item_id}/assign" in paths
    assert "/api/v1/casework/rates" in paths


def test_home_work_list_shows_each_persona_their_deadlines(world, item):
    from sanxing.casework.worklist import casework_work

    today = dt.date(2026, 6, 1)  # the reply is due 2 June
    handler_items = list(casework_work(world.handler, today))
    assert any(i.url == f"/casework/items/{item.pk}/" for i in handler_items)
    assert all(i.rule for i in handler_items)  # each deadline says which rule set it
    assert list(casework_work(world.other_handler, today)) == []
    assert list(casework_work(world.outsider, today)) == []


def test_api_unit_steps_and_office_steps(client, world, item):
    lead = item.assignments.get()
    post = lambda url, data=None: client.post(  # noqa: E731
        f"/api/v1/casework{url}", data or {}, content_type="application/json"
    )
    client.force_login(world.other_handler)
    assert post(f"/assignments/{lead.pk}/accept").status_code == 404
    client.force_login(world.handler)
    r = post(f"/assignments/{lead.pk}/contacts", {"contacted_on": "2026-03-05", "method": "phone"})
    assert r.status_code == 201, r.content
    r = post(f"/assignments/{lead.pk}/accept")
    assert r.status_code == 200 and r.json()["accepted_on"] == "2026-06-01"
    assert post(f"/assignments/{lead.pk}/request-return", {"reason": "x"}).status_code == 400
    client.force_login(world.clerk)
    r = post(f"/items/{item.pk}/supervision", {"method": "phone", "note": "電話催辦"})
    assert r.status_code == 201
    r = post(f"/items/{item.pk}/key-supervised", {"leader_id": world.director.person.pk})
    assert r.status_code == 200 and r.json()["is_key_supervised"]
    client.force_login(world.outsider)
    assert (
        post(f"/items/{item.pk}/supervision", {"method": "phone", "note": "x"}).status_code == 404
    )


def test_api_letter_journey(client, world):
    client.force_login(world.clerk)
    post = lambda url, data=None: client.post(  # noqa: E731
        f"/api/v1/casework{url}", data or {}, content_type="application/json"
    )
    r = post("/letters", {"petitioner_name": "孫八", "title": "噪聲擾民"})
    assert r.status_code == 201, r.content
    letter_id = r.json()["id"]
    assert post(f"/letters/{letter_id}/accept").json()["state"] == "accepted"
    r = post(f"/letters/{letter_id}/answer", {"outcome": "maybe", "text": "x", "signed_by": "y"})
    assert r.status_code == 400 and r.json()["field"] == "outcome"
    r = post(
        f"/letters/{letter_id}/answer",
        {"outcome": "support", "text": "已處理", "signed_by": "信訪室"},
    )
    assert r.json()["state"] == "answered"
    client.force_login(world.handler)
    assert post(f"/letters/{letter_id}/accept").status_code == 404


def test_api_item_steps_answer_with_the_item_as_the_caller_sees_it(client, world):
    # Every step on an item answers with what GET /items/{id} shows the same user: the office
    # sees a letter's writer (masked) after accepting or closing it, as on the item itself.
    client.force_login(world.clerk)
    post = lambda url, data=None: client.post(  # noqa: E731
        f"/api/v1/casework{url}", data or {}, content_type="application/json"
    )
    r = post(
        "/letters",
        {"petitioner_name": "孫八", "title": "噪聲擾民", "petitioner_phone": "13812345678"},
    )
    letter_id = r.json()["id"]
    accepted = post(f"/letters/{letter_id}/accept").json()
    assert accepted == client.get(f"/api/v1/casework/items/{letter_id}").json()
    assert accepted["petitioner"]["name"] == "孫八"
    assert accepted["petitioner"]["phone"] != "13812345678"  # masked
