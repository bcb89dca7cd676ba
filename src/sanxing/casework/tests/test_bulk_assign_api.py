"""POST /api/v1/casework/items/assign: the desk's bulk assignment over JSON."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from sanxing.casework import kinds, services
from sanxing.casework.models import Assignment
from sanxing.casework.tests.factories import registered_suggestion

pytestmark = pytest.mark.django_db

URL = "/api/v1/casework/items/assign"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC), tick=False):
        yield


def _letter(world, *, name="張三", accept=True):
    letter = services.letter_receive(
        congress=world.congress,
        channel="letter",
        petitioner_name=name,
        title=f"{name}的來信",
        content="請修路燈。",
        received_on=dt.date(2026, 5, 4),
        by=world.clerk,
    )
    if accept:
        letter = services.letter_accept(item=letter, by=world.clerk, on=dt.date(2026, 5, 4))
    return letter


def _post(client, body):
    return client.post(URL, body, content_type="application/json")


def test_the_office_assigns_a_letter_and_a_suggestion_together(client, world):
    letter = _letter(world)
    suggestion = registered_suggestion(world, on=dt.date(2026, 5, 4))
    client.force_login(world.clerk)
    r = _post(
        client,
        {
            "item_ids": [letter.pk, suggestion.pk],
            "lead_unit_id": world.unit.pk,
            "co_unit_ids": [world.other_unit.pk],
            "on": "2026-06-01",
        },
    )
    assert r.status_code == 200, r.content
    data = r.json()
    assert [(i["id"], i["state"]) for i in data["items"]] == [
        (letter.pk, kinds.ACCEPTED),
        (suggestion.pk, kinds.ASSIGNED),
    ]
    assert len(data["assignments"]) == 4
    assert letter.clocks.filter(purpose="return_window").count() == 2


def test_a_mixed_list_is_refused_item_by_item_and_nothing_is_written(client, world):
    ok = _letter(world, name="甲")
    received = _letter(world, name="乙", accept=False)
    client.force_login(world.clerk)
    r = _post(
        client,
        {"item_ids": [ok.pk, received.pk], "lead_unit_id": world.unit.pk},
    )
    assert r.status_code == 400
    body = r.json()
    assert body["field"] == "item_ids"
    [error] = body["errors"]
    assert error["message"].startswith(f"{received.reference}:")
    assert not Assignment.objects.exists()
    r = _post(client, {"item_ids": [], "lead_unit_id": world.unit.pk})
    assert r.status_code == 400 and not Assignment.objects.exists()


@pytest.mark.parametrize("persona", ["outsider", "handler", "deputy"])
def test_the_outsider_and_others_are_refused(client, world, persona):
    letter = _letter(world)
    client.force_login(getattr(world, persona))
    r = _post(client, {"item_ids": [letter.pk], "lead_unit_id": world.unit.pk})
    assert r.status_code in (403, 404)
    if persona == "outsider":
        assert r.status_code == 404
    assert not Assignment.objects.exists()
    client.logout()
    assert _post(client, {"item_ids": [letter.pk], "lead_unit_id": world.unit.pk}).status_code in (
        401,
        403,
    )


def test_openapi_documents_the_bulk_endpoint(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    responses = paths["/api/v1/casework/items/assign"]["post"]["responses"]
    assert {"200", "400", "401", "403", "404", "422"} <= set(responses)
