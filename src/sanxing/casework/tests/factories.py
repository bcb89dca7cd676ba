"""Helpers that walk an item through its steps, for tests (and nothing else)."""

from __future__ import annotations

import datetime as dt

from sanxing.casework import services
from sanxing.casework.kinds import Kind
from sanxing.casework.models import Item


def registered_suggestion(world, *, on: dt.date, title: str = "關於增加學位的建議", **kw) -> Item:
    item = services.item_submit(
        congress=world.congress,
        kind=Kind.SUGGESTION,
        title=title,
        content="建議增加學位。",
        topic="education",
        submitted_on=on,
        deputies=[world.deputy.person],
        by=world.clerk,
        **kw,
    )
    return services.item_register(item=item, by=world.clerk, on=on)


def assigned_suggestion(world, *, on: dt.date, assigned_on: dt.date | None = None, **kw):
    item = registered_suggestion(world, on=on, **kw)
    assignments = services.item_assign(
        item=item, lead_unit=world.unit, by=world.clerk, on=assigned_on or on
    )
    item.refresh_from_db()
    return item, assignments[0]


def assigned_implementation(world, *, on: dt.date, co: bool = False) -> Item:
    """A resolution to implement, registered and assigned to ``world.unit`` (leading) and, with
    ``co``, ``world.other_unit`` (co-handling)."""
    item = services.item_submit(
        congress=world.congress,
        kind=Kind.IMPLEMENTATION,
        title="關於落實垃圾分類條例的決議",
        content="責成市政府報告落實情況。",
        submitted_on=on,
        deputies=[],
        by=world.clerk,
    )
    item = services.item_register(item=item, by=world.clerk, on=on)
    services.item_assign(
        item=item,
        lead_unit=world.unit,
        co_units=[world.other_unit] if co else [],
        by=world.clerk,
        on=on,
    )
    item.refresh_from_db()
    return item
