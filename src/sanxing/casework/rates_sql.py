"""The rates table (RULES.md §3) in one hand-written query: selectors.rates runs it.

The facts of each lead assignment assigned in the period (as of the reference date) are read
once, in a ``MATERIALIZED`` CTE (inlined, each correlated lookup would run once per measure):

- the first round-1 reply clock (its due date) and the first one stopped by the reference date
  (its stop date and elapsed days), each found by one index lookup (``CLOCKS``: joined by
  the id a subquery finds on SQLite, ``LEFT JOIN LATERAL`` on PostgreSQL);
- the class of the latest reply sent by then and not awaiting the head's approval;
- the latest evaluation by then;
- whether a satisfaction form of the item is past its return date (``FORM_OVERDUE``).

Then one row per unit: the 14 counts of ``selectors.COUNTS`` as conditional sums, with the
sum and count of the reply days for the average. The meaning is ``selectors._measures``'s;
``tests/test_rates*`` compare the two.
"""

from __future__ import annotations

from typing import Any

from sanxing.casework.kinds import spec_for
from sanxing.casework.models import EvaluationValue

ASSIGNMENTS = """
SELECT a.unit_id AS unit_id, d.due_on AS r_due, s.stopped_on AS r_stop,
  s.elapsed_days AS r_days,
  (SELECT r.reply_class FROM casework_reply r WHERE r.assignment_id = a.id
     AND r.deleted_at IS NULL AND r.sent_on <= %(as_of)s AND NOT (r.approval = 'pending')
     ORDER BY r.round DESC, r.id DESC LIMIT 1) AS r_class,
  (SELECT e.value FROM casework_evaluation e WHERE e.item_id = a.item_id
     AND e.deleted_at IS NULL AND e.evaluated_on <= %(as_of)s
     ORDER BY e.round DESC, e.id DESC LIMIT 1) AS e_value,
  {form_overdue} AS form_overdue
FROM casework_assignment a
JOIN casework_item i ON i.id = a.item_id
{clocks}
WHERE a.congress_id = %(congress_id)s AND a.role = 'lead' AND a.deleted_at IS NULL
  AND a.withdrawn_on IS NULL AND a.assigned_on >= %(date_from)s AND a.assigned_on <= %(date_to)s
  AND a.assigned_on <= %(as_of)s
  AND i.deleted_at IS NULL AND i.kind = %(kind)s{extra}
"""

# The two reply clocks, each the first by id. SQLite: joined by the id a subquery finds (a
# rowid lookup). PostgreSQL: ``LATERAL`` — with ``ON d.id = (SELECT …)`` it hashed the whole
# clock table twice and ran the subquery per row as the hash key (scale 1: 20 of 57 ms).
_FIRST_REPLY_CLOCK = (
    "SELECT {columns} FROM casework_clock c WHERE c.assignment_id = a.id "
    "AND c.deleted_at IS NULL AND c.purpose = 'reply' AND c.round = 1{stopped} "
    "ORDER BY c.id LIMIT 1"
)
_STOPPED = " AND c.stopped_on <= %(as_of)s"
CLOCKS = {
    "sqlite": (
        "LEFT JOIN casework_clock d ON d.id = ("
        + _FIRST_REPLY_CLOCK.format(columns="c.id", stopped="")
        + ")\nLEFT JOIN casework_clock s ON s.id = ("
        + _FIRST_REPLY_CLOCK.format(columns="c.id", stopped=_STOPPED)
        + ")"
    ),
    "postgresql": (
        "LEFT JOIN LATERAL ("
        + _FIRST_REPLY_CLOCK.format(columns="c.due_on", stopped="")
        + ") d ON TRUE\nLEFT JOIN LATERAL ("
        + _FIRST_REPLY_CLOCK.format(columns="c.stopped_on, c.elapsed_days", stopped=_STOPPED)
        + ") s ON TRUE"
    ),
}

# Whether a satisfaction form of the item is past its return date. SQLite: EXISTS per row.
# PostgreSQL hashed that EXISTS over every clock of the database (a sequential scan growing
# with the years); a LATERAL lookup with LIMIT 1 reads the item's few clocks by index instead.
_FORM_CLOCKS = (
    "FROM casework_clock f WHERE f.item_id = a.item_id AND f.deleted_at IS NULL "
    "AND f.purpose = 'evaluation_form' AND f.due_on < %(as_of)s"
)
FORM_OVERDUE = {
    "sqlite": f"CASE WHEN EXISTS (SELECT 1 {_FORM_CLOCKS}) THEN 1 ELSE 0 END",
    "postgresql": "COALESCE(fo.overdue, 0)",
}
FORM_JOIN = {
    "sqlite": "",
    "postgresql": f"\nLEFT JOIN LATERAL (SELECT 1 AS overdue {_FORM_CLOCKS} LIMIT 1) fo ON TRUE",
}

