"""The acknowledgement (收件回執) to whoever writes to a published mailbox: real SMTP into the
gateway over loopback, and the acknowledgement read off a real SMTP server (``smtp_server``)."""

from __future__ import annotations

import smtplib
import time
from email.message import EmailMessage

import pytest
from django.core.cache import cache

from sanxing.casework import mailin
from sanxing.casework.acknowledge import automatic_reason
from sanxing.casework.models import Item, Mailbox, TimelineEvent
from sanxing.notify.testing import free_port

pytestmark = pytest.mark.django_db(transaction=True)

ADDRESS = "zhuren@rd.example.gov.cn"
OTHER = "fuzhuren@rd.example.gov.cn"


@pytest.fixture
def gateway(world, settings, tmp_path, smtp_server):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://rd.example.gov.cn"
    settings.DEFAULT_FROM_EMAIL = "office@rd.example.gov.cn"
    settings.MAILIN_MAX_PER_SENDER_PER_HOUR = 50
    settings.CASEWORK_ACK_MAX_PER_SENDER_PER_DAY = 2
    cache.clear()
    for address in (ADDRESS, OTHER):
        Mailbox.objects.create(
            congress=world.congress, address=address, owner=world.director.person
        )
    port = free_port()
    gw = mailin.controller(host="127.0.0.1", port=port)
    gw.start()
    yield port
    gw.stop()


def _letter(subject="學校門口交通擁堵", sender="市民 <citizen@example.com>", **headers):
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = ADDRESS
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{time.monotonic_ns()}@example.com>"
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content("每天早上學校門口堵車，請協調交警。")
    return msg


def _send(port, msg, to=(ADDRESS,), sender="citizen@example.com"):
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        return smtp.send_message(msg, from_addr=sender, to_addrs=list(to))


def _events(item, action):
    return list(TimelineEvent.objects.filter(item=item, action=action))


def _quiet(smtp_server, count):
    """Nothing more than ``count`` messages arrives (the gateway answers after deciding)."""
    time.sleep(0.2)
    assert len(smtp_server.messages) == count


def test_the_writer_gets_an_acknowledgement_with_the_tracking_code(gateway, smtp_server):
    msg = _letter()
    _send(gateway, msg)
    item = Item.objects.get()
    [ack] = smtp_server.wait_for(1)
    assert ack["To"] == "citizen@example.com"
    assert ack["Auto-Submitted"] == "auto-replied"
    assert ack["In-Reply-To"] == msg["Message-ID"]
    assert item.tracking_code in ack["Subject"]
    body = smtp_server.text_of(ack)
    assert item.tracking_code in body
    assert "https://rd.example.gov.cn/casework/track/" in body
    clock = item.clocks.get(purpose="register")
    assert clock.due_on.isoformat() in body
    assert "15" in body and clock.article in body
    assert "来信" in ack["Subject"] or "来信" in body  # in the congress's language (zh-Hans)
    [event] = _events(item, "acknowledge")
    assert msg["Message-ID"] in event.note
    _quiet(smtp_server, 1)


@pytest.mark.parametrize(
    "headers, envelope",
    [
        ({"Auto_Submitted": "auto-replied"}, "citizen@example.com"),
        ({"Precedence": "bulk"}, "citizen@example.com"),
        ({"List_Id": "<news.example.com>"}, "citizen@example.com"),
        ({}, ""),  # the null sender <>: a bounce
    ],
)
def test_automatic_mail_is_not_acknowledged(gateway, smtp_server, headers, envelope):
    _send(gateway, _letter(**headers), sender=envelope)
    item = Item.objects.get()  # still a letter: a person reads it
    [event] = _events(item, "acknowledge_skipped")
    assert "automatic" in event.note.lower() or "自动" in event.note
    assert not _events(item, "acknowledge")
    _quiet(smtp_server, 0)


def test_daemon_senders_are_not_acknowledged(gateway, smtp_server):
    _send(
        gateway,
        _letter(sender="MAILER-DAEMON@example.com"),
        sender="MAILER-DAEMON@example.com",
    )
    assert _events(Item.objects.get(), "acknowledge_skipped")
    _quiet(smtp_server, 0)


def test_one_message_to_two_mailboxes_is_acknowledged_once(gateway, smtp_server):
    msg = _letter()
    _send(gateway, msg, to=(ADDRESS, OTHER))
    first, second = Item.objects.order_by("pk")
    smtp_server.wait_for(1)
    assert _events(first, "acknowledge")
    [skipped] = _events(second, "acknowledge_skipped")
    assert msg["Message-ID"] in skipped.note
    _quiet(smtp_server, 1)


def test_the_same_message_delivered_again_is_not_acknowledged_again(gateway, smtp_server):
    msg = _letter()
    _send(gateway, msg)
    smtp_server.wait_for(1)
    _send(gateway, msg)
    again = Item.objects.order_by("pk").last()
    [skipped] = _events(again, "acknowledge_skipped")
    assert msg["Message-ID"] in skipped.note
    _quiet(smtp_server, 1)


def test_a_repeat_within_a_day_is_not_acknowledged(gateway, smtp_server):
    _send(gateway, _letter(subject="第一封"))
    smtp_server.wait_for(1)
    _send(gateway, _letter(subject="再寫一封"))
    first, repeat = Item.objects.order_by("pk")
    assert repeat.related_item == first
    [skipped] = _events(repeat, "acknowledge_skipped")
    assert first.reference in skipped.note
    _quiet(smtp_server, 1)


def test_at_most_n_acknowledgements_per_sender_a_day(gateway, smtp_server, world):
    # Close each letter first so the next is not a repeat: only the daily limit applies.
    for n in range(3):
        _send(gateway, _letter(subject=f"第{n}封"))
        Item.objects.filter(state="received").update(state="redirected")
    assert len(smtp_server.wait_for(2)) == 2
    last = Item.objects.order_by("pk").last()
    [skipped] = _events(last, "acknowledge_skipped")
    assert "2" in skipped.note
    _quiet(smtp_server, 2)
    # another writer is not affected
    _send(gateway, _letter(sender="b@example.com"), sender="b@example.com")
    assert smtp_server.wait_for(3)[-1]["To"] == "b@example.com"


def test_a_mail_server_failure_is_recorded_and_the_letter_kept(gateway, settings):
    settings.EMAIL_PORT = free_port()  # nobody listens there
    _send(gateway, _letter())
    item = Item.objects.get()
    assert _events(item, "acknowledge_failed")


def test_automatic_reason():
    msg = EmailMessage()
    msg["From"] = "a@example.com"
    assert automatic_reason(msg, "a@example.com") == ""
    msg["Auto-Submitted"] = "no"
    assert automatic_reason(msg, "a@example.com") == ""
    assert automatic_reason(msg, "") == "MAIL FROM:<>"
    assert automatic_reason(msg, None) == ""
    msg["Return-Path"] = "<>"
    assert automatic_reason(msg, None) == "Return-Path: <>"
    report = EmailMessage()
    report["From"] = "x@example.com"
    report.set_type("multipart/report")
    assert automatic_reason(report) == "multipart/report"
    outlook = EmailMessage()
    outlook["From"] = "x@example.com"
    outlook["X-Auto-Response-Suppress"] = "OOF, AutoReply"
    assert automatic_reason(outlook).startswith("X-Auto-Response-Suppress")
