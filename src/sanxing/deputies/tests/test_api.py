"""The rotation through the API: proposal, confirm, accept/decline, coverage; who is refused."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from sanxing.deputies import services
from sanxing.deputies.tests.test_views import confirm
from sanxing.people.models import Congress, Organisation, Role
from sanxing.people.testing import give_role, make_user

from .conftest import P, Setup

pytestmark = pytest.mark.django_db


class Api:
    def __init__(self, user=None):
        self.c = Client(headers={"accept-language": "en"})
        if user is not None:
            self.c.force_login(user)

    def get(self, path, data=None):
        return self.c.get(f"/api/v1/deputies/{path}", data=data)

    def post(self, path, data=None):
        return self.c.post(
            f"/api/v1/deputies/{path}", json.dumps(data or {}), content_type="application/json"
        )


def test_proposal_confirm_and_answers(setup: Setup):
    w = setup.world
    api = Api(w.clerk)
    got = api.get(f"meetings/{setup.meeting.pk}/proposal", {"seats": 3})
    assert got.status_code == 200
    body = got.json()
    assert body["seats"] == 3 and len(body["proposed"]) == 3 and not body["confirmed"]
    assert body["proposed"][0]["reasons"][0] == "not yet invited this term"
    ids = list(dict.fromkeys([*[c["person_id"] for c in body["proposed"]][:2], P(w.deputy).pk]))
    done = api.post(f"meetings/{setup.meeting.pk}/confirm", {"person_ids": ids, "seats": 3})
    assert done.status_code == 201, done.json()
    invitations = {i["person_id"]: i for i in done.json()["invitations"]}
    assert set(invitations) == set(ids)
    again = api.post(f"meetings/{setup.meeting.pk}/confirm", {"person_ids": ids, "seats": 3})
    assert again.status_code == 400
    assert again.json()["code"] == "already_confirmed"
    mine = invitations[P(w.deputy).pk]["id"]
    deputy = Api(w.deputy)
    accepted = deputy.post(f"invitations/{mine}/accept")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    twice = deputy.post(f"invitations/{mine}/decline", {"reason": "x"})
    assert twice.status_code == 400 and twice.json()["code"] == "already_answered"


def test_a_deputy_cannot_answer_for_another_deputy(setup: Setup):
    w = setup.world
    rotation = confirm(setup, [setup.deputies[1].pk])
    inv = rotation.invitations.get()
    response = Api(w.deputy).post(f"invitations/{inv.pk}/decline", {"reason": "x"})
    assert response.status_code == 404
    inv.refresh_from_db()
    assert inv.status == "invited"


def test_the_outsider_and_the_deputy_are_refused_the_office_endpoints(setup: Setup):
    w = setup.world
    rotation = confirm(setup, [P(w.deputy).pk])
    inv = rotation.invitations.get()
    for user in (w.outsider, w.deputy):
        api = Api(user)
        assert api.get(f"meetings/{setup.meeting.pk}/proposal").status_code == 404
        assert (
            api.post(f"meetings/{setup.meeting.pk}/confirm", {"person_ids": [1]}).status_code == 404
        )
    outsider = Api(w.outsider)
    assert outsider.post(f"invitations/{inv.pk}/accept").status_code == 404
    assert outsider.get("coverage").status_code == 404
    assert Api().get("coverage").status_code == 401


def test_another_congress_clerk_is_refused(setup: Setup):
    other = Congress.objects.create(code="other", name="另一市人民代表大會")
    office = Organisation.objects.create(
        congress=other, kind=Organisation.Kind.OFFICE_BODY, name="辦公室"
    )
    other_clerk = make_user(other, "other_clerk", "另一秘書")
    give_role(other_clerk, office, Role.Kind.STAFF)
    api = Api(other_clerk)
    assert api.get(f"meetings/{setup.meeting.pk}/proposal").status_code == 404
    response = api.post(
        f"meetings/{setup.meeting.pk}/confirm", {"person_ids": [setup.deputies[0].pk]}
    )
    assert response.status_code == 404
    rotation = confirm(setup, [setup.deputies[0].pk])
    inv = rotation.invitations.get()
    assert api.post(f"invitations/{inv.pk}/accept").status_code == 404
    # their congress has no term here: nothing of ours is shown
    assert api.get("coverage").status_code == 404


def test_coverage_is_paged_and_filtered(setup: Setup, django_assert_num_queries):
    api = Api(setup.world.clerk)
    api.get("coverage")
    with django_assert_num_queries(9):
        page = api.get("coverage", {"page_size": 5})
    body = page.json()
    assert body["count"] == 12 and body["pages"] == 3 and len(body["items"]) == 5
    west = api.get("coverage", {"delegation_id": setup.delegations[1].pk}).json()
    assert west["count"] == 4
    # the deputy sees their own record only
    mine = Api(setup.world.deputy).get("coverage").json()
    assert [r["person_id"] for r in mine["items"]] == [P(setup.world.deputy).pk]


def test_bad_input_writes_nothing(setup: Setup):
    w = setup.world
    api = Api(w.clerk)
    response = api.post(
        f"meetings/{setup.meeting.pk}/confirm", {"person_ids": [P(w.clerk).pk], "seats": 2}
    )
    assert response.status_code == 400
    assert response.json()["field"] == "person_ids"
    assert not services.selectors.rotation_of(setup.meeting)
