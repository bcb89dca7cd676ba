"""Recomputation when the calendar changes (RULES.md §1, last paragraph).

An engine that stores due dates registers a recomputer once, at start-up (in its
``AppConfig.ready``)::

    from sanxing.workcal.hooks import register_recomputer

    def recompute_open_clocks(*, start, end, reason, calendar, by):
        ...  # every open deadline whose counting window [start day, due] meets
             # [start, end] is counted again with ``calendar`` and the change recorded

    register_recomputer(recompute_open_clocks)

A recomputer is called inside the transaction that changes the calendar, with the first and
last affected dates, a short reason (``"override added"``, ``"override removed"``,
``"year imported"``, ``"year loaded"``), the new calendar snapshot and the user who made the
change (None for a command). If it raises, the calendar change is rolled back with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sanxing.workcal.periods import WorkingCalendar

Recomputer = Callable[..., Any]

_recomputers: list[Recomputer] = []


def register_recomputer(fn: Recomputer) -> Recomputer:
    """Register ``fn`` (idempotent); returns it, so it can be used as a decorator."""
    if fn not in _recomputers:
        _recomputers.append(fn)
    return fn


def unregister_recomputer(fn: Recomputer) -> None:
    if fn in _recomputers:
        _recomputers.remove(fn)


def registered_recomputers() -> list[Recomputer]:
    return list(_recomputers)


def run_recomputers(
    *, start: dt.date, end: dt.date, reason: str, calendar: WorkingCalendar, by: Any = None
) -> None:
    """Call every recomputer; the caller holds the transaction, so an error rolls back all."""
    for fn in list(_recomputers):
        fn(start=start, end=end, reason=reason, calendar=calendar, by=by)
