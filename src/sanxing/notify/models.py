"""Notices to one user: shown in the app, sent by e-mail (at once or in a daily digest) and,
when urgent, by SMS.

A notice is itself the record of what was said to whom and when it was delivered, so it is
an append-only log rather than a business record: it has no soft deletion and no
``HistoricalRecords`` (every delivery step is a conditional ``UPDATE`` that history would not
see, and a second table of the same facts would only double every write)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notice(models.Model):
    class EmailState(models.TextChoices):
        PENDING = "pending", _("waiting to be e-mailed")
        SENT = "sent", _("e-mailed")
        DIGESTED = "digested", _("sent in the daily digest")
        SKIPPED = "skipped", _("not e-mailed")
        FAILED = "failed", _("e-mail failed")

    class SmsState(models.TextChoices):
        NONE = "", _("no SMS")
        PENDING = "pending", _("SMS waiting")
        SENT = "sent", _("SMS sent")
        FAILED = "failed", _("SMS failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    congress = models.ForeignKey(
        "people.Congress",
        verbose_name=_("congress"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    urgent = models.BooleanField(_("urgent"), default=False)
    # Makes a notice idempotent: the same reminder ("reminder:item42:due-3d") is created once
    # per recipient however often the scan that produces it runs.
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, null=True, blank=True)
    # The call of notice_send that created the row: lets it tell new rows from existing ones
    # after an INSERT … ON CONFLICT DO NOTHING.
    batch = models.UUIDField(_("batch"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    email_state = models.CharField(
        _("e-mail"), max_length=10, choices=EmailState.choices, default=EmailState.PENDING
    )
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    email_error = models.CharField(_("last e-mail error"), max_length=500, blank=True)
    # A digest run stamps the notices it claims, then reads back exactly those.
    email_claim = models.UUIDField(_("e-mail claim"), null=True, blank=True, editable=False)

    sms_state = models.CharField(
        _("SMS"), max_length=10, choices=SmsState.choices, default=SmsState.NONE, blank=True
    )

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=Q(dedupe_key__isnull=False),
                name="notice_unique_dedupe_key",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"], name="notice_inbox"),
            models.Index(fields=["email_state", "created_at"], name="notice_email_queue"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def absolute_url(self) -> str:
        """The link for an e-mail or SMS: SITE_URL + url, or the notice's own page."""
        from django.urls import reverse

        path = self.url or reverse("notify:detail", args=[self.pk])
        if path.startswith(("http://", "https://")):
            return path
        return settings.SITE_URL + path


class SmsMessage(models.Model):
    """Every text message handed to the SMS gateway, for the audit: who, what, when, result."""

    class Status(models.TextChoices):
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    notice = models.ForeignKey(
        Notice,
        verbose_name=_("notice"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sms_messages",
    )
    phone = models.CharField(_("phone"), max_length=20)
    text = models.TextField(_("text"))
    backend = models.CharField(_("gateway"), max_length=100)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.phone}: {self.text[:30]}"
