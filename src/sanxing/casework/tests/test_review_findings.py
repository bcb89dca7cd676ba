"""Review findings: entering and registering an item in one step (no half-written item, no
duplicate when the form is sent twice), the same closing note from every channel."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from sanxing.casework import kinds, services
from sanxing.casework.models import Item, TimelineEvent
from sanxing.casework.tests.factories import assigned_suggestion
from sanxing.core.errors import BusinessError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC), tick=False):
        yield


FORM = {
    "title": "關於增設公交線路的建議",
    "content": "……",
    "topic": "transport",
    "channel": "between_sessions",
    "submitted_on": "2026-05-20",
    "register_now": "on",
}


def test_the_office_enters_and_registers_once_even_when_the_form_is_sent_twice(client, world):
    client.force_login(world.clerk)
    form = {**FORM, "lead": world.deputy.person.pk}
    first = client.post("/casework/new/", form)
    assert first.status_code == 302, first.content.decode()[:2000]
    second = client.post("/casework/new/", form)
    assert second.status_code == 302 and second["Location"] == first["Location"]
    item = Item.objects.get()
    assert item.state == kinds.REGISTERED and item.number == 1
    assert item.registered_on == dt.date(2026, 5, 20)
    assert TimelineEvent.objects.filter(item=item, action="register").count() == 1


def test_a_refused_registration_leaves_no_submitted_item(world, monkeypatch):
    def refuse(**kwargs):
        raise BusinessError("no", field="on")

    monkeypatch.setattr(services, "item_register", refuse)
    with pytest.raises(BusinessError):
        services.item_enter(
            register=True,
            congress=world.congress,
            kind=kinds.Kind.SUGGESTION,
            title="x",
            content="",
            deputies=[world.deputy.person],
            by=world.clerk,
        )
    assert not Item.all_objects.exists() and not TimelineEvent.objects.exists()


def test_a_different_item_is_not_taken_for_a_duplicate(world):
    fields = {
        "congress": world.congress,
        "kind": kinds.Kind.SUGGESTION,
        "content": "",
        "deputies": [world.deputy.person],
        "by": world.clerk,
    }
    a = services.item_enter(title="甲", **fields)
    b = services.item_enter(title="乙", **fields)
    c = services.item_enter(title="甲", **{**fields, "deputies": [world.member.person]})
    assert len({a.pk, b.pk, c.pk}) == 3


def _replied(world):
    item, lead = assigned_suggestion(world, on=dt.date(2026, 3, 2))
    services.reply_submit(
        assignment=lead,
        text="已增加學位。",
        reply_class="A",
        signed_by="王局長",
        sent_on=dt.date(2026, 4, 1),
        by=world.handler,
    )
    item.refresh_from_db()
    return item


@pytest.mark.parametrize("channel", ["page", "api"])
def test_closing_records_the_same_note_in_the_deployments_language(client, world, channel):
    item = _replied(world)
    client.force_login(world.clerk)
    if channel == "page":
        r = client.post(
            f"/casework/items/{item.pk}/close/", HTTP_ACCEPT_LANGUAGE="en", follow=False
        )
        assert r.status_code == 302, r.content.decode()[:2000]
    else:
        r = client.post(f"/api/v1/casework/items/{item.pk}/close", HTTP_ACCEPT_LANGUAGE="en")
        assert r.status_code == 200, r.content
    item.refresh_from_db()
    assert item.state == kinds.CLOSED
    assert TimelineEvent.objects.get(item=item, action="close").note == "征询意见表未反馈"


def _pending_reply(world, text):
    from sanxing.casework.models import UnitSetting
    from sanxing.people.models import Role
    from sanxing.people.testing import give_role, make_user

    head = make_user(world.congress, "unit_head", "陳局長")
    give_role(head, world.unit, Role.Kind.UNIT_HEAD)
    UnitSetting.objects.create(congress=world.congress, unit=world.unit, reply_needs_approval=True)
    item, lead = assigned_suggestion(world, on=dt.date(2026, 3, 2))
    reply = services.reply_submit(
        assignment=lead, text=text, reply_class="A", signed_by="局長", by=world.handler
    )
    return item, reply, head


@pytest.mark.parametrize("word", ["九百個學位", "九百"])  # through MATCH and through LIKE
def test_search_skips_replies_awaiting_the_heads_approval(world, word):
    from sanxing.casework import search

    item, reply, head = _pending_reply(world, "今年新增九百個學位。")
    assert reply.approval == "pending"
    for user in (world.clerk, world.handler):
        assert list(search.search_items(user, word)) == []
    services.reply_approve(reply=reply, by=head)
    found = list(search.search_items(world.clerk, word))
    assert found == [item]
    assert search.snippets_for(found[0], word)["passage"].field == "reply"


def test_an_index_built_by_the_old_triggers_is_rebuilt(world):
    from django.db import connection

    from sanxing.casework import search

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's FTS index only")
    search.install_search_index()
    with connection.cursor() as cursor:  # the triggers as they were: every reply indexed
        cursor.execute(f"DROP TRIGGER {search.FTS_TABLE}_reply_au")
        cursor.execute(
            f"CREATE TRIGGER {search.FTS_TABLE}_reply_au AFTER UPDATE ON casework_reply BEGIN "
            f"UPDATE {search.FTS_TABLE} SET replies = new.text WHERE rowid = new.item_id; END"
        )
    search._installed.clear()
    _pending_reply(world, "今年新增九百個學位。")
    assert list(search.search_items(world.clerk, "九百個學位")) == []


def test_casework_migrations_on_sqlite_drop_the_search_triggers_and_restore_them(world):
    """SQLite rebuilds a table to alter it; the FTS triggers naming casework_reply would break
    that, so they are dropped before casework's migrations and restored (and refilled) after."""
    from django.apps import apps
    from django.db import connection

    from sanxing.casework import search

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    config = apps.get_app_config("casework")
    item, _lead = assigned_suggestion(world, on=dt.date(2026, 3, 2))
    search.install_search_index()
    search._on_pre_migrate(sender=config)
    assert not search._triggers_current("default")
    search._on_post_migrate(sender=config)
    assert search._triggers_current("default")
    assert list(search.search_items(world.clerk, "增加學位")) == [item]
