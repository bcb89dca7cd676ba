"""sanxing notices digest|retry|test-email — the notice jobs, one at a time."""

from __future__ import annotations

import smtplib
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanxing.notify.services import notices_digest_send, notices_email_retry


class Command(BaseCommand):
    help = (
        "Notices. `digest`: e-mail each user who chose the daily digest their pending "
        "notices in one message, at most once a day (running it again sends nothing). "
        "`retry`: send instant e-mails that are still pending (a lost task or a failed "
        "attempt, with back-off). The timer normally runs both through `sanxing periodic`. "
        "`test-email --to ADDRESS`: send one message to check the EMAIL_* settings."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["digest", "retry", "test-email"])
        parser.add_argument("--to", help="recipient of test-email")

    def handle(self, *args: Any, action: str, to: str | None, **options: Any) -> None:
        if action == "digest":
            report = notices_digest_send()
            self.stdout.write(
                f"digest: {report.users} e-mails, {report.notices} notices, "
                f"{report.failed_users} failed"
            )
        elif action == "retry":
            self.stdout.write(f"retry: {notices_email_retry()} e-mails sent")
        else:
            if not to:
                raise CommandError("test-email needs --to ADDRESS")
            try:
                send_mail(
                    "sanxing: test e-mail",
                    f"This message was sent from {settings.SITE_URL} to check the mail settings.",
                    settings.DEFAULT_FROM_EMAIL,
                    [to],
                )
            except (smtplib.SMTPException, OSError) as exc:
                raise CommandError(
                    f"could not send through {settings.EMAIL_HOST}:{settings.EMAIL_PORT}: {exc}"
                ) from exc
            self.stdout.write(f"test-email: sent to {to} via {settings.EMAIL_HOST}")
