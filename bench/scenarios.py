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


def _db_datetime(value: Any) -> Any:
    """An aware datetime as the database stores it (SQLite: naive UTC text)."""
    from django.db import connection

    return connection.ops.adapt_datetimefield_value(value)


# -- the home page ---------------------------------------------------------------------------
# What home reads for a clerk: the work list, i.e. every registered source (web/worklist.py)
# — notify's five newest unread notices, casework's open clocks due within 14 days (the
# office's register/handle/review clocks and overdue replies; the person's satisfaction
# forms; the units' reply clocks), gatherings' open preparation tasks due within 30 days and
# the meetings of the next 14 days — and the unread count in the header. The floor is all of
# it in one query (UNION ALL of the four parts, each with its own order and limit), with the
# columns each row shows: title parts, due date, rule, kind, and for casework the unit.
# (The shell's session, user, roles and menu are not in the floor: they are the fixed cost of
# any signed-in page, reported apart in README.md.)
HOME_FLOOR = """
SELECT * FROM (
  SELECT 'notice' AS part, n.id, n.title, NULL AS extra, n.kind, CAST(NULL AS date) AS due_on,
    NULL AS rule, COUNT(*) OVER () AS n
  FROM notify_notice n
  WHERE n.recipient_id = %(user_id)s AND n.read_at IS NULL
  ORDER BY n.urgent DESC, n.created_at DESC, n.id DESC
  LIMIT 5
) notices
UNION ALL
SELECT * FROM (
  SELECT 'clock', c.id, i.title, o.name, i.kind || ' ' || i.year || '-' || i.number || ' '
      || c.purpose, c.due_on, c.rule_code, CAST(NULL AS bigint)
  FROM casework_clock c
  JOIN casework_item i ON i.id = c.item_id AND i.deleted_at IS NULL
  LEFT JOIN casework_assignment a ON a.id = c.assignment_id
  LEFT JOIN people_organisation o ON o.id = a.unit_id
  WHERE c.congress_id = %(congress_id)s AND c.deleted_at IS NULL AND c.stopped_on IS NULL
    AND c.due_on <= %(clock_horizon)s
    AND (c.purpose IN ('register', 'handle', 'review')
      OR (c.purpose IN ('reply', 'rehandle') AND c.due_on < %(today)s)
      OR (c.purpose = 'evaluation_form' AND EXISTS (
        SELECT 1 FROM casework_itemoriginator og
        WHERE og.item_id = i.id AND og.person_id = %(person_id)s AND og.deleted_at IS NULL)))
  ORDER BY c.due_on, c.id
  LIMIT 20
) clocks
UNION ALL
SELECT 'task', t.id, t.title, g.title, NULL, t.due_on, t.rule, NULL
FROM gatherings_checklisttask t
JOIN gatherings_gathering g ON g.id = t.gathering_id
WHERE t.owner_id = %(user_id)s AND t.done_at IS NULL AND t.deleted_at IS NULL
  AND t.due_on <= %(task_horizon)s
UNION ALL
SELECT 'meeting', g.id, g.title, NULL, g.kind, g.starts_at, NULL, NULL
FROM gatherings_gathering g
WHERE g.congress_id = %(congress_id)s AND g.deleted_at IS NULL
  AND g.status IN ('planned', 'draft') AND g.starts_at >= %(now_db)s
  AND g.starts_at < %(meeting_horizon)s
"""


def _home_params(ctx: dict[str, Any]) -> dict[str, Any]:
    import datetime as dt

    from sanxing.people.models import User

    today, now = ctx["today"], ctx["now"]
    return {
        "person_id": User.objects.get(pk=ctx["user_id"]).person_id or 0,
        "clock_horizon": today + dt.timedelta(days=14),
        "task_horizon": today + dt.timedelta(days=30),
        "now_db": _db_datetime(now),
        "meeting_horizon": _db_datetime(now + dt.timedelta(days=14)),
    }


