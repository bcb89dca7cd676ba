from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _create_cache_table(using: str = "default", **kwargs: Any) -> None:
    """The database cache's table is not a migration; make it whenever the schema is
    migrated so `sanxing migrate` alone prepares a database (idempotent)."""
    from django.conf import settings
    from django.core.management import call_command

    if settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
        call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "sanxing.core"
    label = "core"
    verbose_name = "core"

    def ready(self) -> None:
        post_migrate.connect(_create_cache_table, sender=self)
