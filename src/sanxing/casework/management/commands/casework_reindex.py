"""`sanxing casework_reindex [--database ALIAS]`: create the full-text search index when it
is missing and rebuild it from every item and reply (see sanxing.casework.search)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS

from sanxing.casework.search import install_search_index


class Command(BaseCommand):
    help = "Create and rebuild the casework full-text search index."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, **options: Any) -> None:
        install_search_index(options["database"], rebuild=True)
        if options["verbosity"]:
            self.stdout.write("The casework search index is rebuilt.")
