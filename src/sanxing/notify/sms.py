"""Text messages: a small gateway interface so a deployment can plug in its operator's API.

``settings.SMS_BACKEND`` names the class. A backend implements ``deliver(phone, text)`` and
raises ``SmsError`` when the gateway refuses; ``send`` (the public method) wraps it and
records every message, sent or failed, as an ``SmsMessage`` row for the audit.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from sanxing.notify.models import Notice, SmsMessage

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """The gateway did not accept the message."""


class SmsBackend:
    def deliver(self, phone: str, text: str) -> None:
        raise NotImplementedError

    def send(self, phone: str, text: str, *, notice: Notice | None = None) -> SmsMessage:
        from sanxing.notify.models import SmsMessage

        name = f"{type(self).__module__}.{type(self).__qualname__}"
        try:
            self.deliver(phone, text)
        except SmsError as exc:
            logger.warning("SMS to %s failed: %s", mask_phone(phone), exc)
            return SmsMessage.objects.create(
                notice=notice,
                phone=phone,
                text=text,
                backend=name,
                status=SmsMessage.Status.FAILED,
                error=str(exc)[:500],
            )
        return SmsMessage.objects.create(
            notice=notice, phone=phone, text=text, backend=name, status=SmsMessage.Status.SENT
        )


class LoggingSmsBackend(SmsBackend):
    """The default: writes the message to the log (and, through ``send``, to SmsMessage)."""

    def deliver(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(phone), text)


def mask_phone(phone: str) -> str:
    """Logs are personal-data-light: 139****2222."""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"


def get_sms_backend() -> SmsBackend:
    backend_class = import_string(settings.SMS_BACKEND)
    return backend_class()
