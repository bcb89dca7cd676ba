"""The inbound mail gateway, driven by a real SMTP client (smtplib) over loopback."""

from __future__ import annotations

import smtplib
import socket
from email.message import EmailMessage

import pytest

from sanxing.casework import mailin
from sanxing.casework.models import Item, ItemAttachment, Mailbox
from sanxing.notify.models import Notice

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ADDRESS = "zhuren@rd.example.gov.cn"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def gateway(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MAILIN_MAX_BYTES = 200_000
    settings.MAILIN_MAX_PER_SENDER_PER_HOUR = 3
    from django.core.cache import cache

    cache.clear()
    Mailbox.objects.create(congress=world.congress, address=ADDRESS, owner=world.director.person)
    Mailbox.objects.create(
        congress=world.congress,
        address="old@rd.example.gov.cn",
        owner=world.director.person,
        active=False,
    )
    port = _free_port()
    gw = mailin.controller(host="127.0.0.1", port=port)
    gw.start()
    yield port
    gw.stop()


def _letter(subject="學校門口交通擁堵", sender="市民 <citizen@example.com>", files=()):
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = ADDRESS
    msg["Subject"] = subject
    msg.set_content("每天早上學校門口堵車，請協調交警。")
    for name, data, maintype, subtype in files:
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg


def _send(port, msg, to=ADDRESS, sender="citizen@example.com"):
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        return smtp.send_message(msg, from_addr=sender, to_addrs=[to])


def test_mail_to_a_mailbox_becomes_a_letter_with_its_attachment(gateway, world):
    _send(gateway, _letter(files=[("照片.pdf", PDF, "application", "pdf")]))
    item = Item.objects.get()
    assert (item.kind, item.channel, item.state) == ("letter", "email", "received")
    assert item.title == "學校門口交通擁堵"
    assert item.petitioner_name == "市民" and item.petitioner_email == "citizen@example.com"
    assert "請協調交警" in item.content
    assert item.tracking_code
    assert item.clocks.get().purpose == "register"
    link = ItemAttachment.objects.get(item=item)
    assert link.attachment.original_name == "照片.pdf"
    assert link.attachment.content_type == "application/pdf"
    assert link.attachment.file.read() == PDF
    notices = Notice.objects.filter(kind="casework.mailin")
    assert world.clerk in {n.recipient for n in notices}
    assert world.outsider not in {n.recipient for n in notices}


def test_html_only_mail_is_stripped(gateway):
    msg = EmailMessage()
    msg["From"] = "citizen@example.com"
    msg["Subject"] = "路燈"
    msg.set_content("<p>路燈<b>不亮</b></p>", subtype="html")
    _send(gateway, msg)
    assert Item.objects.get().content == "路燈不亮"


def test_unknown_or_inactive_recipient_is_refused_with_550(gateway):
    for to in ("nobody@rd.example.gov.cn", "old@rd.example.gov.cn"):
        with pytest.raises(smtplib.SMTPRecipientsRefused) as err:
            _send(gateway, _letter(), to=to)
        assert err.value.recipients[to][0] == 550
    assert not Item.objects.exists()


def test_oversized_message_is_refused_with_552(gateway):
    big = _letter(files=[("big.pdf", PDF + b"0" * 300_000, "application", "pdf")])
    with pytest.raises(smtplib.SMTPException) as err:
        _send(gateway, big)
    assert "552" in str(err.value)
    assert not Item.objects.exists()


def test_a_mail_bomb_is_refused_and_creates_nothing_more(gateway):
    for n in range(3):
        _send(gateway, _letter(subject=f"第{n}封"))
    with pytest.raises(smtplib.SMTPRecipientsRefused) as err:
        _send(gateway, _letter(subject="第4封"))
    assert err.value.recipients[ADDRESS][0] == 452
    assert Item.objects.count() == 3
    # another sender is not affected
    _send(gateway, _letter(sender="b@example.com"), sender="b@example.com")
    assert Item.objects.count() == 4


def test_malformed_messages_and_refused_attachments_make_no_letter(gateway, caplog):
    with smtplib.SMTP("127.0.0.1", gateway, timeout=10) as smtp:
        smtp.ehlo()
        smtp.mail("citizen@example.com")
        smtp.rcpt(ADDRESS)
        code, _msg = smtp.data(b"Subject: no sender\r\n\r\nhello\r\n")
    assert code == 550
    exe = _letter(files=[("setup.pdf", b"MZ\x90\x00" * 10, "application", "pdf")])
    with pytest.raises(smtplib.SMTPDataError) as err:
        _send(gateway, exe)
    assert err.value.smtp_code == 554
    assert not Item.objects.exists()
    assert "malformed" in caplog.text.lower() or "sender" in caplog.text.lower()


def test_lmtp_mode(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    Mailbox.objects.create(congress=world.congress, address=ADDRESS, owner=world.director.person)
    port = _free_port()
    gw = mailin.controller(host="127.0.0.1", port=port, lmtp=True)
    gw.start()
    try:
        with smtplib.LMTP("127.0.0.1", port) as lmtp:
            lmtp.send_message(_letter(), from_addr="c@example.com", to_addrs=[ADDRESS])
    finally:
        gw.stop()
    assert Item.objects.get().channel == "email"


def test_the_mailin_command_serves_until_stopped(world, monkeypatch, capsys):
    import types

    from django.core.management import call_command

    from sanxing.casework.management.commands import mailin as command

    port = _free_port()
    answers = []

    class TalkThenStop:  # instead of waiting for a signal: talk to the gateway, then stop
        def set(self):
            pass

        def wait(self, timeout=None):
            with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
                answers.append(smtp.ehlo()[0])
                answers.append(smtp.mail("a@example.com")[0])
                answers.append(smtp.rcpt("nobody@example.com")[0])
            return True

    monkeypatch.setattr(command, "threading", types.SimpleNamespace(Event=TalkThenStop))
    call_command("mailin", "--port", str(port))
    assert answers == [250, 250, 550]
    assert f"SMTP on 127.0.0.1:{port}" in capsys.readouterr().out
