"""Writing notices and delivering them (shared/STYLE.md §2, §8).

Delivery is claimed before it is attempted: a conditional ``UPDATE … WHERE email_state =
'pending'`` that only one worker can win, committed *before* the SMTP conversation so that
no transaction stays open across the network. If sending fails the claim is given back
(state ``pending``, one attempt more) and a later run of ``sanxing periodic`` retries, until
``MAX_EMAIL_ATTEMPTS`` have failed (state ``failed``). A worker that dies between the claim
and the send loses that e-mail (at most once): the notice itself is still in the app.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone, translation

from sanxing.notify import mail
from sanxing.notify.models import Notice
from sanxing.notify.sms import get_sms_backend

logger = logging.getLogger(__name__)

MAX_EMAIL_ATTEMPTS = 5
# A pending notice of an instant user older than this was missed (a lost enqueue, a worker
# down) or failed: the retry job sends it, backing off (5, 10, 20, 40 minutes after creation
# for attempts 0–3, 80 for the last) so a mail server that is down for a while is not hammered.
RETRY_AFTER = dt.timedelta(minutes=5)
SMS_MAX_LENGTH = 140


def _instant(user: Any) -> bool:
    return user.notice_mode == get_user_model().NoticeMode.INSTANT


def notice_send(
    *,
    recipients: Iterable[Any],
    kind: str,
    title: Any,
    body: Any = "",
    url: str = "",
    dedupe_key: str | None = None,
    urgent: bool = False,
) -> list[Notice]:
    """Create one notice per recipient and queue its e-mail (and SMS when urgent).

    ``title`` and ``body`` may be lazy translations (``gettext_lazy``, ``format_lazy``):
    each recipient's copy is rendered in that recipient's language.
    With a ``dedupe_key`` a recipient who already has a notice with that key gets nothing,
    however many times or however concurrently this is called. Returns the notices created.
    """
    if url and not url.startswith(("/", "https://", "http://")):
        raise ValueError(f"a notice links to a path or an http(s) URL, not {url!r}")
    users = list({u.pk: u for u in recipients if u is not None}.values())
    if not users:
        return []
    batch = uuid.uuid4()
    rows = []
    for user in users:
        with translation.override(mail.language_for(user)):
            title_text, body_text = str(title), str(body)
        email_state = Notice.EmailState.PENDING
        if not user.email or not user.is_active:
            email_state = Notice.EmailState.SKIPPED
        rows.append(
            Notice(
                recipient=user,
                congress_id=user.congress_id,
                kind=kind,
                title=title_text[:200],
                body=body_text,
                url=url,
                urgent=urgent,
                dedupe_key=dedupe_key,
                batch=batch,
                email_state=email_state,
                sms_state=(
                    Notice.SmsState.PENDING
                    if urgent and user.sms_enabled and user.is_active
                    else Notice.SmsState.NONE
                ),
            )
        )
    by_pk = {u.pk: u for u in users}
    with transaction.atomic():
        # ON CONFLICT DO NOTHING: a duplicate (recipient, dedupe_key) is skipped by the
        # database itself, so two concurrent calls cannot both create it.
        Notice.objects.bulk_create(rows, ignore_conflicts=True)
        created = list(
            Notice.objects.filter(batch=batch, recipient_id__in=list(by_pk)).order_by("pk")
        )
        for notice in created:
            notice.recipient = by_pk[notice.recipient_id]
            if notice.email_state == Notice.EmailState.PENDING and _instant(notice.recipient):
                transaction.on_commit(partial(_enqueue_email, notice.pk))
            if notice.sms_state == Notice.SmsState.PENDING:
                transaction.on_commit(partial(_enqueue_sms, notice.pk))
    return created


def _enqueue_email(notice_id: int) -> None:
    from sanxing.notify.tasks import send_notice_email

    send_notice_email.enqueue(notice_id)


def _enqueue_sms(notice_id: int) -> None:
    from sanxing.notify.tasks import send_notice_sms

    send_notice_sms.enqueue(notice_id)


def _email_failed(notice_ids: list[int], exc: BaseException) -> None:
    """Give a failed claim back for a retry, or give up after MAX_EMAIL_ATTEMPTS."""
    logger.warning("E-mail of notices %s failed: %s", notice_ids, exc)
    Notice.objects.filter(pk__in=notice_ids).update(
        email_attempts=F("email_attempts") + 1,
        email_error=str(exc)[:500],
        emailed_at=None,
        email_claim=None,
        email_state=Case(
            When(email_attempts__gte=MAX_EMAIL_ATTEMPTS - 1, then=Value(Notice.EmailState.FAILED)),
            default=Value(Notice.EmailState.PENDING),
        ),
    )


def notice_email_deliver(*, notice: Notice) -> bool:
    """E-mail one notice to an instant-mode recipient; True if this call sent it."""
    notice = Notice.objects.select_related("recipient", "recipient__congress").get(pk=notice.pk)
    if not _instant(notice.recipient):
        return False  # the recipient switched to the digest since: it will carry this one
    claimed = Notice.objects.filter(pk=notice.pk, email_state=Notice.EmailState.PENDING).update(
        email_state=Notice.EmailState.SENT, emailed_at=timezone.now()
    )
    if not claimed:
        return False  # another worker has it, or it was sent, digested or skipped
    try:
        mail.notice_email(notice).send()
    except (smtplib.SMTPException, OSError) as exc:
        _email_failed([notice.pk], exc)
        return False
    return True


def notice_sms_deliver(*, notice: Notice) -> bool:
    """Text an urgent notice to the recipient's mobile; True if the gateway took it."""
    claimed = Notice.objects.filter(pk=notice.pk, sms_state=Notice.SmsState.PENDING).update(
        sms_state=Notice.SmsState.SENT
    )
    if not claimed:
        return False
    notice = Notice.objects.select_related("recipient__person").get(pk=notice.pk)
    person = notice.recipient.person
    phone = person.mobile if person is not None else ""
    if not phone:
        Notice.objects.filter(pk=notice.pk).update(sms_state=Notice.SmsState.FAILED)
        logger.info("Notice %s: urgent, but the recipient has no mobile number", notice.pk)
        return False
    with translation.override(mail.language_for(notice.recipient)):
        text = f"{mail.subject_line(notice.title, urgent=True)} {notice.absolute_url}"
    message = get_sms_backend().send(phone, text[:SMS_MAX_LENGTH], notice=notice)
    if message.status != message.Status.SENT:
        Notice.objects.filter(pk=notice.pk).update(sms_state=Notice.SmsState.FAILED)
        return False
    return True


