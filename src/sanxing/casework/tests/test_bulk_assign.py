"""The desk's bulk assignment: several registered items to one set of units, checked first,
all or nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from sanxing.casework import kinds, services
from sanxing.casework.models import Assignment, Item
from sanxing.casework.tests.factories import registered_suggestion
from sanxing.core.errors import BusinessError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC), tick=False):
        yield


def test_bulk_assign_through_the_desk_with_check_your_answers(client, world):
    items = [
        registered_suggestion(world, on=dt.date(2026, 5, 4 + n), title=f"學位{n}") for n in range(3)
    ]
    client.force_login(world.clerk)
    desk = client.get("/casework/").content.decode()
    assert f'id="select-{items[0].pk}"' in desk
    ids = [i.pk for i in items[:2]]
    r = client.get("/casework/assign/", {"items": ids})
    assert (
        r.status_code == 200 and "學位0" in r.content.decode() and "學位2" not in r.content.decode()
    )
    form = {
        "items": ids,
        "lead_unit": world.unit.pk,
        "co_units": [world.other_unit.pk],
        "on": "2026-06-01",
    }
    r = client.post("/casework/assign/", form)
    assert r.status_code == 200
    body = r.content.decode()
    assert "confirm-bulk-assign" in body and "學位1" in body and "2026" in body
    assert not Assignment.objects.exists()
    r = client.post("/casework/assign/", {**form, "confirm": "yes"})
    assert r.status_code == 302
    for item in items[:2]:
        item.refresh_from_db()
        assert item.state == kinds.ASSIGNED
        assert {a.unit for a in item.assignments.all()} == {world.unit, world.other_unit}
    items[2].refresh_from_db()
    assert items[2].state == kinds.REGISTERED


def test_bulk_assign_is_all_or_nothing(client, world):
    a = registered_suggestion(world, on=dt.date(2026, 5, 4), title="甲")
    b = registered_suggestion(world, on=dt.date(2026, 5, 30), title="乙")
    client.force_login(world.clerk)
    form = {"items": [a.pk, b.pk], "lead_unit": world.unit.pk, "on": "2026-05-20", "confirm": "yes"}
    r = client.post("/casework/assign/", form)  # before b was registered
    assert r.status_code == 400
    assert b.reference in r.content.decode()
    assert not Assignment.objects.exists()
    with pytest.raises(BusinessError):
        services.items_assign(
            items=[a, b], lead_unit=world.unit, on=dt.date(2026, 5, 20), by=world.clerk
        )
    assert not Assignment.objects.exists()
    with pytest.raises(BusinessError):
        services.items_assign(items=[], lead_unit=world.unit, by=world.clerk)


def test_bulk_assign_is_for_the_office_only(client, world):
    a = registered_suggestion(world, on=dt.date(2026, 5, 4))
    for user in (world.handler, world.deputy, world.outsider):
        client.force_login(user)
        assert client.get("/casework/assign/", {"items": [a.pk]}).status_code == 404
        r = client.post(
            "/casework/assign/",
            {"items": [a.pk], "lead_unit": world.unit.pk, "on": "2026-06-01", "confirm": "yes"},
        )
        assert r.status_code == 404
    assert Item.objects.get().state == kinds.REGISTERED


def test_an_item_not_waiting_to_be_assigned_cannot_be_slipped_in(client, world):
    submitted = services.item_submit(
        congress=world.congress,
        kind="suggestion",
        title="未立案",
        content="",
        topic="education",
        submitted_on=dt.date(2026, 5, 4),
        deputies=[world.deputy.person],
        by=world.clerk,
    )
    client.force_login(world.clerk)
    r = client.post(
        "/casework/assign/",
        {"items": [submitted.pk], "lead_unit": world.unit.pk, "on": "2026-06-01", "confirm": "yes"},
    )
    assert r.status_code == 400
    assert not Assignment.objects.exists()
