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


# -- casework (issue 3) --------------------------------------------------------------------------
# The floors return the facts each page shows, in one query each.
YEAR = 2026


def _year_params(ctx: dict[str, Any]) -> dict[str, Any]:
    return {"date_from": f"{YEAR}-01-01", "date_to": f"{YEAR}-12-31", "as_of": ctx["today"]}


RATES_FLOOR = """
SELECT a.unit_id, COUNT(*) AS assigned,
  SUM(CASE WHEN c.stopped_on IS NOT NULL THEN 1 ELSE 0 END) AS replied,
  SUM(CASE WHEN c.stopped_on IS NOT NULL AND c.stopped_on <= c.due_on THEN 1 ELSE 0 END) AS on_time,
  SUM(CASE WHEN c.stopped_on IS NULL AND c.due_on < %(as_of)s THEN 1 ELSE 0 END) AS overdue,
  SUM(CASE WHEN e.value = 'satisfied' THEN 1 ELSE 0 END) AS satisfied,
  SUM(CASE WHEN e.value = 'unsatisfied' THEN 1 ELSE 0 END) AS unsatisfied
FROM casework_assignment a
JOIN casework_item i ON i.id = a.item_id AND i.deleted_at IS NULL AND i.kind = 'suggestion'
LEFT JOIN casework_clock c ON c.assignment_id = a.id AND c.purpose = 'reply' AND c.round = 1
LEFT JOIN casework_evaluation e ON e.item_id = i.id AND e.round = 1 AND e.deleted_at IS NULL
WHERE a.congress_id = %(congress_id)s AND a.role = 'lead' AND a.deleted_at IS NULL
  AND a.assigned_on BETWEEN %(date_from)s AND %(date_to)s
GROUP BY a.unit_id
"""


@scenario(
    "casework-rates",
    user="clerk",
    floor_sql=RATES_FLOOR,
    floor_params=_year_params,
    note="floor: per lead unit, a year's assigned/replied/on-time/overdue/satisfaction counts",
)
def casework_rates(client: Any) -> Any:
    return client.get(
        f"/casework/rates/?kind=suggestion&date_from={YEAR}-01-01&date_to={YEAR}-12-31"
        f"&as_of={YEAR}-11-28"
    )


OVERDUE_FLOOR = """
SELECT i.id, i.kind, i.year, i.number, i.title, i.state, i.submitted_on, COUNT(*) OVER () AS n
FROM casework_item i
JOIN casework_assignment a ON a.item_id = i.id AND a.role = 'lead' AND a.deleted_at IS NULL
JOIN casework_clock c ON c.assignment_id = a.id AND c.purpose = 'reply'
WHERE i.congress_id = %(congress_id)s AND i.deleted_at IS NULL AND i.kind = 'suggestion'
  AND a.assigned_on BETWEEN %(date_from)s AND %(date_to)s
  AND c.stopped_on IS NULL AND c.due_on < %(as_of)s
ORDER BY i.submitted_on DESC, i.id DESC
LIMIT 25
"""


@scenario(
    "casework-overdue",
    user="clerk",
    floor_sql=OVERDUE_FLOOR,
    floor_params=_year_params,
    note="floor: the first page of open, overdue suggestions of the year, with the total",
)
def casework_overdue(client: Any) -> Any:
    return client.get(
        f"/casework/rates/items/?kind=suggestion&date_from={YEAR}-01-01&date_to={YEAR}-12-31"
        f"&as_of={YEAR}-11-28&measure=open_overdue"
    )


def _handler_units(ctx: dict[str, Any]) -> dict[str, Any]:
    from sanxing.people.access import viewer_for
    from sanxing.people.models import User

    units = sorted(viewer_for(User.objects.get(pk=ctx["user_id"])).unit_ids) or [0]
    return {"unit_id": units[0]}


UNIT_FLOOR = """
SELECT a.id, a.role, a.assigned_on, a.accepted_on, i.id, i.kind, i.year, i.number, i.title,
  i.state, c.due_on, c.rule_code, COUNT(*) OVER () AS n
FROM casework_assignment a
JOIN casework_item i ON i.id = a.item_id AND i.deleted_at IS NULL
LEFT JOIN casework_clock c ON c.assignment_id = a.id AND c.stopped_on IS NULL
WHERE a.unit_id = %(unit_id)s AND a.withdrawn_on IS NULL AND a.deleted_at IS NULL
ORDER BY a.assigned_on DESC, a.id DESC
LIMIT 25
"""


@scenario(
    "casework-unit-portal",
    user="handler",
    floor_sql=UNIT_FLOOR,
    floor_params=_handler_units,
    note="floor: the handler's unit's newest assignments with their open clock, and the total",
)
def casework_unit_portal(client: Any) -> Any:
    return client.get("/casework/unit/")


def _search_floor(match: str) -> str:
    """What the search page shows for the clerk: the count and the first 20 items."""
    return f"""
SELECT i.id, i.kind, i.year, i.number, i.title, i.content, i.state, i.submitted_on,
  COUNT(*) OVER () AS n
FROM casework_item i
WHERE i.congress_id = %(congress_id)s AND i.deleted_at IS NULL AND i.id IN ({match})
ORDER BY i.submitted_on DESC, i.id DESC
LIMIT 20
"""