PER_UNIT = """
WITH a AS {materialized}({assignments})
SELECT a.unit_id, o.name, {counts}, SUM(a.r_days), COUNT(a.r_days)
FROM a JOIN people_organisation o ON o.id = a.unit_id
GROUP BY a.unit_id, o.name
ORDER BY o.name, a.unit_id
"""


def _in(column: str, values: Any, name: str, params: dict[str, Any]) -> str:
    values = [str(v) for v in values]
    if not values:
        return "1 = 0"
    keys = []
    for n, value in enumerate(values):
        params[f"{name}{n}"] = value
        keys.append(f"%({name}{n})s")
    return f"{column} IN ({', '.join(keys)})"


def counts_sql(kind: str, params: dict[str, Any]) -> str:
    """The 14 measures as ``SUM(CASE …)`` over the CTE's columns, in the order of
    ``selectors.COUNTS`` (their parameters added to ``params``)."""
    spec = spec_for(kind)
    replied = "a.r_stop IS NOT NULL"
    params.update(
        c_class_c="C",
        c_class_d="D",
        c_satisfied=str(EvaluationValue.SATISFIED),
        c_basically=str(EvaluationValue.BASICALLY_SATISFIED),
        c_unsatisfied=str(EvaluationValue.UNSATISFIED),
    )
    clauses = [
        "1 = 1",  # assigned
        replied,  # replied
        f"{replied} AND a.r_stop <= a.r_due",  # closed_on_time
        f"{replied} AND a.r_stop > a.r_due",  # closed_late
        "a.r_stop IS NULL AND a.r_due < %(as_of)s",  # open_overdue
        f"{replied} AND " + _in("a.r_class", spec.resolved_classes, "c_a", params),
        f"{replied} AND " + _in("a.r_class", spec.planned_classes, "c_b", params),
        f"{replied} AND a.r_class = %(c_class_c)s",
        f"{replied} AND a.r_class = %(c_class_d)s",
        "a.e_value IS NOT NULL",  # evaluated
        "a.e_value = %(c_satisfied)s",
        "a.e_value = %(c_basically)s",
        "a.e_value = %(c_unsatisfied)s",
        f"{replied} AND a.e_value IS NULL AND a.form_overdue = 1",  # forms_not_returned
    ]
    return ", ".join(f"SUM(CASE WHEN {c} THEN 1 ELSE 0 END)" for c in clauses)


def _dialect(vendor: str | None) -> str:
    if vendor is None:
        from django.db import connection

        vendor = connection.vendor
    return "postgresql" if vendor == "postgresql" else "sqlite"


def per_unit_sql(
    *,
    congress_id: int,
    kind: str,
    date_from: Any,
    date_to: Any,
    as_of: Any,
    topic: str = "",
    unit_id: int | None = None,
    materialized: str = "MATERIALIZED ",
    vendor: str | None = None,
) -> tuple[str, dict[str, Any]]:
    """The query and its named parameters (dates as the connection takes them): rows (unit_id, unit name, 14 counts, sum of reply
    days, number of replies with days), ordered by unit name. ``vendor`` picks the clock joins
    (``CLOCKS``); by default the default connection's."""
    params: dict[str, Any] = {
        "congress_id": congress_id,
        "kind": kind,
        "date_from": date_from,
        "date_to": date_to,
        "as_of": as_of,
    }
    extra = ""
    if topic:
        extra += " AND i.topic = %(topic)s"
        params["topic"] = topic
    if unit_id:
        extra += " AND a.unit_id = %(unit_id)s"
        params["unit_id"] = unit_id
    counts = counts_sql(kind, params)
    dialect = _dialect(vendor)
    sql = PER_UNIT.format(
        materialized=materialized,
        assignments=ASSIGNMENTS.format(
            extra=extra,
            clocks=CLOCKS[dialect] + FORM_JOIN[dialect],
            form_overdue=FORM_OVERDUE[dialect],
        ).strip(),
        counts=counts,
    )
    return sql, params
