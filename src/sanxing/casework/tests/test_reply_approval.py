"""A unit configured so: its replies go out only when its head approves them."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from sanxing.casework import kinds, services
from sanxing.casework.kinds import Purpose
from sanxing.casework.models import Clock, Reply, UnitSetting
from sanxing.casework.tests.factories import assigned_suggestion
from sanxing.core.errors import BusinessError, NotPermitted
from sanxing.notify.models import Notice
from sanxing.people.models import Role
from sanxing.people.testing import give_role, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def head(world):
    user = make_user(world.congress, "unit_head", "陳局長")
    give_role(user, world.unit, Role.Kind.UNIT_HEAD)
    UnitSetting.objects.create(congress=world.congress, unit=world.unit, reply_needs_approval=True)
    return user


def _reply(world, lead):
    return services.reply_submit(
        assignment=lead,
        text="已解決。",
        reply_class="A",
        signed_by="局長",
        sent_on=dt.date(2026, 5, 28),
        by=world.handler,
    )


def test_a_pending_reply_does_not_count_until_the_head_approves(world, head):
    item, lead = assigned_suggestion(world, on=dt.date(2026, 3, 2))
    reply = _reply(world, lead)
    item.refresh_from_db()
    assert reply.approval == "pending" and not reply.is_sent
    assert item.state == kinds.ASSIGNED
    assert Clock.objects.get(item=item, purpose=Purpose.REPLY).stopped_on is None
    assert Notice.objects.filter(recipient=head, kind="casework.reply_approval").exists()
    with pytest.raises(BusinessError):  # one reply per round, even while pending
        _reply(world, lead)
    with pytest.raises(NotPermitted):
        services.reply_approve(reply=reply, by=world.handler)
    services.reply_approve(reply=reply, by=head)
    reply.refresh_from_db()
    item.refresh_from_db()
    assert reply.approval == "approved" and reply.approved_by == head
    assert reply.sent_on == dt.date(2026, 6, 1)  # sent when approved
    assert item.state == kinds.REPLIED
    assert Clock.objects.get(item=item, purpose=Purpose.REPLY).stopped_on == dt.date(2026, 6, 1)
    with pytest.raises(BusinessError):
        services.reply_approve(reply=reply, by=head)


def test_the_head_sends_it_back_and_the_handler_replies_again(world, head):
    item, lead = assigned_suggestion(world, on=dt.date(2026, 3, 2))
    reply = _reply(world, lead)
    with pytest.raises(BusinessError):
        services.reply_send_back(reply=reply, reason="", by=head)
    services.reply_send_back(reply=reply, reason="數據要更新", by=head)
    assert not Reply.objects.filter(pk=reply.pk).exists()
    assert Reply.all_objects.get(pk=reply.pk).sent_back_reason == "數據要更新"
    again = _reply(world, lead)
    assert again.approval == "pending"
    item.refresh_from_db()
    assert item.state == kinds.ASSIGNED


def test_without_the_setting_replies_go_out_at_once(world):
    item, lead = assigned_suggestion(world, on=dt.date(2026, 3, 2))
    reply = _reply(world, lead)
    item.refresh_from_db()
    assert reply.approval == "" and item.state == kinds.REPLIED


def test_pages_deputy_does_not_see_a_pending_reply_and_the_head_approves(client, world, head):
    item, lead = assigned_suggestion(world, on=dt.date(2026, 3, 2))
    _reply(world, lead)
    url = f"/casework/items/{item.pk}/"
    client.force_login(world.deputy)
    assert "已解決。" not in client.get(url).content.decode()
    client.force_login(world.handler)
    page = client.get(url).content.decode()
    assert "已解決。" in page and "approve-reply-" not in page
    client.force_login(head)
    page = client.get(url).content.decode()
    assert "approve-reply-" in page
    reply = Reply.objects.get()
    r = client.post(f"/casework/replies/{reply.pk}/send_back/", {"reason": ""})
    assert r.status_code == 400
    r = client.post(f"/casework/replies/{reply.pk}/approve/")
    assert r.status_code == 302
    client.force_login(world.deputy)
    assert "已解決。" in client.get(url).content.decode()
    for user in (world.outsider, world.other_handler):
        client.force_login(user)
        assert client.post(f"/casework/replies/{reply.pk}/approve/").status_code == 404


def test_api_approve(client, world, head):
    item, lead = assigned_suggestion(world, on=dt.date(2026, 3, 2))
    reply = _reply(world, lead)
    client.force_login(world.deputy)
    assert client.get(f"/api/v1/casework/items/{item.pk}").json()["replies"] == []
    client.force_login(world.handler)
    assert client.post(f"/api/v1/casework/replies/{reply.pk}/approve").status_code == 403
    client.force_login(world.outsider)
    assert client.post(f"/api/v1/casework/replies/{reply.pk}/approve").status_code == 404
    client.force_login(head)
    r = client.post(f"/api/v1/casework/replies/{reply.pk}/approve")
    assert r.status_code == 200 and r.json()["approval"] == "approved"


def test_the_files_of_a_pending_reply_are_not_shown_to_the_deputy(
    client, world, head, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    item, lead = assigned_suggestion(world, on=dt.date(2026, 3, 2))
    services.reply_submit(
        assignment=lead,
        text="已解決。",
        reply_class="A",
        signed_by="局長",
        files=[("答復.pdf", b"%PDF-1.4\n%%EOF\n")],
        by=world.handler,
    )
    from sanxing.casework.models import ItemAttachment

    link = ItemAttachment.objects.get()
    url = f"/casework/items/{item.pk}/files/{link.pk}/"
    client.force_login(world.deputy)
    assert client.get(url).status_code == 404
    assert client.get(f"/api/v1/casework/items/{item.pk}/attachments").json() == []
    client.force_login(world.handler)
    assert client.get(url).status_code == 200
    services.reply_approve(reply=Reply.objects.get(), by=head)
    client.force_login(world.deputy)
    assert client.get(url).status_code == 200
