"""`sanxing demo`: migrate, build the demo congress once, print the logins, serve it."""

from __future__ import annotations

import argparse
import os
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from sanxing.demo.accounts import accounts_table
from sanxing.demo.registry import DEFAULT_SEED, build_demo, demo_exists


class Command(BaseCommand):
    help = (
        "Build the demo congress (示範市人民代表大會) the first time, print its logins, serve it."
    )
    requires_system_checks = []  # migrate and runserver run their own

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset", action="store_true", help="Empty the database and build the demo again."
        )
        parser.add_argument(
            "--serve",
            action=argparse.BooleanOptionalAction,
            default=False,
            help="Serve the site on 127.0.0.1:PORT afterwards (default: --no-serve).",
        )
        parser.add_argument(
            "--port",
            type=int,
            default=int(os.environ.get("PORT") or 8000),
            help="default $PORT or 8000",
        )
        parser.add_argument("--scale", type=int, default=1, help="years of activity to make")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument("--no-migrate", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args, **options) -> None:
        translation.activate(settings.LANGUAGE_CODE)
        if not options["no_migrate"]:
            self.stdout.write("Migrating the database …")
            call_command("migrate", interactive=False, verbosity=0)
        if options["reset"]:
            self.stdout.write("Emptying the database (--reset) …")
            call_command("flush", interactive=False, verbosity=0)
        if demo_exists():
            self.stdout.write("The demo congress is already built (use --reset to rebuild).")
        else:
            self.stdout.write("Building the demo congress 示範市人民代表大會 …")
            started = time.monotonic()
            build_demo(scale=options["scale"], seed=options["seed"], log=self.stdout.write)
            self.stdout.write(f"Built in {time.monotonic() - started:.1f} s.")
        url = f"http://127.0.0.1:{options['port']}/"
        self.stdout.write("")
        self.stdout.write(f"Open {url} and log in as one of:")
        self.stdout.write("")
        self.stdout.write(accounts_table())
        self.stdout.write("")
        if options["serve"]:
            # runserver serves the static files itself while DEBUG is on; fine for a demo.
            call_command("runserver", f"127.0.0.1:{options['port']}", use_reloader=False)
