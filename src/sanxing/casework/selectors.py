"""Reads: queues, lists and the handling rates of RULES.md §3.

Rates are computed in the database: every lead assignment (主辦) in the period is annotated
with its reply clock, its latest reply class and its latest evaluation as of a date, and each
count is a filtered COUNT over those annotations (``MEASURES``). The same filters give the
items behind each number (``rate_items``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from sanxing.casework import kinds
from sanxing.casework.kinds import EvaluationValue, Kind, Purpose, spec_for
from sanxing.casework.models import Assignment, Clock, Evaluation, Item, Reply

# --- queues ----------------------------------------------------------------------------------


def search(items: QuerySet[Item], q: str) -> QuerySet[Item]:
    """Items whose title, content or a reply contains ``q`` (a plain substring match; the
    full-text index of the issue is for a later session)."""
    q = (q or "").strip()[:100]
    if not q:
        return items
    replied = Reply.objects.filter(item=OuterRef("pk"), text__icontains=q)
    return items.filter(Q(title__icontains=q) | Q(content__icontains=q) | Exists(replied))


def desk_queue(items: QuerySet[Item]) -> QuerySet[Item]:
    """What the office must register or assign: submitted and registered items, letters
    received, and letters accepted (registered, 受理) that no unit handles yet. ``assignable``
    marks those the desk can tick for bulk assignment."""
    from django.db.models import BooleanField, Case, Value, When

    has_lead = Exists(
        Assignment.objects.filter(
            item=OuterRef("pk"), role=Assignment.Role.LEAD, withdrawn_on__isnull=True
        )
    )
    letter_to_assign = Q(kind=Kind.LETTER, state=kinds.ACCEPTED) & ~has_lead
    return (
        items.filter(
            Q(state__in=[kinds.SUBMITTED, kinds.REGISTERED, kinds.RECEIVED]) | letter_to_assign
        )
        .annotate(
            assignable=Case(
                When(Q(state=kinds.REGISTERED) | letter_to_assign, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("submitted_on", "pk")
    )


def open_clocks(
    items: QuerySet[Item], *, today: dt.date, within_days: int | None = None
) -> QuerySet[Clock]:
    """Open clocks of these items: overdue (``due_on`` before today) first. With
    ``within_days``, only those due by then (overdue included)."""
    qs = Clock.objects.filter(
        item__in=items,
        stopped_on__isnull=True,
        purpose__in=[
            Purpose.REPLY,
            Purpose.REHANDLE,
            Purpose.CO_OPINION,
            Purpose.REGISTER,
            Purpose.HANDLE,
            Purpose.REVIEW,
            Purpose.COMMITMENT,
        ],
    )
    if within_days is not None:
        qs = qs.filter(due_on__lte=today + dt.timedelta(days=within_days))
    return qs.select_related("item", "assignment__unit").order_by("due_on", "pk")


def item_detail(item: Item) -> dict[str, Any]:
    """Everything the item page shows, in a fixed number of queries."""
    files = list(item.attachments.select_related("attachment").order_by("pk"))
    replies = list(item.replies.select_related("assignment__unit").order_by("round", "pk"))
    for reply in replies:
        reply.files = [f for f in files if f.reply_id == reply.pk]  # type: ignore[attr-defined]
    return {
        "originators": list(item.originators.select_related("person")),
        "assignments": list(item.assignments.select_related("unit").order_by("role", "pk")),
        "clocks": list(item.clocks.select_related("assignment__unit").order_by("started_on", "pk")),
        "replies": replies,
        "item_files": [f for f in files if f.reply_id is None],
        "evaluations": list(item.evaluations.select_related("person").order_by("round")),
        "contacts": list(item.contacts.select_related("assignment__unit", "recorded_by")),
        "supervision": list(item.supervision_logs.select_related("by")),
        "timeline": _labelled(item, item.timeline.select_related("actor__person")),
    }


def _labelled(item: Item, events: Any) -> list[Any]:
    spec = item.spec
    rows = list(events.order_by("at", "pk"))
    for event in rows:
        event.action_label = str(kinds.ACTION_LABELS.get(event.action, event.action))
        event.to_label = spec.state_label(event.to_state) if event.to_state else ""
    return rows


def unit_assignments(unit_ids: frozenset[int] | set[int]) -> QuerySet[Assignment]:
    next_clock = Clock.objects.filter(
        assignment=OuterRef("pk"),
        stopped_on__isnull=True,
        purpose__in=[Purpose.REPLY, Purpose.REHANDLE, Purpose.CO_OPINION],
    ).order_by("due_on", "pk")
    return (
        Assignment.objects.filter(unit_id__in=unit_ids, withdrawn_on__isnull=True)
        .select_related("item", "unit")
        .annotate(
            reply_due=Subquery(next_clock.values("due_on")[:1]),
            reply_article=Subquery(next_clock.values("article")[:1]),
            reply_period=Subquery(next_clock.values("period")[:1]),
        )
        .order_by("-assigned_on", "-pk")
    )


def reference_of(kind: str, year: int, number: int | None, pk: int) -> str:
    """``Item.reference`` from the values of a row."""
    prefix = spec_for(kind).prefix
    return f"{prefix}{year}-#{pk}" if number is None else f"{prefix}{year}-{number:04d}"


# The unit portal's page, hand-written (the ORM's compilation of this query cost more than the
# database's work): the page's assignments are chosen first, on the unit index, with the total
# as ``COUNT(*) OVER ()`` over the cheap columns; only those rows then get their item, unit,
# open reply clock (``unit_assignments``' ``reply_due`` / ``reply_article``) and, for an
# implementation item, what ``implementation.with_progress`` reads. Live rows only, as the
# models' managers read them; the columns are named as ``UNIT_ROW_COLUMNS``.
UNIT_PAGE_SQL = """
SELECT a.id, a.item_id, i.kind, i.year, i.number, i.title, i.state, o.name, a.role,
  a.assigned_on, a.return_decision, c.due_on, c.article,
  (SELECT r.percent FROM casework_progressreport r
     WHERE r.item_id = a.item_id AND r.deleted_at IS NULL
     ORDER BY r.reported_on DESC, r.id DESC LIMIT 1),
  (SELECT COUNT(*) FROM casework_milestone m
     WHERE m.item_id = a.item_id AND m.deleted_at IS NULL),
  (SELECT COUNT(*) FROM casework_milestone m
     WHERE m.item_id = a.item_id AND m.deleted_at IS NULL AND m.done_on IS NOT NULL),
  n.title, n.due_on, a.found
