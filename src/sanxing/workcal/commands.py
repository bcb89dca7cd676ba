"""Subcommands other apps add to ``sanxing calendar`` (workcal imports none of them).

``register_calendar_action("export", configure, run)``: ``configure(parser)`` adds the
subcommand's arguments, ``run(options, stdout_bytes)`` does the work and writes bytes."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO


@dataclass(frozen=True)
class CalendarAction:
    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[dict[str, Any], BinaryIO], None]


ACTIONS: dict[str, CalendarAction] = {}


def register_calendar_action(
    name: str,
    help: str,
    configure: Callable[[argparse.ArgumentParser], None],
    run: Callable[[dict[str, Any], BinaryIO], None],
) -> None:
    ACTIONS[name] = CalendarAction(name=name, help=help, configure=configure, run=run)
