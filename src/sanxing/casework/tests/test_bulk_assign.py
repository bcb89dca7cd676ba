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


def _submitted(world):
    """A suggestion submitted, not yet registered."""
    return services.item_submit(
        congress=world.congress,
        kind="suggestion",
        title="未立案",
        content="",
        topic="education",
        submitted_on=dt.date(2026, 5, 4),
        deputies=[world.deputy.person],
        by=world.clerk,
    )


def test_an_item_not_waiting_to_be_assigned_cannot_be_slipped_in(client, world):
    submitted = _submitted(world)
    client.force_login(world.clerk)
    r = client.post(
        "/casework/assign/",
        {"items": [submitted.pk], "lead_unit": world.unit.pk, "on": "2026-06-01", "confirm": "yes"},
    )
    assert r.status_code == 400
    assert not Assignment.objects.exists()


# --- letters in bulk assignment -----------------------------------------------------------------


def _letter(world, *, on=dt.date(2026, 5, 4), title="路燈不亮", accept=True, name="張三"):
    letter = services.letter_receive(
        congress=world.congress,
        channel="letter",
        petitioner_name=name,
        petitioner_phone="",
        title=title,
        content="請修路燈。",
        received_on=on,
        by=world.clerk,
    )
    if accept:
        letter = services.letter_accept(item=letter, by=world.clerk, on=on)
    return letter


def test_the_desk_ticks_accepted_letters_not_received_ones(client, world):
    accepted = _letter(world, title="甲信", name="甲")
    received = _letter(world, title="乙信", name="乙", accept=False)
    assigned = _letter(world, title="丙信", name="丙")
    services.item_assign(
        item=assigned, lead_unit=world.unit, by=world.clerk, on=dt.date(2026, 5, 5)
    )
    client.force_login(world.clerk)
    desk = client.get("/casework/").content.decode()
    assert f'id="select-{accepted.pk}"' in desk
    assert "乙信" in desk and f'id="select-{received.pk}"' not in desk
    assert "丙信" not in desk  # forwarded already: off the queue


def test_the_desk_list_takes_the_same_queries_however_many_items(
    client, world, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _letter(world, title="甲信", name="甲")
    _letter(world, title="乙信", name="乙", accept=False)  # so the deadlines list is not empty
    registered_suggestion(world, on=dt.date(2026, 5, 4), title="甲議")
    client.force_login(world.clerk)
    client.get("/casework/")  # warm the session and the workflow rows
    with CaptureQueriesContext(connection) as few:
        client.get("/casework/")
    for n in range(4):
        _letter(world, title=f"信{n}", name=f"寫信人{n}")
        _letter(world, title=f"未受理{n}", name=f"來訪人{n}", accept=False)
        registered_suggestion(world, on=dt.date(2026, 5, 4), title=f"議{n}")
    with django_assert_num_queries(len(few)):
        body = client.get("/casework/").content.decode()
    assert body.count('name="items"') == 2 + 8


def test_letters_and_suggestions_assigned_together_each_with_its_own_clocks(client, world):
    letter = _letter(world)
    suggestion = registered_suggestion(world, on=dt.date(2026, 5, 4), title="學位")
    client.force_login(world.clerk)
    form = {
        "items": [letter.pk, suggestion.pk],
        "lead_unit": world.unit.pk,
        "on": "2026-06-01",
        "is_hard": "on",
    }
    r = client.post("/casework/assign/", form)
    body = r.content.decode()
    assert r.status_code == 200 and "confirm-bulk-assign" in body
    handle_due = letter.clocks.get(purpose="handle").due_on
    assert handle_due.strftime("%Y") in body
    r = client.post("/casework/assign/", {**form, "confirm": "yes"})
    assert r.status_code == 302
    letter.refresh_from_db()
    suggestion.refresh_from_db()
    # the letter: accepted → forwarded (still "accepted, being handled"), the unit's 5-day
    # window to object; the 60-day handling clock from acceptance runs on, not "hard"
    assert letter.state == kinds.ACCEPTED and not letter.is_hard
    lead = letter.assignments.get()
    assert lead.unit == world.unit
    assert set(letter.clocks.filter(stopped_on__isnull=True).values_list("purpose", flat=True)) == {
        "handle",
        "return_window",
    }
    assert letter.clocks.get(purpose="handle").due_on == handle_due
    assert letter.clocks.get(purpose="return_window").rule_code == "letter.return_window"
    # the suggestion: assigned, hard (6 months)
    assert suggestion.state == kinds.ASSIGNED and suggestion.is_hard
    assert suggestion.clocks.get(purpose="reply").rule_code == "suggestion.reply_hard"


def test_a_mixed_selection_names_each_item_that_cannot_be_assigned_and_writes_nothing(
    client, world
):
    from django.utils import translation

    ok = _letter(world, title="可交辦", name="甲")
    received = _letter(world, title="未受理", name="乙", accept=False)
    submitted = _submitted(world)
    client.force_login(world.clerk)
    form = {
        "items": [ok.pk, received.pk, submitted.pk],
        "lead_unit": world.unit.pk,
        "on": "2026-06-01",
        "confirm": "yes",
    }
    with translation.override("en"):
        r = client.post("/casework/assign/", form, HTTP_ACCEPT_LANGUAGE="en")
    body = r.content.decode()
    assert r.status_code == 400
    assert f"{received.reference}: This letter has not been accepted yet" in body
    assert f"{submitted.reference}: This item is" in body
    assert f"{ok.reference}:" not in body
    assert body.count("cannot be assigned") >= 2
    assert not Assignment.objects.exists()
    with pytest.raises(services.BulkAssignmentError) as err:
        services.items_assign(items=[ok, received, submitted], lead_unit=world.unit, by=world.clerk)
    assert [item for item, _message in err.value.problems] == [received, submitted]
    assert not Assignment.objects.exists()