FROM (
  SELECT a.id, a.item_id, a.unit_id, a.role, a.assigned_on, a.return_decision,
    COUNT(*) OVER () AS found
  FROM casework_assignment a
  JOIN casework_item live ON live.id = a.item_id AND live.deleted_at IS NULL
  WHERE a.deleted_at IS NULL AND a.withdrawn_on IS NULL AND a.unit_id IN ({units})
  ORDER BY a.assigned_on DESC, a.id DESC
  LIMIT %s OFFSET %s
) a
JOIN casework_item i ON i.id = a.item_id
JOIN people_organisation o ON o.id = a.unit_id
LEFT JOIN casework_clock c ON c.id = (
  SELECT k.id FROM casework_clock k
  WHERE k.assignment_id = a.id AND k.deleted_at IS NULL AND k.stopped_on IS NULL
    AND k.purpose IN (%s, %s, %s)
  ORDER BY k.due_on, k.id LIMIT 1)
LEFT JOIN casework_milestone n ON n.id = (
  SELECT m.id FROM casework_milestone m
  WHERE m.item_id = a.item_id AND m.deleted_at IS NULL AND m.done_on IS NULL
  ORDER BY m.due_on, m."order", m.id LIMIT 1)
ORDER BY a.assigned_on DESC, a.id DESC
"""
UNIT_ROW_COLUMNS = (
    "pk",
    "item_id",
    "item__kind",
    "item__year",
    "item__number",
    "item__title",
    "item__state",
    "unit__name",
    "role",
    "assigned_on",
    "return_decision",
    "reply_due",
    "reply_article",
    "reported_percent",
    "milestones_total",
    "milestones_done",
    "next_milestone_title",
    "next_milestone_due",
    "found",
)


def unit_assignment_page(unit_ids: frozenset[int] | set[int], number: Any, per_page: int) -> Page:
    """One page of ``unit_assignments`` for the unit portal, newest first, as dicts named by
    ``UNIT_ROW_COLUMNS``, in one query (``UNIT_PAGE_SQL``); ``number`` as Paginator.get_page
    takes it (not a number: the first page; past the end: the last)."""
    try:
        wanted = max(1, int(number))
    except (TypeError, ValueError):
        wanted = 1
    mine = Assignment.objects.filter(
        unit_id__in=unit_ids, withdrawn_on__isnull=True, item__deleted_at__isnull=True
    )
    paginator = Paginator(mine, per_page)  # counts nothing: the total comes with the rows
    units = sorted(int(u) for u in unit_ids)
    rows: list[dict[str, Any]] = []
    if units:
        connection = connections[Assignment.objects.db]
        sql = UNIT_PAGE_SQL.format(units=", ".join(["%s"] * len(units)))
        clocks = [Purpose.REPLY.value, Purpose.REHANDLE.value, Purpose.CO_OPINION.value]
        with connection.cursor() as cursor:
            cursor.execute(sql, [*units, per_page, (wanted - 1) * per_page, *clocks])
            fetched = cursor.fetchall()
        for values in fetched:
            row = dict(zip(UNIT_ROW_COLUMNS, values, strict=True))
            for name in ("assigned_on", "reply_due", "next_milestone_due"):
                if isinstance(row[name], str):  # SQLite gives dates as text
                    row[name] = parse_date(row[name])
            rows.append(row)
    if not rows and wanted > 1:  # past the end: the last page (rare; two more queries)
        last = max(1, -(-mine.count() // per_page))
        if last < wanted:
            return unit_assignment_page(unit_ids, last, per_page)
    paginator.count = rows[0]["found"] if rows else 0  # type: ignore[misc]  # cached_property
    return Page(rows, wanted, paginator)


def deputy_items(person_id: int) -> QuerySet[Item]:
    return (
        Item.objects.filter(originators__person_id=person_id, originators__deleted_at__isnull=True)
        .annotate(
            awaiting_evaluation=Exists(
                Clock.objects.filter(
                    item=OuterRef("pk"),
                    purpose=Purpose.EVALUATION_FORM,
                    stopped_on__isnull=True,
                )
            )
        )
        .order_by("-submitted_on", "-pk")
    )


# --- rates (RULES.md §3) -----------------------------------------------------------------------


@dataclass(frozen=True)
class RateQuery:
    congress_id: int
    kind: str
    date_from: dt.date
    date_to: dt.date
    as_of: dt.date
    topic: str = ""
    unit_id: int | None = None


def _annotated(q: RateQuery, only: set[str] | None = None) -> QuerySet[Assignment]:
    """Lead assignments assigned in the period, annotated as of ``q.as_of`` (with ``only``,
    with those annotations alone: building the others costs Python for nothing)."""
    reply_clock = Clock.objects.filter(
        assignment=OuterRef("pk"), purpose=Purpose.REPLY, round=1
    ).order_by("pk")
    stopped = reply_clock.filter(stopped_on__lte=q.as_of)
    qs = Assignment.objects.filter(
        congress_id=q.congress_id,
        role=Assignment.Role.LEAD,
        withdrawn_on__isnull=True,
        item__kind=q.kind,
        item__deleted_at__isnull=True,
        assigned_on__gte=q.date_from,
        assigned_on__lte=q.date_to,
    ).filter(assigned_on__lte=q.as_of)
    if q.topic:
        qs = qs.filter(item__topic=q.topic)
    if q.unit_id:
        qs = qs.filter(unit_id=q.unit_id)
    columns: dict[str, Callable[[], Any]] = {
        "r_due": lambda: Subquery(reply_clock.values("due_on")[:1]),
        "r_stop": lambda: Subquery(stopped.values("stopped_on")[:1]),
        "r_days": lambda: Subquery(stopped.values("elapsed_days")[:1]),
        "r_class": lambda: Subquery(
            Reply.objects.filter(assignment=OuterRef("pk"), sent_on__lte=q.as_of)
            .exclude(approval=Reply.Approval.PENDING)
            .order_by("-round", "-pk")
            .values("reply_class")[:1]
        ),
        "e_value": lambda: Subquery(
            Evaluation.objects.filter(item=OuterRef("item_id"), evaluated_on__lte=q.as_of)
            .order_by("-round", "-pk")
            .values("value")[:1]
        ),
        "form_overdue": lambda: Exists(
            Clock.objects.filter(
                item=OuterRef("item_id"), purpose=Purpose.EVALUATION_FORM, due_on__lt=q.as_of
            )
        ),
    }
    return qs.annotate(
        **{name: make() for name, make in columns.items() if only is None or name in only}
    )


def _names_in(condition: Q) -> set[str]:
    """The annotations a measure's condition reads (its lookups' first parts and F()s)."""
    names: set[str] = set()
    for child in condition.children:
        if isinstance(child, Q):
            names |= _names_in(child)
        else:
            lookup, value = cast(tuple[str, Any], child)  # a Q's leaves: (lookup, value)
            names.add(lookup.split("__", 1)[0])
            if isinstance(value, F):
                names.add(value.name)
    return names


def _measures(kind: str, as_of: dt.date) -> dict[str, Q]:
    spec = spec_for(kind)
    replied = Q(r_stop__isnull=False)
    return {
        "assigned": Q(),
        "replied": replied,
        "closed_on_time": replied & Q(r_stop__lte=F("r_due")),
        "closed_late": replied & Q(r_stop__gt=F("r_due")),
        "open_overdue": Q(r_stop__isnull=True, r_due__lt=as_of),
        "class_a": replied & Q(r_class__in=spec.resolved_classes),
        "class_b": replied & Q(r_class__in=spec.planned_classes),
        "class_c": replied & Q(r_class="C"),
        "class_d": replied & Q(r_class="D"),
        "evaluated": Q(e_value__isnull=False),
        "satisfied": Q(e_value=EvaluationValue.SATISFIED),
        "basically_satisfied": Q(e_value=EvaluationValue.BASICALLY_SATISFIED),
        "unsatisfied": Q(e_value=EvaluationValue.UNSATISFIED),
        "forms_not_returned": replied & Q(e_value__isnull=True, form_overdue=True),
    }


def _measure_q(kind: str, name: str, as_of: dt.date) -> Q:
    return _measures(kind, as_of)[name]


COUNTS = (
    "assigned",
    "replied",
    "closed_on_time",
    "closed_late",
    "open_overdue",
    "class_a",
    "class_b",
    "class_c",
    "class_d",
    "evaluated",
    "satisfied",
    "basically_satisfied",
    "unsatisfied",
    "forms_not_returned",
)

# What each figure means, shown beside it (RULES.md §3).
DEFINITIONS = {
    "assigned": _("Items assigned to the unit as lead unit in the period."),
    "replied": _("Of those, items the unit had replied to by the reference date."),
    "closed_on_time": _("Replied on or before the reply deadline."),
    "closed_late": _("Replied after the reply deadline."),
    "open_overdue": _("Not replied and already past the deadline on the reference date."),
    "class_a": _("Replies of class A: solved or adopted."),
    "class_b": _("Replies of class B: being solved or planned."),
    "class_c": _("Replies of class C: cannot be solved now, explained."),
    "class_d": _("Replies of class D: kept for reference."),
    "evaluated": _("Replies the deputy evaluated (latest round)."),
    "satisfied": _("Evaluated satisfied."),
    "basically_satisfied": _("Evaluated basically satisfied."),
    "unsatisfied": _("Evaluated unsatisfied."),
    "forms_not_returned": _(
        "Replied, no evaluation, and the satisfaction form is past its return date; "
        "left out of the satisfaction denominators."
    ),
    "completion_rate": _("Completion rate = replied ÷ assigned."),
    "on_time_rate": _(
        "On-time rate = replied on time ÷ (replied + open and overdue): an overdue open item "
        "counts against the unit."
    ),
    "resolution_rate": _("Resolution rate = A ÷ replied."),
    "resolved_or_planned_rate": _("Solved or planned rate = (A + B) ÷ replied."),
    "satisfaction_rate": _("Satisfaction rate = satisfied ÷ evaluated."),
    "basic_satisfaction_rate": _("Basic satisfaction rate = basically satisfied ÷ evaluated."),
    "average_days_to_reply": _("Average days from assignment to the reply, over replied items."),
}


@dataclass
class UnitRates:
    unit_id: int | None
    unit_name: str
    counts: dict[str, int] = field(default_factory=dict)
    average_days_to_reply: float | None = None

    def _ratio(self, top: int, bottom: int) -> float | None:
        return round(top / bottom, 4) if bottom else None

    @property
    def completion_rate(self) -> float | None:
        return self._ratio(self.counts["replied"], self.counts["assigned"])

    @property
    def on_time_rate(self) -> float | None:
        c = self.counts
        return self._ratio(c["closed_on_time"], c["replied"] + c["open_overdue"])

    @property
    def resolution_rate(self) -> float | None:
        return self._ratio(self.counts["class_a"], self.counts["replied"])

    @property
    def resolved_or_planned_rate(self) -> float | None:
        c = self.counts
        return self._ratio(c["class_a"] + c["class_b"], c["replied"])

    @property
    def satisfaction_rate(self) -> float | None:
        return self._ratio(self.counts["satisfied"], self.counts["evaluated"])

    @property
    def basic_satisfaction_rate(self) -> float | None:
        return self._ratio(self.counts["basically_satisfied"], self.counts["evaluated"])

    RATES = (
        "completion_rate",
        "on_time_rate",
        "resolution_rate",
        "resolved_or_planned_rate",
        "satisfaction_rate",
        "basic_satisfaction_rate",
    )

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit_id": self.unit_id,
            "unit": self.unit_name,
            **self.counts,
            **{name: getattr(self, name) for name in self.RATES},
            "average_days_to_reply": self.average_days_to_reply,
        }


def _materialized(connection: Any) -> str:
    """Keep the CTE a CTE: inlined, its correlated subqueries would run once per measure."""
    if connection.vendor == "sqlite":
        import sqlite3

        return "MATERIALIZED " if sqlite3.sqlite_version_info >= (3, 35) else ""
    return "MATERIALIZED " if connection.vendor == "postgresql" else ""


def rates(q: RateQuery) -> list[UnitRates]:
    """One row per lead unit, and a last row for all units together (unit_id None).

    One query, however many items (``rates_sql``, hand-written: the same meaning as
    ``_annotated`` and ``_measures``): each assignment's facts are read once in a materialised
    CTE and grouped by unit with a conditional SUM per measure; the total row is the sum of the
    unit rows."""
    from sanxing.casework import rates_sql

    connection = connections[Assignment.objects.db]
    adapt = connection.ops.adapt_datefield_value
    sql, params = rates_sql.per_unit_sql(
        congress_id=q.congress_id,
        kind=q.kind,
        date_from=adapt(q.date_from),
        date_to=adapt(q.date_to),
        as_of=adapt(q.as_of),
        topic=q.topic,
        unit_id=q.unit_id,
        materialized=_materialized(connection),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    result: list[UnitRates] = []
    totals = dict.fromkeys(COUNTS, 0)
    days_sum, days_count = 0.0, 0
    n = len(COUNTS)
    for row in fetched:
        counts = dict(zip(COUNTS, (int(v or 0) for v in row[2 : 2 + n]), strict=True))
        for name, value in counts.items():
            totals[name] += value
        row_sum, row_count = float(row[2 + n] or 0), int(row[3 + n] or 0)
        days_sum += row_sum
        days_count += row_count
        result.append(
            UnitRates(
                unit_id=row[0],
                unit_name=row[1],
                counts=counts,
                average_days_to_reply=_round(row_sum / row_count) if row_count else None,
            )
        )
    result.append(
        UnitRates(
            unit_id=None,
            unit_name=str(_("All units")),
            counts=totals,
            average_days_to_reply=_round(days_sum / days_count) if days_count else None,
        )
    )
    return result


def _round(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)


def rate_items(q: RateQuery, measure: str) -> QuerySet[Item]:
    """The items behind one number of the rates table."""
    if measure not in COUNTS:
        raise KeyError(measure)
    condition = _measure_q(q.kind, measure, q.as_of)
    item_ids = _annotated(q, only=_names_in(condition)).filter(condition).values("item_id")
    return Item.objects.filter(pk__in=item_ids).order_by("year", "number", "pk")


RATE_ITEM_FIELDS = ("pk", "kind", "year", "number", "title", "state")


def rate_items_page(q: RateQuery, measure: str, number: Any, per_page: int) -> Page:
    """One page of ``rate_items`` for the drill-down page, as plain values with only the
    columns shown, in one query: the rows carry the total as ``COUNT(*) OVER ()`` (instead of
    a ``COUNT`` and a rows query, each running the measure's filter)."""
    return window_page(rate_items(q, measure).values(*RATE_ITEM_FIELDS), number, per_page)


def window_page(qs: QuerySet[Any], number: Any, per_page: int) -> Page:
    """``Paginator(qs, per_page).get_page(number)`` in one query: the rows carry the total as
    ``COUNT(*) OVER ()``. Use it where the total costs what the rows cost (the filter is the
    expensive part, the selected columns are cheap); past the end, the last page (two more
    queries, as Paginator)."""
    try:
        wanted = max(1, int(number))
    except (TypeError, ValueError):
        wanted = 1
    start = (wanted - 1) * per_page
    rows = list(qs.annotate(found=Window(Count("*")))[start : start + per_page])
    paginator = Paginator(qs, per_page)
    if rows:
        paginator.count = rows[0]["found"]  # type: ignore[misc]  # a cached_property
    elif wanted > 1:
        return paginator.get_page(wanted)
    else:
        paginator.count = 0  # type: ignore[misc]
    return Page(rows, wanted, paginator)


# The fields of a reply published with the deputy's agreement, and nothing else: the public
# page reads these values only, so no other field can reach its template.
PUBLIC_REPLY_FIELDS = (
    "pk",
    "item_id",
    "item__kind",
    "item__year",
    "item__number",
    "item__title",
    "item__topic",
    "item__congress__short_name",
    "assignment__unit__name",
    "round",
    "reply_class",
    "text",
    "sent_on",
)


def public_replies(*, item_id: int | None = None) -> QuerySet[Any]:
    """Replies the originators agreed to publish: sent (not awaiting approval, not sent back)
    lead-unit replies to suggestions, motions handled as such and review opinions, newest
    first, as plain values."""
    qs = Reply.objects.filter(
        item__public_disclosure_agreed=True,
        item__deleted_at__isnull=True,
        item__number__isnull=False,
        item__kind__in=[Kind.SUGGESTION, Kind.REVIEW_OPINION],
        assignment__role=Assignment.Role.LEAD,
        assignment__withdrawn_on__isnull=True,
    ).exclude(approval=Reply.Approval.PENDING)
    if item_id is not None:
        qs = qs.filter(item_id=item_id)
    return qs.order_by("-sent_on", "-pk").values(*PUBLIC_REPLY_FIELDS)


def public_rows(rows: Any) -> list[dict[str, Any]]:
    """Labels for the published values (reference, class, topic)."""
    out = []
    for row in rows:
        spec = kinds.spec_for(row["item__kind"])
        out.append(
            {
                "item_id": row["item_id"],
                "reference": f"{spec.prefix}{row['item__year']}-{row['item__number']:04d}",
                "title": row["item__title"],
                "topic": dict(kinds.Topic.choices).get(row["item__topic"], ""),
                "congress": row["item__congress__short_name"],
                "unit": row["assignment__unit__name"],
                "round": row["round"],
                "reply_class": spec.reply_class_label(row["reply_class"]),
                "text": row["text"],
                "sent_on": row["sent_on"],
            }
        )
    return out


def item_milestones(item: Any) -> Any:
    """An implementation item's milestones, in their planned order."""
    from sanxing.casework.models import Milestone

    return Milestone.objects.filter(item=item).order_by("order", "due_on", "pk")


def item_progress_reports(item: Any) -> Any:
    """An implementation item's progress reports, newest first, with who reported them."""
    from sanxing.casework.models import ProgressReport

    return (
        ProgressReport.objects.filter(item=item)
        .select_related("assignment__unit", "reported_by")
        .order_by("-reported_on", "-pk")
    )
