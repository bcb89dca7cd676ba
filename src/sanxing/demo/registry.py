"""The demo registry: each app adds its part of the demo congress.

An app places a ``demo.py`` module beside its ``models.py`` and registers a builder::

    from sanxing.demo.registry import DemoContext, register

    @register("casework", order=50)
    def build(ctx: DemoContext) -> None:
        for year in range(ctx.scale):
            ...

Builders run in ``order`` (people is 10; engines 20–49; programme apps 50+). Each gets its
own ``random.Random`` seeded from the run's seed and the builder's name, so adding a builder
never changes the data another one makes. ``scale`` is the number of years of activity to
make (the demo uses 1; ``sanxing seed --scale 10`` makes ten years for benchmarks).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from sanxing.people.models import Congress, Term

Log = Callable[[str], None]


@dataclass
class DemoContext:
    congress: Congress
    term: Term
    rng: random.Random
    today: dt.date
    scale: int = 1
    log: Log = print
    # What earlier builders made that later ones need: ``accounts`` maps each persona's
    # username to its User; ``shared`` holds anything else by name (e.g. "units").
    accounts: dict[str, Any] = field(default_factory=dict)
    shared: dict[str, Any] = field(default_factory=dict)


Build = Callable[[DemoContext], None]


@dataclass(frozen=True)
class Builder:
    name: str
    order: int
    build: Build


_builders: dict[str, Builder] = {}


def register(name: str, order: int, build: Build | None = None) -> Any:
    """Register ``build`` under ``name``; usable directly or as a decorator."""

    def add(function: Build) -> Build:
        _builders[name] = Builder(name=name, order=order, build=function)
        return function

    if build is not None:
        return add(build)
    return add


def builders() -> list[Builder]:
    discover()
    return sorted(_builders.values(), key=lambda b: (b.order, b.name))


def discover() -> None:
    # Our own people builder lives in this app (the people app stays free of demo code).
    from sanxing.demo import people_demo  # noqa: F401

    autodiscover_modules("demo")


DEMO_CODE = "shifan"
DEFAULT_SEED = 20220110


def demo_exists() -> bool:
    return Congress.all_objects.filter(code=DEMO_CODE).exists()


def build_demo(
    *,
    scale: int = 1,
    seed: int = DEFAULT_SEED,
    today: dt.date | None = None,
    log: Log = print,
    only: list[str] | None = None,
) -> DemoContext:
    """Build the demo congress and every app's data for it, in one transaction."""
    from sanxing.demo.people_demo import create_congress

    today = today or timezone.localdate()
    with transaction.atomic():
        congress, term = create_congress(today=today)
        base = DemoContext(
            congress=congress,
            term=term,
            rng=random.Random(seed),
            today=today,
            scale=max(1, scale),
            log=log,
        )
        for builder in builders():
            if only is not None and builder.name not in only:
                continue
            log(f"  building {builder.name} …")
            ctx = dataclasses.replace(base, rng=random.Random(f"{seed}:{builder.name}"))
            # `replace` is shallow: later builders see what earlier ones put in accounts/shared.
            builder.build(ctx)
    return base
