"""The inbound mail gateway: mail to a director's published mailbox becomes a registered
letter (``sanxing mailin``; SMTP, or LMTP behind a mail server with ``--lmtp``).

Refused at the protocol level, before anything is written:

- a recipient that is no active ``Mailbox``: ``550`` at RCPT;
- a message over ``MAILIN_MAX_BYTES`` (default 30 MB, room for 20 MB of attachments in
  base64): ``552`` (aiosmtpd's ``data_size_limit``);
- more than ``MAILIN_MAX_PER_SENDER_PER_HOUR`` (default 10) messages from one sender in the
  current hour (a mail bomb): ``452`` at RCPT/``451`` at DATA, counted in the shared cache so
  several gateways agree;
- a malformed message (no sender address, unparsable, an attachment the attachment limits
  refuse): logged, ``550``/``552``/``554``, no letter.

Once a letter is in, the writer is e-mailed an acknowledgement with the tracking code, unless
the mail is automatic, a repeat, or the sender had enough for today (``acknowledge.py``).

The database work runs in a worker thread (Django's ORM is synchronous)."""

from __future__ import annotations

import asyncio
import email
import email.policy
import html
import logging
from email.message import EmailMessage
from email.utils import parseaddr
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP
from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections
from django.utils import timezone
from django.utils.html import strip_tags

from sanxing.core.errors import BusinessError

logger = logging.getLogger("sanxing.mailin")

DEFAULT_MAX_BYTES = 30 * 1024 * 1024
DEFAULT_MAX_PER_HOUR = 10


def max_bytes() -> int:
    return int(getattr(settings, "MAILIN_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_per_hour() -> int:
    return int(getattr(settings, "MAILIN_MAX_PER_SENDER_PER_HOUR", DEFAULT_MAX_PER_HOUR))


def _db(fn: Any, *args: Any) -> Any:
    try:
        close_old_connections()
        return fn(*args)
    finally:
        close_old_connections()


def _mailbox(address: str) -> Any:
    from sanxing.casework.models import Mailbox

    return Mailbox.objects.filter(address=address.strip().lower(), active=True).first()


def _rate_key(sender: str) -> str:
    return f"casework:mailin:{sender.strip().lower()}:{timezone.now():%Y%m%d%H}"


def _count(sender: str) -> int:
    return int(cache.get(_rate_key(sender)) or 0)


def _increment(sender: str) -> None:
    key = _rate_key(sender)
    if cache.add(key, 1, timeout=3600):
        return
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=3600)


def _text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    if part.get_content_subtype() == "html":
        content = html.unescape(strip_tags(content))
    return str(content).strip()


def _files_of(message: EmailMessage) -> list[tuple[str, bytes]]:
    files = []
    for part in message.iter_attachments():
        payload = part.get_payload(decode=True)
        if payload is None:
            continue
        files.append((part.get_filename() or "attachment", bytes(payload)))  # type: ignore[arg-type]
    return files


def deliver(
    content: bytes, recipients: list[str], envelope_sender: str | None = None
) -> tuple[str, list[int]]:
    """Turn one received message into a letter per mailbox, then acknowledge it to the
    writer once (``acknowledge.py``); the SMTP answer and the items."""
    from sanxing.casework import acknowledge, services

    try:
        message = email.message_from_bytes(content, policy=email.policy.default)
        name, address = parseaddr(str(message.get("From", "")))
        subject = str(message.get("Subject", "") or "")
        text = _text_of(message)  # type: ignore[arg-type]
        files = _files_of(message)  # type: ignore[arg-type]
        message_id = str(message.get("Message-ID", "") or "").strip()
        automatic = acknowledge.automatic_reason(message, envelope_sender)
    except Exception:
        logger.warning("mailin: malformed message refused", exc_info=True)
        return "554 5.6.0 Malformed message", []
    if not address or "@" not in address:
        logger.warning("mailin: message without a sender address refused")
        return "550 5.1.7 Missing or malformed From address", []
    try:
        checked = services.check_files(files)
    except BusinessError as error:
        logger.info("mailin: attachment refused from %s: %s", address, error.code)
        code = "552 5.3.4" if error.code == "file_too_large" else "554 5.6.0"
        return f"{code} {error.message}", []
    items = []
    for rcpt in recipients:
        mailbox = _mailbox(rcpt)
        if mailbox is None:
            continue
        item = services.letter_receive_by_mail(
            mailbox=mailbox,
            sender_name=name,
            sender_email=address,
            subject=subject,
            text=text,
            files=checked,
        )
        items.append((item, mailbox))
    for item, mailbox in items:
        try:
            acknowledge.letter_acknowledge(
                item=item, mailbox=mailbox, message_id=message_id, automatic=automatic
            )
        except Exception:  # the letter is in: a failed acknowledgement must not lose it
            logger.exception("mailin: acknowledging %s failed", item.pk)
    return "250 2.0.0 Letter received", [item.pk for item, _mailbox in items]


class MailinHandler:
    """aiosmtpd handler: the checks at RCPT, the letter at DATA."""

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, mail_options: Any
    ) -> str:
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if await asyncio.to_thread(_db, _mailbox, address) is None:
            return "550 5.1.1 No such mailbox here"
        sender = envelope.mail_from or ""
        if await asyncio.to_thread(_db, _count, sender) >= max_per_hour():
            logger.warning("mailin: too many messages from %s this hour", sender)
            return "452 4.7.1 Too many messages from you this hour; try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        sender = envelope.mail_from or ""
        if await asyncio.to_thread(_db, _count, sender) >= max_per_hour():
            return "451 4.7.1 Too many messages from you this hour; try later"
        await asyncio.to_thread(_db, _increment, sender)
        content = envelope.original_content or envelope.content
        answer, _items = await asyncio.to_thread(
            _db, deliver, content, list(envelope.rcpt_tos), envelope.mail_from
        )
        return answer


class LMTPController(Controller):
    def factory(self) -> SMTP:
        return LMTP(self.handler, **self.SMTP_kwargs)


def controller(*, host: str = "127.0.0.1", port: int = 2525, lmtp: bool = False) -> Controller:
    """The gateway, ready to ``start()`` (in a thread) and ``stop()``."""
    cls = LMTPController if lmtp else Controller
    return cls(
        MailinHandler(),
        hostname=host,
        port=port,
        data_size_limit=max_bytes(),
        decode_data=False,
        ident="sanxing mailin",
    )
