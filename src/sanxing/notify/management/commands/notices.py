"""sanxing notices digest — send the daily digest e-mails (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sanxing.notify.services import notices_digest_send, notices_email_retry


class Command(BaseCommand):
    help = (
        "Notices. `digest`: e-mail each user who chose the daily digest their pending "
        "notices in one message, at most once a day (running it again sends nothing). "
        "`retry`: send instant e-mails that are still pending (a lost task or a failed "
        "attempt). The timer normally runs both through `sanxing periodic`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["digest", "retry"])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "digest":
            report = notices_digest_send()
            self.stdout.write(
                f"digest: {report.users} e-mails, {report.notices} notices, "
                f"{report.failed_users} failed"
            )
        else:
            self.stdout.write(f"retry: {notices_email_retry()} e-mails sent")
