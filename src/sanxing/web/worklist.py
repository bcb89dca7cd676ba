"""The home page's work list as a registry: each app adds a *source* of the user's due and
overdue work, and the shell groups it (shared/STYLE.md §6: overdue is derived from the stored
due date against today, never stored).

In your app's ``AppConfig.ready()``::

    from sanxing.web.worklist import WorkItem, register

    def my_items(user, today):
        for case in cases_due_for(user):
            yield WorkItem(title=case.title, url=case.get_absolute_url(), due_on=case.due_on,
                           rule=case.rule_text, kind=_("Suggestion"))

    register(my_items)

A source must be cheap: a fixed number of queries however many items it returns.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

log = logging.getLogger(__name__)

SOON_DAYS = 7


@dataclass(frozen=True)
class WorkItem:
    title: str | Promise
    url: str
    due_on: dt.date | None
    rule: str | Promise = ""
    kind: str | Promise = ""


Source = Callable[[Any, dt.date], Iterable[WorkItem]]

_sources: list[Source] = []


def register(source: Source) -> Source:
    """Add a source (usable as a decorator). Registering the same function twice is a no-op."""
    if source not in _sources:
        _sources.append(source)
    return source


def unregister(source: Source) -> None:
    if source in _sources:
        _sources.remove(source)


def sources() -> list[Source]:
    return list(_sources)


@dataclass
class WorkGroup:
    key: str
    title: str | Promise
    empty: str | Promise
    items: list[WorkItem] = field(default_factory=list)
    html: str = ""  # the rows, built once by the home view (web.views.work_rows_html)


def collect(user: Any, today: dt.date) -> list[WorkItem]:
    """Every item from every source. A failing source is logged, not allowed to break home."""
    items: list[WorkItem] = []
    for source in list(_sources):
        try:
            items.extend(source(user, today))
        except Exception:
            log.exception("work list source %r failed", source)
    return items


def group(items: Iterable[WorkItem], today: dt.date) -> list[WorkGroup]:
    """Overdue / due within 7 days / later / no date; each sorted by due date then title."""
    groups = {
        "overdue": WorkGroup("overdue", _("Overdue"), _("Nothing is overdue.")),
        "soon": WorkGroup(
            "soon",
            _("Due within 7 days"),
            _("Nothing falls due in the next 7 days."),
        ),
        "later": WorkGroup("later", _("Later"), _("Nothing is due later.")),
        "undated": WorkGroup("undated", _("No date"), _("No open work without a date.")),
    }
    for item in items:
        if item.due_on is None:
            groups["undated"].items.append(item)
        elif item.due_on < today:
            groups["overdue"].items.append(item)
        elif item.due_on <= today + dt.timedelta(days=SOON_DAYS):
            groups["soon"].items.append(item)
        else:
            groups["later"].items.append(item)
    for work_group in groups.values():
        work_group.items.sort(key=lambda i: (i.due_on or dt.date.max, str(i.title)))
    return list(groups.values())


def from_dict(row: dict[str, Any]) -> WorkItem:
    """Adapt a dict with keys title, url, due_on, rule, kind (e.g. from the notify app)."""
    return WorkItem(
        title=row.get("title", ""),
        url=row.get("url", ""),
        due_on=row.get("due_on"),
        rule=row.get("rule", "") or "",
        kind=row.get("kind", "") or "",
    )
