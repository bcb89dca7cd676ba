"""`sanxing seed --scale N`: N years of demo-like data, for benchmarks."""

from __future__ import annotations

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from sanxing.demo.registry import DEFAULT_SEED, build_demo
from sanxing.people.models import Congress, User


class Command(BaseCommand):
    help = "Fill an empty database with N years of the demo congress's data (for benchmarks)."
    requires_system_checks = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=int, default=10, help="years of data (default 10)")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument(
            "--reset", action="store_true", help="Empty a database that already holds data."
        )

    def handle(self, *args, **options) -> None:
        scale = options["scale"]
        if scale < 1:
            raise CommandError("--scale must be 1 or more (years of data).")
        call_command("migrate", interactive=False, verbosity=0)
        if Congress.all_objects.exists() or User.objects.exists():
            if not options["reset"]:
                raise CommandError(
                    "The database already holds data; seed fills an empty one. "
                    "Use --reset to empty it first."
                )
            call_command("flush", interactive=False, verbosity=0)
        started = time.monotonic()
        self.stdout.write(f"Seeding {scale} year(s) of data …")
        build_demo(scale=scale, seed=options["seed"], log=self.stdout.write)
        if connection.vendor == "postgresql":
            # Fresh statistics now, not when autovacuum gets to the new tables: without them
            # the planner scans instead of using the search indexes for the first minute.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(f"Seeded in {time.monotonic() - started:.1f} s.")
