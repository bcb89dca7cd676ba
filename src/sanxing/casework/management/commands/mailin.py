"""``sanxing mailin [--host 127.0.0.1] [--port 2525] [--lmtp]``: the inbound mail gateway
for the directors' published mailboxes (see ``sanxing.casework.mailin``)."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Receive mail to the published mailboxes (SMTP, or LMTP with --lmtp) as letters."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=2525)
        parser.add_argument("--lmtp", action="store_true", help="speak LMTP instead of SMTP")

    def handle(self, *args: Any, host: str, port: int, lmtp: bool, **options: Any) -> None:
        from sanxing.casework.mailin import controller

        gateway = controller(host=host, port=port, lmtp=lmtp)
        gateway.start()
        self.stdout.write(f"mailin: {'LMTP' if lmtp else 'SMTP'} on {host}:{port}")
        stop = threading.Event()
        previous = {
            sig: signal.signal(sig, lambda *_a: stop.set())
            for sig in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            stop.wait()
        finally:
            gateway.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
