"""A stored file (附件): the bytes under ``MEDIA_ROOT``, the name it was uploaded with, its
size, the content type sniffed from the bytes and its SHA-256. Rows are never edited: an
attachment is added or (soft-)deleted with what it belongs to.

Who may see a file is decided by what it is attached to (e.g. casework's ``ItemAttachment``
through the item's permission-checked lookup), never by the attachment itself."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _upload_to(instance: Attachment, filename: str) -> str:
    now = timezone.now()
    # The stored name is the hash: nothing the uploader chose reaches the file system.
    return f"attachments/{now:%Y/%m}/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    congress = models.ForeignKey(
        "people.Congress", verbose_name=_("congress"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("file"), upload_to=_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    content_type = models.CharField(_("content type"), max_length=100)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name