@dataclass
class DigestReport:
    users: int = 0
    notices: int = 0
    failed_users: int = 0


def notices_digest_send(*, now: dt.datetime | None = None) -> DigestReport:
    """One e-mail per digest-mode user with their pending notices, at most once a local day.

    Each user's notices are claimed by one conditional UPDATE that marks them digested and
    stamps a claim id; only the rows carrying that id go into the e-mail, so concurrent runs
    never put a notice in two e-mails. Running it again the same day sends nothing.
    """
    now = now or timezone.now()
    start_of_day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    user_model = get_user_model()
    had_digest_today = Notice.objects.filter(
        email_state=Notice.EmailState.DIGESTED, emailed_at__gte=start_of_day
    ).values("recipient_id")
    users = (
        user_model.objects.filter(
            notice_mode=user_model.NoticeMode.DIGEST,
            is_active=True,
            notices__email_state=Notice.EmailState.PENDING,
            notices__created_at__lte=now,
        )
        .exclude(pk__in=had_digest_today)
        .select_related("congress")
        .distinct()
        .order_by("pk")
    )
    report = DigestReport()
    for user in users:
        claim = uuid.uuid4()
        count = Notice.objects.filter(
            recipient=user, email_state=Notice.EmailState.PENDING, created_at__lte=now
        ).update(email_state=Notice.EmailState.DIGESTED, emailed_at=now, email_claim=claim)
        if not count:
            continue
        notices = list(Notice.objects.filter(email_claim=claim).order_by("created_at", "pk"))
        try:
            mail.digest_email(user, notices).send()
        except (smtplib.SMTPException, OSError) as exc:
            _email_failed([n.pk for n in notices], exc)
            report.failed_users += 1
            continue
        report.users += 1
        report.notices += len(notices)
    return report


def notices_email_retry(*, now: dt.datetime | None = None) -> int:
    """Send the instant e-mails that are still pending a while after they were created."""
    now = now or timezone.now()
    user_model = get_user_model()
    due = Q(pk__in=[])
    for attempts in range(MAX_EMAIL_ATTEMPTS):
        due |= Q(email_attempts=attempts, created_at__lte=now - RETRY_AFTER * 2**attempts)
    stale = Notice.objects.filter(
        due,
        email_state=Notice.EmailState.PENDING,
        recipient__notice_mode=user_model.NoticeMode.INSTANT,
    ).order_by("pk")
    sent = 0
    for notice in stale:
        if notice_email_deliver(notice=notice):
            sent += 1
    return sent


def notice_mark_read(*, notice: Notice, by: Any) -> Notice:
    """Mark one of ``by``'s notices read (idempotent: the first reading time stays)."""
    with transaction.atomic():
        Notice.objects.filter(pk=notice.pk, recipient=by, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        notice.refresh_from_db(fields=["read_at"])
        return notice


def notice_mark_all_read(*, user: Any) -> int:
    """Mark every unread notice of ``user`` read; returns how many were unread."""
    with transaction.atomic():
        return Notice.objects.filter(recipient=user, read_at__isnull=True).update(
            read_at=timezone.now()
        )


def notice_settings_update(*, user: Any, notice_mode: str, sms_enabled: bool) -> Any:
    """How a user wants their notices: each at once or a daily digest; SMS when urgent."""
    with transaction.atomic():
        user.notice_mode = notice_mode
        user.sms_enabled = sms_enabled
        user.save(update_fields=["notice_mode", "sms_enabled"])
        return user
