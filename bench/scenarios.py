"""The benchmark scenarios. Add yours with the decorator::

    @scenario("suggestion-list", user="clerk", floor_sql=SUGGESTION_LIST_FLOOR)
    def suggestion_list(client):
        return client.get("/casework/suggestions/")

``floor_sql`` is ONE hand-written query that returns the same facts the page shows, on the
same database; it is timed the same way and the ratio page/floor says how far the page is
from what the database can do. Its parameters are ``%(name)s`` placeholders filled from
``floor_params(ctx)`` (default: ``user_id``, ``congress_id``, ``today``, ``now``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Scenario:
    name: str
    run: Callable[[Any], Any]  # (django.test.Client) -> response
    user: str | None
    floor_sql: str
    floor_params: Callable[[dict[str, Any]], dict[str, Any]] | None
    note: str


_scenarios: dict[str, Scenario] = {}


def scenario(
    name: str,
    *,
    floor_sql: str,
    user: str | None = "clerk",
    floor_params: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    note: str = "",
) -> Callable[[Callable[[Any], Any]], Callable[[Any], Any]]:
    def add(run: Callable[[Any], Any]) -> Callable[[Any], Any]:
        _scenarios[name] = Scenario(name, run, user, floor_sql, floor_params, note)
        return run

    return add


def registered() -> dict[str, Scenario]:
    return dict(_scenarios)


# -- the home page ---------------------------------------------------------------------------
# What home reads for a clerk today: the work list (due and overdue items from every
# registered source; today only notify's unread notices, the five newest) and the unread
# count in the header. The floor is that in one query: the five unread notices with the
# total beside each row. When casework registers its due/overdue source, extend this with a
# UNION ALL of the clerk's due items so the floor stays "the sum of what the page reads".
HOME_FLOOR = """
SELECT n.id, n.title, n.kind, n.urgent, n.created_at, COUNT(*) OVER () AS unread
FROM notify_notice n
WHERE n.recipient_id = %(user_id)s AND n.read_at IS NULL
ORDER BY n.urgent DESC, n.created_at DESC, n.id DESC
LIMIT 5
"""


@scenario(
    "home",
    user="clerk",
    floor_sql=HOME_FLOOR,
    note="floor: the clerk's unread notices (5 newest) and their count",
)
def home(client: Any) -> Any:
    return client.get("/")
