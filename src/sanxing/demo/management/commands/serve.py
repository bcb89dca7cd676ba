"""`sanxing serve`: the production web server (gunicorn, in-process) after collectstatic.

WhiteNoise serves the static files from STATIC_ROOT, so one process answers everything;
put nginx (TLS) in front of it (docs/deployment.md).
"""

from __future__ import annotations

import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

MAX_WORKERS = 12


def default_workers() -> int:
    if os.environ.get("WEB_CONCURRENCY"):
        return int(os.environ["WEB_CONCURRENCY"])
    return min(2 * (os.cpu_count() or 1) + 1, MAX_WORKERS)


def default_bind() -> str:
    return f"127.0.0.1:{os.environ.get('PORT') or 8000}"


class Command(BaseCommand):
    help = "Serve the site with gunicorn (production): collectstatic, then the workers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind", default=None, help="address:port (default 127.0.0.1:$PORT, PORT=8000)"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help=f"worker processes (default $WEB_CONCURRENCY or 2×cores+1, at most {MAX_WORKERS})",
        )
        parser.add_argument("--timeout", type=int, default=60, help="seconds per request")
        parser.add_argument(
            "--no-collectstatic", action="store_true", help="skip collectstatic (done at install)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        bind = options["bind"] or default_bind()
        workers = options["workers"] or default_workers()
        self.stdout.write(f"Serving on http://{bind}/ with {workers} workers")
        self.stdout.flush()
        Server(
            {
                "bind": bind,
                "workers": workers,
                "timeout": options["timeout"],
                "accesslog": "-",
                "errorlog": "-",
                "forwarded_allow_ips": os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
                "worker_tmp_dir": "/dev/shm" if os.path.isdir("/dev/shm") else None,
                "proc_name": "sanxing",
            }
        ).run()


def Server(options: dict[str, Any]):
    # Imported here: gunicorn is a production dependency we only need when serving.
    from gunicorn.app.base import BaseApplication

    class SanxingServer(BaseApplication):
        def __init__(self, settings: dict[str, Any]):
            self.settings = {k: v for k, v in settings.items() if v is not None}
            super().__init__()

        def load_config(self) -> None:
            for key, value in self.settings.items():
                self.cfg.set(key, value)  # type: ignore[union-attr]

        def load(self):
            from sanxing.wsgi import application

            return application

    return SanxingServer(options)
