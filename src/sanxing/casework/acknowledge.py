"""The acknowledgement (收件回執) e-mailed to whoever writes to a director's published mailbox,
once the mail has become a letter: the tracking code, the public tracking page and the
registration period with its article (信訪工作條例 Art. 23: the writer is told within 15 days
that the letter was received).

Against mail loops and abuse, nothing is sent

- to auto-generated mail (RFC 3834 §2: ``Auto-Submitted`` other than ``no``; ``Precedence:
  bulk|list|junk``; ``List-Id``; a delivery report; an empty envelope sender ``<>``;
  MAILER-DAEMON, postmaster or no-reply senders);
- twice for one Message-ID (a message to two mailboxes, or delivered again);
- for a repeat petition linked to a letter received less than a day before;
- beyond ``CASEWORK_ACK_MAX_PER_SENDER_PER_DAY`` (default 3) acknowledgements to one address
  in one local day.

Each letter's timeline says what happened: ``acknowledge`` (sent, with the Message-ID it
answers), ``acknowledge_skipped`` (and why) or ``acknowledge_failed`` (the mail server
refused). The acknowledgement is claimed on the timeline before the SMTP conversation, so
it is sent at most once.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from email.message import Message
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sanxing.casework.kinds import Purpose
from sanxing.casework.models import Clock, Item, Mailbox, TimelineEvent

logger = logging.getLogger("sanxing.mailin")

DEFAULT_MAX_PER_SENDER_PER_DAY = 3
REPEAT_WINDOW = dt.timedelta(days=1)
SENT, SKIPPED, FAILED = "acknowledge", "acknowledge_skipped", "acknowledge_failed"
AUTOMATIC_LOCAL_PARTS = {
    "mailer-daemon",
    "postmaster",
    "no-reply",
    "noreply",
    "do-not-reply",
    "donotreply",
}


def max_per_sender_per_day() -> int:
    return int(
        getattr(settings, "CASEWORK_ACK_MAX_PER_SENDER_PER_DAY", DEFAULT_MAX_PER_SENDER_PER_DAY)
    )


def automatic_reason(message: Message, envelope_sender: str | None = None) -> str:
    """Why the message looks machine-made (so it gets no answer), or "" for a person's mail.

    ``envelope_sender`` is the SMTP ``MAIL FROM`` (``""`` for the null sender ``<>``), or
    ``None`` when unknown."""
    auto = str(message.get("Auto-Submitted", "") or "").strip().lower()
    if auto and auto.split(";")[0].strip() != "no":
        return f"Auto-Submitted: {auto}"
    precedence = str(message.get("Precedence", "") or "").strip().lower()
    if precedence in {"bulk", "list", "junk"}:
        return f"Precedence: {precedence}"
    if message.get("List-Id") is not None:
        return "List-Id"
    suppress = str(message.get("X-Auto-Response-Suppress", "") or "").lower()
    if any(word in suppress for word in ("all", "autoreply", "oof")):
        return f"X-Auto-Response-Suppress: {suppress}"
    if message.get_content_type() == "multipart/report":
        return "multipart/report"
    return_path = message.get("Return-Path")
    if return_path is not None and str(return_path).strip() in {"<>", ""}:
        return "Return-Path: <>"
    if envelope_sender is not None and not envelope_sender.strip("<> "):
        return "MAIL FROM:<>"
    for address in (parseaddr(str(message.get("From", "")))[1], envelope_sender or ""):
        local = address.rsplit("@", 1)[0].strip().lower()
        if address and local in AUTOMATIC_LOCAL_PARTS:
            return f"sender {address}"
    return ""


def _record(item: Item, action: str, note: str) -> None:
    TimelineEvent.objects.create(
        congress_id=item.congress_id, item=item, actor=None, action=action, note=note
    )


def _why_not(item: Item, message_id: str, automatic: str) -> str:
    """Why no acknowledgement may go out for this letter, or "" when it may."""
    if automatic:
        return _("Automatic mail (%(why)s): no acknowledgement, against mail loops.") % {
            "why": automatic
        }
    address = (item.petitioner_email or "").strip()
    if not address or "@" not in address:
        return _("No address to acknowledge to.")
    earlier = TimelineEvent.objects.filter(
        item__congress_id=item.congress_id,
        item__petitioner_email__iexact=address,
        action=SENT,
    )
    if message_id and earlier.filter(note__contains=message_id).exists():
        return _("This message (%(id)s) was acknowledged already.") % {"id": message_id}
    related = item.related_item
    if related is not None and related.created_at >= timezone.now() - REPEAT_WINDOW:
        return _(
            "Repeat of %(ref)s received less than a day before: no second acknowledgement."
        ) % {"ref": related.reference}
    now = timezone.localtime()
    start_of_day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    limit = max_per_sender_per_day()
    if earlier.filter(at__gte=start_of_day).count() >= limit:
        return _("%(count)d acknowledgements were sent to this address today: no more.") % {
            "count": limit
        }
    return ""


def _email(item: Item, *, mailbox: Mailbox, message_id: str) -> EmailMessage:
    clock = Clock.objects.filter(item=item, purpose=Purpose.REGISTER).order_by("pk").first()
    context = {
        "item": item,
        "mailbox": mailbox,
        "clock": clock,
        "track_url": settings.SITE_URL + reverse("casework:track"),
    }
    subject = _("Your letter was received (tracking code %(code)s): %(title)s") % {
        "code": item.tracking_code,
        "title": " ".join(item.title.split()),
    }
    headers = {"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"}
    if message_id:
        headers["In-Reply-To"] = message_id
        headers["References"] = message_id
    return EmailMessage(
        subject=subject,
        body=render_to_string("casework/email/acknowledgement.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[item.petitioner_email],
        headers=headers,
    )


def letter_acknowledge(
    *, item: Item, mailbox: Mailbox, message_id: str = "", automatic: str = ""
) -> bool:
    """Acknowledge one letter received by mail, or record why not; True if it was sent."""
    message_id = (message_id or "").strip()[:250]
    with (
        translation.override(settings.LANGUAGE_CODE),
        timezone.override(item.congress.time_zone or settings.TIME_ZONE),
    ):
        with transaction.atomic():
            # One acknowledgement decision at a time per mailbox: the counts stay true.
            Mailbox.objects.select_for_update().filter(pk=mailbox.pk).first()
            item = Item.objects.select_related("congress", "related_item").get(pk=item.pk)
            reason = _why_not(item, message_id, automatic)
            if reason:
                _record(item, SKIPPED, reason)
                logger.info("mailin: no acknowledgement for %s: %s", item.reference, reason)
                return False
            email = _email(item, mailbox=mailbox, message_id=message_id)
            _record(
                item,
                SENT,
                _("Acknowledgement e-mailed with the tracking code (answering %(id)s).")
                % {"id": message_id or "?"},
            )
        try:
            email.send()
        except (smtplib.SMTPException, OSError) as exc:
            logger.warning("mailin: acknowledgement of %s failed: %s", item.reference, exc)
            _record(
                item,
                FAILED,
                _("The mail server refused the acknowledgement: %(error)s")
                % {"error": str(exc)[:300]},
            )
            return False
    return True
