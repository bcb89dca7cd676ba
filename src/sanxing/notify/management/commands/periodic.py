"""sanxing periodic — the one command the timer runs (every few minutes)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sanxing.notify.periodic import registered_jobs, run_periodic


class Command(BaseCommand):
    help = (
        "Run every registered periodic job once (the daily digest, e-mail retries, deadline "
        "scans of the engines…) and report what each did. Each job is idempotent, so the "
        "timer can run this as often as every few minutes. Exits with status 1 if a job failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--only", action="append", help="run only this job (repeatable)")
        parser.add_argument("--list", action="store_true", help="list the jobs and exit")

    def handle(self, *args: Any, only: list[str] | None, list: bool, **options: Any) -> None:
        jobs = registered_jobs()
        if list:
            for name in sorted(jobs):
                self.stdout.write(name)
            return
        unknown = set(only or []) - set(jobs)
        if unknown:
            raise CommandError(f"no such periodic job: {', '.join(sorted(unknown))}")
        outcomes = run_periodic(only=only)
        for outcome in outcomes:
            status = "ok" if outcome.ok else "FAILED"
            self.stdout.write(f"{outcome.name}: {status} {outcome.report}".rstrip())
        if not all(o.ok for o in outcomes):
            raise CommandError("some periodic jobs failed", returncode=1)