@scenario(
    "home",
    user="clerk",
    floor_sql=HOME_FLOOR,
    floor_params=_home_params,
    note="floor: the clerk's work list (unread notices with their count, casework clocks, "
    "preparation tasks, meetings ahead) in one UNION ALL",
)
def home(client: Any) -> Any:
    return client.get("/")


# -- casework (issue 3) --------------------------------------------------------------------------
# The floors return the facts each page shows, in one query each.
YEAR = 2026
AS_OF = f"{YEAR}-11-28"  # the reference date the pages are asked for


def _year_params(ctx: dict[str, Any]) -> dict[str, Any]:
    return {"date_from": f"{YEAR}-01-01", "date_to": f"{YEAR}-12-31", "as_of": AS_OF}


# The same 14 measures per lead unit as the page (RULES.md §3, selectors._measures), with the
# unit's name and the reply days for the average: first round-1 reply clock (due, and stopped
# by the reference date), latest sent reply's class, latest evaluation, an overdue
# satisfaction form. The total row and the rates are arithmetic on these rows.
RATES_FLOOR = """
WITH x AS MATERIALIZED (
  SELECT a.unit_id, d.due_on AS r_due, s.stopped_on AS r_stop, s.elapsed_days AS r_days,
    (SELECT r.reply_class FROM casework_reply r WHERE r.assignment_id = a.id
       AND r.deleted_at IS NULL AND r.sent_on <= %(as_of)s AND r.approval <> 'pending'
       ORDER BY r.round DESC, r.id DESC LIMIT 1) AS r_class,
    (SELECT e.value FROM casework_evaluation e WHERE e.item_id = a.item_id
       AND e.deleted_at IS NULL AND e.evaluated_on <= %(as_of)s
       ORDER BY e.round DESC, e.id DESC LIMIT 1) AS e_value,
    CASE WHEN EXISTS (SELECT 1 FROM casework_clock f WHERE f.item_id = a.item_id
       AND f.deleted_at IS NULL AND f.purpose = 'evaluation_form' AND f.due_on < %(as_of)s)
       THEN 1 ELSE 0 END AS form_overdue
  FROM casework_assignment a
  JOIN casework_item i ON i.id = a.item_id AND i.deleted_at IS NULL AND i.kind = 'suggestion'
  LEFT JOIN casework_clock d ON d.id = (SELECT c.id FROM casework_clock c
    WHERE c.assignment_id = a.id AND c.deleted_at IS NULL AND c.purpose = 'reply'
      AND c.round = 1 ORDER BY c.id LIMIT 1)
  LEFT JOIN casework_clock s ON s.id = (SELECT c.id FROM casework_clock c
    WHERE c.assignment_id = a.id AND c.deleted_at IS NULL AND c.purpose = 'reply'
      AND c.round = 1 AND c.stopped_on <= %(as_of)s ORDER BY c.id LIMIT 1)
  WHERE a.congress_id = %(congress_id)s AND a.role = 'lead' AND a.deleted_at IS NULL
    AND a.withdrawn_on IS NULL AND a.assigned_on BETWEEN %(date_from)s AND %(date_to)s
    AND a.assigned_on <= %(as_of)s
)
SELECT x.unit_id, o.name, COUNT(*) AS assigned,
  SUM(CASE WHEN r_stop IS NOT NULL THEN 1 ELSE 0 END) AS replied,
  SUM(CASE WHEN r_stop <= r_due THEN 1 ELSE 0 END) AS closed_on_time,
  SUM(CASE WHEN r_stop > r_due THEN 1 ELSE 0 END) AS closed_late,
  SUM(CASE WHEN r_stop IS NULL AND r_due < %(as_of)s THEN 1 ELSE 0 END) AS open_overdue,
  SUM(CASE WHEN r_stop IS NOT NULL AND r_class = 'A' THEN 1 ELSE 0 END) AS class_a,
  SUM(CASE WHEN r_stop IS NOT NULL AND r_class = 'B' THEN 1 ELSE 0 END) AS class_b,
  SUM(CASE WHEN r_stop IS NOT NULL AND r_class = 'C' THEN 1 ELSE 0 END) AS class_c,
  SUM(CASE WHEN r_stop IS NOT NULL AND r_class = 'D' THEN 1 ELSE 0 END) AS class_d,
  COUNT(e_value) AS evaluated,
  SUM(CASE WHEN e_value = 'satisfied' THEN 1 ELSE 0 END) AS satisfied,
  SUM(CASE WHEN e_value = 'basically_satisfied' THEN 1 ELSE 0 END) AS basically_satisfied,
  SUM(CASE WHEN e_value = 'unsatisfied' THEN 1 ELSE 0 END) AS unsatisfied,
  SUM(CASE WHEN r_stop IS NOT NULL AND e_value IS NULL AND form_overdue = 1 THEN 1 ELSE 0 END)
    AS forms_not_returned,
  SUM(r_days) AS days, COUNT(r_days) AS replied_with_days
FROM x JOIN people_organisation o ON o.id = x.unit_id
GROUP BY x.unit_id, o.name
"""