SEARCH2_FLOOR = _search_floor(
    "SELECT rowid FROM casework_item_fts WHERE title LIKE '%%噪聲%%' "
    "OR content LIKE '%%噪聲%%' OR replies LIKE '%%噪聲%%'"
)
SEARCH6_FLOOR = _search_floor(
    "SELECT rowid FROM casework_item_fts WHERE casework_item_fts MATCH '\"物業服務糾紛\"'"
)


@scenario(
    "casework-search-2",
    user="clerk",
    floor_sql=SEARCH2_FLOOR,
    note="floor (SQLite FTS table): items with 噪聲 (two characters: LIKE), first 20 and count",
)
def casework_search_2(client: Any) -> Any:
    return client.get("/casework/search/?q=噪聲")


@scenario(
    "casework-search-6",
    user="clerk",
    floor_sql=SEARCH6_FLOOR,
    note="floor (SQLite FTS table): items with 物業服務糾紛 (trigram MATCH), first 20 and count",
)
def casework_search_6(client: Any) -> Any:
    return client.get("/casework/search/?q=物業服務糾紛")


# -- gatherings (issue 4) ------------------------------------------------------------------------
_SESSION_SQL = """
SELECT g.id FROM gatherings_gathering g
WHERE g.congress_id = %s AND g.kind = 'congress_session' AND g.deleted_at IS NULL
ORDER BY (SELECT COUNT(*) FROM gatherings_rosterentry r WHERE r.gathering_id = g.id) DESC,
  g.starts_at DESC
LIMIT 1
"""
_session_cache: dict[str, int] = {}


def _session_id(congress_id: int | None = None) -> int:
    if "id" not in _session_cache:
        from django.db import connection

        from sanxing.people.models import User

        if congress_id is None:
            congress_id = User.objects.get(username="clerk").congress_id
        with connection.cursor() as cursor:
            cursor.execute(_SESSION_SQL, [congress_id])
            row = cursor.fetchone()
        _session_cache["id"] = row[0] if row else 0
    return _session_cache["id"]


def _session_params(ctx: dict[str, Any]) -> dict[str, Any]:
    return {"gathering_id": _session_id(ctx.get("congress_id"))}


MEETING_FLOOR = """
SELECT 'roster' AS part, p.id, p.name, r.capacity, att.status, NULL AS agenda_order
FROM gatherings_rosterentry r
JOIN people_person p ON p.id = r.person_id
LEFT JOIN gatherings_attendance att ON att.gathering_id = r.gathering_id
  AND att.person_id = r.person_id AND att.deleted_at IS NULL
WHERE r.gathering_id = %(gathering_id)s AND r.deleted_at IS NULL
UNION ALL
SELECT 'agenda', a.id, a.title, a.kind, a.state, a."order"
FROM gatherings_agendaitem a
WHERE a.gathering_id = %(gathering_id)s AND a.deleted_at IS NULL
"""


@scenario(
    "gatherings-session-page",
    user="clerk",
    floor_sql=MEETING_FLOOR,
    floor_params=_session_params,
    note="the congress session with the largest roster (~460): roster with attendance + agenda",
)
def gatherings_session_page(client: Any) -> Any:
    return client.get(f"/gatherings/{_session_id()}/")


CHECK_IN_FLOOR = """
SELECT COUNT(r.id) AS expected,
  SUM(CASE WHEN att.status IN ('present', 'late') THEN 1 ELSE 0 END) AS present,
  SUM(CASE WHEN att.status = 'leave' THEN 1 ELSE 0 END) AS on_leave
FROM gatherings_rosterentry r
LEFT JOIN gatherings_attendance att ON att.gathering_id = r.gathering_id
  AND att.person_id = r.person_id AND att.deleted_at IS NULL
WHERE r.gathering_id = %(gathering_id)s AND r.deleted_at IS NULL
"""


@scenario(
    "gatherings-check-in-update",
    user="clerk",
    floor_sql=CHECK_IN_FLOOR,
    floor_params=_session_params,
    note="the live quorum panel htmx polls during check-in; floor: the counts",
)
def gatherings_check_in_update(client: Any) -> Any:
    return client.get(f"/gatherings/{_session_id()}/quorum/")


CALENDAR_FLOOR = """
SELECT g.id, g.kind, g.title, g.starts_at, g.ends_at, g.status, g.updated_at
FROM gatherings_gathering g
WHERE g.congress_id = %(congress_id)s AND g.deleted_at IS NULL
  AND g.starts_at >= %(year_start)s AND g.starts_at < %(year_end)s
ORDER BY g.starts_at
"""


@scenario(
    "gatherings-year-ics",
    user="clerk",
    floor_sql=CALENDAR_FLOOR,
    floor_params=lambda ctx: {"year_start": f"{YEAR}-01-01", "year_end": f"{YEAR + 1}-01-01"},
    note="the year's meetings as iCalendar; floor: the year's gatherings",
)
def gatherings_year_ics(client: Any) -> Any:
    return client.get(f"/gatherings/year/{YEAR}.ics")
