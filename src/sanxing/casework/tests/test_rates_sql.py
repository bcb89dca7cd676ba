"""The hand-written rates query (sanxing.casework.rates_sql) gives, for every unit and every
measure, the same numbers as the ORM's definition of the measures (selectors._annotated and
selectors._measures), on test_rates's history, at several reference dates and filters."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import Avg, Count, Q

from sanxing.casework import selectors
from sanxing.casework.tests.test_rates import history  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

D = dt.date


def reference(q: selectors.RateQuery) -> dict[int, tuple[dict[str, int], float | None]]:
    """Per unit, each measure counted by the ORM (one COUNT per measure), and the average."""
    measures = selectors._measures(q.kind, q.as_of)
    rows = (
        selectors._annotated(q)
        .order_by()
        .values("unit_id")
        .annotate(
            **{f"n_{name}": Count("pk", filter=measures[name] or Q()) for name in selectors.COUNTS},
            avg_days=Avg("r_days"),
        )
    )
    return {
        row["unit_id"]: (
            {name: row[f"n_{name}"] for name in selectors.COUNTS},
            None if row["avg_days"] is None else round(float(row["avg_days"]), 1),
        )
        for row in rows
    }


@pytest.mark.parametrize("as_of", [D(2025, 4, 1), D(2025, 7, 10), D(2025, 12, 31), D(2026, 3, 1)])
def test_the_query_counts_what_the_definitions_count(history, as_of):  # noqa: F811
    world = history
    for extra in ({}, {"topic": "education"}, {"unit_id": world.unit.pk}):
        q = selectors.RateQuery(
            congress_id=world.congress.pk,
            kind="suggestion",
            date_from=D(2025, 1, 1),
            date_to=D(2025, 12, 31),
            as_of=as_of,
            **extra,
        )
        rows = selectors.rates(q)
        got = {r.unit_id: (r.counts, r.average_days_to_reply) for r in rows[:-1]}
        assert got == reference(q), (as_of, extra)
        assert rows[-1].counts == {
            name: sum(r.counts[name] for r in rows[:-1]) for name in selectors.COUNTS
        }


def test_postgres_joins_the_clocks_laterally_with_the_same_numbers(history):  # noqa: F811
    """PostgreSQL reads the reply clocks and the overdue forms by LATERAL index lookups; the
    SQLite shape (valid there too) gives the same rows."""
    from django.db import connection

    from sanxing.casework import rates_sql

    world = history
    args: dict[str, Any] = {
        "congress_id": world.congress.pk,
        "kind": "suggestion",
        "date_from": D(2025, 1, 1),
        "date_to": D(2025, 12, 31),
        "as_of": D(2025, 12, 31),
    }
    pg_sql, _ = rates_sql.per_unit_sql(vendor="postgresql", **args)
    lite_sql, _ = rates_sql.per_unit_sql(vendor="sqlite", **args)
    assert pg_sql.count("LEFT JOIN LATERAL") == 3 and "EXISTS" not in pg_sql
    assert "LATERAL" not in lite_sql
    if connection.vendor != "postgresql":
        return
    rows = {}
    for vendor in ("postgresql", "sqlite"):
        sql, params = rates_sql.per_unit_sql(vendor=vendor, **args)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows[vendor] = cursor.fetchall()
    assert rows["postgresql"] == rows["sqlite"] and rows["sqlite"]