@scenario(
    "casework-rates",
    user="clerk",
    floor_sql=RATES_FLOOR,
    floor_params=_year_params,
    note="floor: per lead unit, the page's 14 measures of a year, reply days and unit name",
)
def casework_rates(client: Any) -> Any:
    return client.get(
        f"/casework/rates/?kind=suggestion&date_from={YEAR}-01-01&date_to={YEAR}-12-31"
        f"&as_of={AS_OF}"
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
        f"&as_of={AS_OF}&measure=open_overdue"
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


class _FloorPerVendor:
    """A registered scenario whose floor depends on the database (``floor_sql`` is read by
    bench.run after Django is set up): ``floors`` maps a vendor to its SQL."""

    def __init__(self, base: Scenario, floors: dict[str, str]) -> None:
        self.name, self.run, self.user = base.name, base.run, base.user
        self.floor_params, self.note = base.floor_params, base.note
        self.floors = {**floors}

    @property
    def floor_sql(self) -> str:
        from django.db import connection

        return self.floors[connection.vendor]


def _floor_per_vendor(name: str, floors: dict[str, str]) -> None:
    _scenarios[name] = _FloorPerVendor(_scenarios[name], floors)  # type: ignore[assignment]


def _search_floor(match: str, word: str, like: str = "LIKE") -> str:
    """What the search page shows for the clerk: the count, the first 20 items and, for each,
    its first sent live reply with the word (the passage when the content has none)."""
    return f"""
SELECT i.id, i.kind, i.year, i.number, i.title, i.content, i.state, i.submitted_on,
  (SELECT r.text FROM casework_reply r WHERE r.item_id = i.id AND r.deleted_at IS NULL
     AND r.approval IN ('', 'approved') AND r.text {like} '%%{word}%%'
     ORDER BY r.round, r.sent_on, r.id LIMIT 1) AS reply_passage,
  COUNT(*) OVER () AS n
FROM casework_item i
WHERE i.congress_id = %(congress_id)s AND i.deleted_at IS NULL AND i.id IN ({match})
ORDER BY i.submitted_on DESC, i.id DESC
LIMIT 20
"""


# Two characters: the gram table (casework_item_gram, the same on SQLite and PostgreSQL).
SEARCH2_FLOOR = _search_floor("SELECT item_id FROM casework_item_gram WHERE gram = '噪聲'", "噪聲")
SEARCH2_FLOOR_PG = _search_floor(
    "SELECT item_id FROM casework_item_gram WHERE gram = '噪聲'", "噪聲", "ILIKE"
)
# Six characters: SQLite's FTS5 trigram table; on PostgreSQL the pg_trgm GIN indexes of the
# item's title and content and of the reply's text (one bitmap scan each).
SEARCH6_FLOOR = _search_floor(
    "SELECT rowid FROM casework_item_fts WHERE casework_item_fts MATCH '\"物業服務糾紛\"'",
    "物業服務糾紛",
)
SEARCH6_FLOOR_PG = _search_floor(
    # one branch per trigram index, as the page asks (an OR of ILIKEs is a sequential scan)
    "SELECT id FROM casework_item WHERE title ILIKE '%%物業服務糾紛%%' "
    "UNION SELECT id FROM casework_item WHERE content ILIKE '%%物業服務糾紛%%' "
    "UNION SELECT item_id FROM casework_reply "
    "WHERE text ILIKE '%%物業服務糾紛%%' AND deleted_at IS NULL AND approval IN ('', 'approved')",
    "物業服務糾紛",
    "ILIKE",
)


@scenario(
    "casework-search-2",
    user="clerk",
    floor_sql=SEARCH2_FLOOR,
    note="floor: items with 噪聲 (two characters: the gram table), first 20 and count",
)
def casework_search_2(client: Any) -> Any:
    return client.get("/casework/search/?q=噪聲")


@scenario(
    "casework-search-6",
    user="clerk",
    floor_sql=SEARCH6_FLOOR,
    note="floor: items with 物業服務糾紛 (SQLite: FTS5 trigram MATCH; PostgreSQL: pg_trgm "
    "ILIKE), first 20 and count",
)
def casework_search_6(client: Any) -> Any:
    return client.get("/casework/search/?q=物業服務糾紛")


_floor_per_vendor("casework-search-2", {"sqlite": SEARCH2_FLOOR, "postgresql": SEARCH2_FLOOR_PG})
_floor_per_vendor("casework-search-6", {"sqlite": SEARCH6_FLOOR, "postgresql": SEARCH6_FLOOR_PG})


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
    from django.utils import timezone

    from sanxing.gatherings.models import Gathering

    g = Gathering.objects.get(pk=_session_id(ctx.get("congress_id")))
    return {
        "gathering_id": g.pk,
        "g_congress_id": g.congress_id,
        "meeting_day": timezone.localtime(g.starts_at).date(),
    }


# The quorum as the page counts it (services.quorum): the voting body is the persons holding a
# deputy's role in force on the meeting day (a congress session), present = those of them
# checked in present or late.
QUORUM_PART = """
SELECT 'quorum' AS part, NULL AS id, NULL AS t1, NULL AS t2, NULL AS t3,
  COUNT(DISTINCT r.person_id) AS n1,
  COUNT(DISTINCT CASE WHEN att.id IS NOT NULL THEN r.person_id END) AS n2,
  NULL AS n3, NULL AS at
FROM people_role r
JOIN people_person p ON p.id = r.person_id AND p.congress_id = %(g_congress_id)s
  AND p.deleted_at IS NULL
LEFT JOIN gatherings_attendance att ON att.gathering_id = %(gathering_id)s
  AND att.person_id = r.person_id AND att.status IN ('present', 'late')
  AND att.deleted_at IS NULL
WHERE r.kind = 'deputy' AND r.deleted_at IS NULL AND r.starts_on <= %(meeting_day)s
  AND (r.ends_on IS NULL OR r.ends_on >= %(meeting_day)s)
"""

# Everything the meeting page shows, in one query: the meeting, the quorum, the agenda (with
# presenting body and responsible committee), the votes with their counts and result, the
# roster with each person's attendance, the leave requests, and the checklist's size. Each
# column keeps one type in every part (PostgreSQL refuses a UNION of boolean and number).
MEETING_FLOOR = f"""
SELECT 'meeting', g.id, g.title, g.kind, g.place || ' ' || g.status, g.sitting,
  CASE WHEN g.results_published THEN 1 ELSE 0 END, (SELECT COUNT(*) FROM gatherings_checklisttask t
    WHERE t.gathering_id = g.id AND t.deleted_at IS NULL), g.starts_at
FROM gatherings_gathering g WHERE g.id = %(gathering_id)s
UNION ALL
{QUORUM_PART}
UNION ALL
SELECT 'agenda', a.id, a.title, COALESCE(pb.name, '') || ' / ' || COALESCE(rc.name, ''),
  a.kind || ' ' || a.state, a."order", NULL, NULL, a.withdrawn_at
FROM gatherings_agendaitem a
LEFT JOIN people_organisation pb ON pb.id = a.presenting_body_id
LEFT JOIN people_organisation rc ON rc.id = a.responsible_committee_id
WHERE a.gathering_id = %(gathering_id)s AND a.deleted_at IS NULL
UNION ALL
SELECT 'vote', v.id, v.motion, v.result, NULL, v.yes, v.no, v.abstain, v.closed_at
FROM gatherings_vote v
WHERE v.gathering_id = %(gathering_id)s AND v.deleted_at IS NULL
UNION ALL
SELECT 'roster', p.id, p.name, r.capacity, att.status, NULL, NULL, NULL, NULL
FROM gatherings_rosterentry r
JOIN people_person p ON p.id = r.person_id
LEFT JOIN gatherings_attendance att ON att.gathering_id = r.gathering_id
  AND att.person_id = r.person_id AND att.deleted_at IS NULL
WHERE r.gathering_id = %(gathering_id)s AND r.deleted_at IS NULL
UNION ALL
SELECT 'leave', l.id, p.name, l.reason, l.status, NULL, NULL, NULL, l.requested_at
FROM gatherings_leaverequest l
JOIN people_person p ON p.id = l.person_id
WHERE l.gathering_id = %(gathering_id)s AND l.deleted_at IS NULL
"""


@scenario(
    "gatherings-session-page",
    user="clerk",
    floor_sql=MEETING_FLOOR,
    floor_params=_session_params,
    note="the congress session with the largest roster (~460); floor: meeting, quorum, agenda, "
    "votes, roster with attendance, leave requests",
)
def gatherings_session_page(client: Any) -> Any:
    return client.get(f"/gatherings/{_session_id()}/")


CHECK_IN_FLOOR = QUORUM_PART


@scenario(
    "gatherings-check-in-update",
    user="clerk",
    floor_sql=CHECK_IN_FLOOR,
    floor_params=_session_params,
    note="the live quorum panel htmx polls during check-in; floor: the voting body on the "
    "meeting day and how many of it are in the room",
)
def gatherings_check_in_update(client: Any) -> Any:
    return client.get(f"/gatherings/{_session_id()}/quorum/")


# What each VEVENT carries (ical.py): id, title, kind (category), place, status, version
# (SEQUENCE), start, end and last change; drafts are left out.
CALENDAR_FLOOR = """
SELECT g.id, g.kind, g.title, g.place, g.status, g.version, g.starts_at, g.ends_at,
  g.updated_at
FROM gatherings_gathering g
WHERE g.congress_id = %(congress_id)s AND g.deleted_at IS NULL AND g.status <> 'draft'
  AND g.starts_at >= %(year_start)s AND g.starts_at < %(year_end)s
ORDER BY g.starts_at, g.id
"""


def _year_bounds(ctx: dict[str, Any]) -> dict[str, Any]:
    import datetime as dt

    from django.utils import timezone

    zone = timezone.get_current_timezone()
    return {
        "year_start": _db_datetime(dt.datetime(YEAR, 1, 1, tzinfo=zone)),
        "year_end": _db_datetime(dt.datetime(YEAR + 1, 1, 1, tzinfo=zone)),
    }


@scenario(
    "gatherings-year-ics",
    user="clerk",
    floor_sql=CALENDAR_FLOOR,
    floor_params=_year_bounds,
    note="the year's meetings as iCalendar; floor: the year's gatherings but drafts, with "
    "every field an event shows",
)
def gatherings_year_ics(client: Any) -> Any:
    return client.get(f"/gatherings/year/{YEAR}.ics")
