"""Replies the deputy agreed to publish, on a public page: anonymous access, the published
fields only, nothing else."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from sanxing.casework import services
from sanxing.casework.models import UnitSetting
from sanxing.casework.tests.factories import assigned_suggestion

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC), tick=False):
        yield


def _replied(world, title, *, publish, text, co=False):
    item, lead = assigned_suggestion(
        world, on=dt.date(2026, 3, 2), title=title, public_disclosure_agreed=publish
    )
    if co:
        co_assignment = services.item_assign(
            item=item, lead_unit=None, co_units=[world.other_unit], by=world.clerk
        )[0]
        services.reply_submit(
            assignment=co_assignment, text="協辦意見機密", signed_by="協辦", by=world.other_handler
        )
    services.contact_record(
        assignment=lead,
        contacted_on=dt.date(2026, 5, 1),
        method="phone",
        note="聯繫記錄機密",
        by=world.handler,
    )
    services.reply_submit(
        assignment=lead,
        text=text,
        reply_class="A",
        signed_by="簽發人機密",
        sent_on=dt.date(2026, 5, 20),
        by=world.handler,
    )
    return item


def test_anonymous_sees_published_replies_and_nothing_else(
    client, world, django_assert_max_num_queries
):
    published = _replied(world, "公開的建議", publish=True, text="公開的答復", co=True)
    _replied(world, "不公開的建議", publish=False, text="不公開的答復")
    services.evaluation_submit(
        item=published, value="unsatisfied", comment="評價機密", by=world.deputy
    )
    letter = services.letter_receive(
        congress=world.congress,
        channel="letter",
        petitioner_name="來信人機密",
        petitioner_phone="13912345678",
        title="來信機密",
        content="",
        by=world.clerk,
    )
    assert letter
    client.get("/casework/public/")  # warm caches
    with django_assert_max_num_queries(8):
        r = client.get("/casework/public/")
    assert r.status_code == 200
    body = r.content.decode()
    assert "公開的建議" in body and "公開的答復" in body and world.unit.name in body
    for secret in (
        "不公開",
        "協辦意見機密",
        "聯繫記錄機密",
        "簽發人機密",
        "評價機密",
        "來信",
        "13912345678",
        world.deputy.person.name,
        "建議增加學位。",  # the suggestion's content
    ):
        assert secret not in body, secret
    r = client.get(f"/casework/public/{published.pk}/")
    assert r.status_code == 200
    detail = r.content.decode()
    assert "公開的答復" in detail
    for secret in ("協辦意見機密", "簽發人機密", world.deputy.person.name, "建議增加學位。"):
        assert secret not in detail, secret


def test_unpublished_pending_or_unknown_items_are_404(client, world):
    hidden = _replied(world, "不公開", publish=False, text="x")
    assert client.get(f"/casework/public/{hidden.pk}/").status_code == 404
    assert client.get("/casework/public/999999/").status_code == 404
    UnitSetting.objects.create(congress=world.congress, unit=world.unit, reply_needs_approval=True)
    pending = _replied(world, "待審批", publish=True, text="待審批的答復")
    assert client.get(f"/casework/public/{pending.pk}/").status_code == 404
    assert "待審批的答復" not in client.get("/casework/public/").content.decode()


def test_the_tracking_page_shows_the_writer_only_the_office_answer(client, world):
    letter = services.letter_receive(
        congress=world.congress,
        channel="letter",
        petitioner_name="錢七",
        title="噪聲",
        content="",
        by=world.clerk,
    )
    services.letter_accept(item=letter, by=world.clerk)
    lead = services.item_assign(item=letter, lead_unit=world.unit, by=world.clerk)[0]
    services.reply_submit(
        assignment=lead,
        text="單位內部報告",
        reply_class="explain",
        signed_by="局",
        by=world.handler,
    )
    services.letter_answer(
        item=letter, outcome="explain", text="給來信人的答復", signed_by="信訪室", by=world.clerk
    )
    body = client.post("/casework/track/", {"code": letter.tracking_code}).content.decode()
    assert "給來信人的答復" in body and "單位內部報告" not in body
