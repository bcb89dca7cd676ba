"""Import of past records from a spreadsheet, for offices that kept casework in Excel.

Columns (first row; names as below, in any order; .xlsx or UTF-8 .csv):

    number, title, submitted_on, deputies (names, the lead first, separated by 、 , ; or
    spaces) or petitioner (letters), topic, lead_unit, co_units, assigned_on, hard (yes/no,
    是/否, 1/0), replied_on, reply_class (A/B/C/D; letters: support/explain/reject),
    evaluation (satisfied / basically_satisfied / unsatisfied, or 滿意/基本滿意/不滿意),
    evaluated_on, closed_on

Every clock is computed as if the item had been live (the same rules and calendar as the
services). Every row is checked first; if any row is wrong nothing is imported, unless
``skip_bad`` is given, when the good rows are imported and the bad ones reported.

The rows are written model by model in bulk (no per-row ``save()``), each with its history
row: created by the importing user, change reason "import"."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from sanxing.casework import kinds
from sanxing.casework.kinds import EvaluationValue, Kind, Purpose, Topic, spec_for
from sanxing.casework.models import (
    Assignment,
    Clock,
    Evaluation,
    Item,
    ItemOriginator,
    Reply,
    TimelineEvent,
)
from sanxing.casework.services import workflow_for
from sanxing.people.models import Congress, Organisation, Person, Role

COLUMNS = (
    "number",
    "title",
    "submitted_on",
    "deputies",
    "petitioner",
    "topic",
    "lead_unit",
    "co_units",
    "assigned_on",
    "hard",
    "replied_on",
    "reply_class",
    "evaluation",
    "evaluated_on",
    "closed_on",
)
EVALUATION_WORDS = {
    "滿意": EvaluationValue.SATISFIED,
    "满意": EvaluationValue.SATISFIED,
    "基本滿意": EvaluationValue.BASICALLY_SATISFIED,
    "基本满意": EvaluationValue.BASICALLY_SATISFIED,
    "不滿意": EvaluationValue.UNSATISFIED,
    "不满意": EvaluationValue.UNSATISFIED,
}
TRUE_WORDS = {"yes", "y", "true", "1", "是", "✓"}
FALSE_WORDS = {"", "no", "n", "false", "0", "否"}
NAME_SPLIT = re.compile(r"[、,，;；\s]+")


@dataclass
class RowError:
    row: int
    message: str


@dataclass
class ImportReport:
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)


def read_rows(path: Path) -> list[dict[str, str]]:
    """The sheet's rows as dicts of text, keyed by the header's column names."""
    if path.suffix.lower() == ".csv":
        text = path.read_bytes().decode("utf-8-sig")
        return [
            {(k or "").strip(): (v or "").strip() for k, v in row.items()}
            for row in csv.DictReader(io.StringIO(text))
        ]
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    ws = wb.active
    assert ws is not None
    rows = ws.iter_rows(values_only=True)
    header = [str(c or "").strip() for c in next(rows, ())]
    result = []
    for values in rows:
        if all(v in (None, "") for v in values):
            continue
        cells = {}
        for name, value in zip(header, values, strict=False):
            if isinstance(value, dt.datetime):
                value = value.date()
            cells[name] = value.isoformat() if isinstance(value, dt.date) else str(value or "")
        result.append({k: v.strip() for k, v in cells.items()})
    return result


class _Row:
    """One row, checked; ``errors`` lists what is wrong with it."""

    def __init__(self, n: int, data: dict[str, str], ctx: _Context):
        self.n, self.data, self.ctx = n, data, ctx
        self.errors: list[str] = []
        get = self.text
        self.title = get("title")
        if not self.title:
            self.errors.append(_("title is empty"))
        self.number = self.integer("number")
        self.submitted_on = self.date("submitted_on", required=True)
        self.assigned_on = self.date("assigned_on")
        self.replied_on = self.date("replied_on")
        self.evaluated_on = self.date("evaluated_on")
        self.closed_on = self.date("closed_on")
        self.hard = self.boolean("hard")
        self.topic = get("topic") or Topic.OTHER
        if self.topic not in Topic.values:
            self.errors.append(
                _("topic “%(value)s” is not one of the list") % {"value": self.topic}
            )
        self.deputies: list[Person] = []
        self.petitioner = get("petitioner")
        spec = spec_for(ctx.kind)
        if ctx.kind == Kind.LETTER:
            if not self.petitioner:
                self.errors.append(_("petitioner is empty"))
        elif ctx.kind == Kind.SUGGESTION:
            names = [n for n in NAME_SPLIT.split(get("deputies")) if n]
            if not names:
                self.errors.append(_("deputies is empty"))
            for name in names:
                person = ctx.deputies.get(name)
                if person is None:
                    self.errors.append(_("no deputy is called “%(name)s”") % {"name": name})
                else:
                    self.deputies.append(person)
        self.lead_unit = self.unit(get("lead_unit")) if get("lead_unit") else None
        self.co_units = [self.unit(n) for n in NAME_SPLIT.split(get("co_units")) if n]
        if self.assigned_on and self.lead_unit is None:
            self.errors.append(_("assigned_on is given but lead_unit is empty"))
        self.reply_class = get("reply_class")
        if self.reply_class and self.reply_class not in dict(spec.reply_classes):
            self.errors.append(
                _("reply_class “%(value)s” is not one of %(choices)s")
                % {"value": self.reply_class, "choices": "/".join(dict(spec.reply_classes))}
            )
        raw = get("evaluation")
        self.evaluation = EVALUATION_WORDS.get(raw, raw)
        if self.evaluation and self.evaluation not in EvaluationValue.values:
            self.errors.append(_("evaluation “%(value)s” is not understood") % {"value": raw})
        self.check_order()

    def text(self, name: str) -> str:
        return (self.data.get(name) or "").strip()

    def integer(self, name: str) -> int | None:
        raw = self.text(name)
        digits = re.sub(r"\D", "", raw)
        if raw and not digits:
            self.errors.append(
                _("%(column)s “%(value)s” is not a number") % {"column": name, "value": raw}
            )
        return int(digits) if digits else None

    def date(self, name: str, required: bool = False) -> dt.date | None:
        raw = self.text(name)
        if not raw:
            if required:
                self.errors.append(_("%(column)s is empty") % {"column": name})
            return None
        try:
            return dt.date.fromisoformat(raw[:10].replace("/", "-"))
        except ValueError:
            self.errors.append(
                _("%(column)s “%(value)s” is not a date (YYYY-MM-DD)")
                % {"column": name, "value": raw}
            )
            return None

    def boolean(self, name: str) -> bool:
        raw = self.text(name).lower()
        if raw in TRUE_WORDS:
            return True
        if raw not in FALSE_WORDS:
            self.errors.append(
                _("%(column)s “%(value)s” is not yes or no") % {"column": name, "value": raw}
            )
        return False

    def unit(self, name: str) -> Organisation | None:
        unit = self.ctx.units.get(name)
        if unit is None:
            self.errors.append(_("no handling unit is called “%(name)s”") % {"name": name})
        return unit

    def check_order(self) -> None:
        order = [
            ("submitted_on", self.submitted_on),
            ("assigned_on", self.assigned_on),
            ("replied_on", self.replied_on),
            ("evaluated_on", self.evaluated_on),
        ]
        last_name, last = None, None
        for name, day in order:
            if day is None:
                continue
            if last is not None and day < last:
                self.errors.append(
                    _("%(later)s is before %(earlier)s") % {"later": name, "earlier": last_name}
                )
            last_name, last = name, day
        if self.replied_on and not self.assigned_on:
            self.errors.append(_("replied_on is given but assigned_on is empty"))
        if self.replied_on and not self.reply_class:
            self.errors.append(_("replied_on is given but reply_class is empty"))
        if self.evaluation and not self.replied_on:
            self.errors.append(_("evaluation is given but replied_on is empty"))
        if self.evaluation and not self.evaluated_on:
            self.errors.append(_("evaluation is given but evaluated_on is empty"))


@dataclass
class _Context:
    congress: Congress
    kind: str
    deputies: dict[str, Person]
    units: dict[str, Organisation]


def _official(text: Any) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


def import_rows(
    *, congress: Congress, kind: str, rows: list[dict[str, str]], by: Any, skip_bad: bool = False
) -> ImportReport:
    if kind not in (Kind.SUGGESTION, Kind.LETTER, Kind.REVIEW_OPINION):
        raise ValueError(kind)
    ctx = _Context(
        congress=congress,
        kind=kind,
        deputies={
            p.name: p
            for p in Person.objects.filter(
                congress=congress, roles__kind=Role.Kind.DEPUTY, roles__deleted_at__isnull=True
            ).distinct()
        },
        units={
            u.name: u
            for u in Organisation.objects.filter(
                congress=congress, kind=Organisation.Kind.HANDLING_UNIT
            )
        },
    )
    report = ImportReport()
    checked = []
    seen: set[tuple[int, int]] = set()
    existing = set(  # one query, not one per row
        Item.all_objects.filter(congress=congress, kind=kind, number__isnull=False).values_list(
            "year", "number"
        )
    )
    for n, data in enumerate(rows, start=2):  # row 1 is the header
        row = _Row(n, data, ctx)
        if row.number is not None and row.submitted_on is not None:
            key = (row.submitted_on.year, row.number)
            if key in seen or key in existing:
                row.errors.append(
                    _("number %(n)s of %(year)s already exists") % {"n": key[1], "year": key[0]}
                )
            seen.add(key)
        for message in row.errors:
            report.errors.append(RowError(n, message))
        if not row.errors:
            checked.append(row)
    if report.errors and not skip_bad:
        return report
    from sanxing.workcal.calendar import current_calendar
    from sanxing.workcal.periods import compute_deadline

    calendar = current_calendar()

    def due(start: dt.date, period: str) -> tuple[dt.date, bool]:
        d = compute_deadline(start=start, period=period, calendar=calendar)
        return d.due, d.provisional

    with transaction.atomic():
        workflow_for(congress, kind)
        _write([_plan_one(row, ctx, by, due) for row in checked], by)
        report.imported = len(checked)
    return report


CHANGE_REASON = "import"
BATCH_SIZE = 500


@dataclass
class _Plan:
    """One row's rows to write, related through unsaved objects until ``_write``."""

    item: Item
    originators: list[ItemOriginator] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    clocks: list[Clock] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)
    evaluations: list[Evaluation] = field(default_factory=list)
    events: list[TimelineEvent] = field(default_factory=list)


def _write(plans: list[_Plan], by: Any) -> None:
    """Every row of every model in a few bulk inserts, each with its history row (created by
    the importing user, change reason "import"), parents before children."""
    from simple_history.utils import bulk_create_with_history

    user = by if getattr(by, "pk", None) else None
    for model, attr in (
        (Item, "item"),
        (ItemOriginator, "originators"),
        (Assignment, "assignments"),
        (Clock, "clocks"),
        (Reply, "replies"),
        (Evaluation, "evaluations"),
    ):
        objs = [
            obj
            for plan in plans
            for obj in ([plan.item] if attr == "item" else getattr(plan, attr))
        ]
        if objs:
            bulk_create_with_history(
                objs,
                model,
                batch_size=BATCH_SIZE,
                default_user=user,
                default_change_reason=CHANGE_REASON,
            )
    TimelineEvent.objects.bulk_create(
        [event for plan in plans for event in plan.events], batch_size=BATCH_SIZE
    )


def _clock(
    item: Item,
    assignment: Assignment | None,
    purpose: str,
    rule: kinds.ClockRule,
    start: dt.date,
    due: Any,
    stopped: dt.date | None,
    round_: int = 1,
) -> Clock:
    due_on, provisional = due(start, rule.period)
    stop = max(stopped, start) if stopped else None
    return Clock(
        congress=item.congress,
        item=item,
        assignment=assignment,
        purpose=purpose,
        round=round_,
        period=rule.period,
        rule_code=rule.code,
        article=_official(rule.article),
        started_on=start,
        due_on=due_on,
        provisional=provisional,
        stopped_on=stop,
        elapsed_days=(stop - start).days if stop else None,
    )


def _plan_one(row: _Row, ctx: _Context, by: Any, due: Any) -> _Plan:
    """The rows one spreadsheet row becomes, unsaved: clocks computed as if live."""
    kind = ctx.kind
    spec = spec_for(kind)
    assert row.submitted_on is not None
    item = Item(
        congress=ctx.congress,
        kind=kind,
        year=row.submitted_on.year,
        number=row.number,
        title=row.title,
        topic=row.topic,
        channel=kinds.Channel.LETTER if kind == Kind.LETTER else kinds.Channel.BETWEEN_SESSIONS,
        submitted_on=row.submitted_on,
        registered_on=row.assigned_on or row.submitted_on,
        state=spec.initial_state,
        is_hard=row.hard,
        petitioner_name=row.petitioner,
    )
    if kind == Kind.LETTER:
        import secrets

        from sanxing.casework.services import TRACKING_ALPHABET, TRACKING_LENGTH

        item.tracking_code = "".join(
            secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH)
        )
    plan = _Plan(item=item)
    plan.originators = [
        ItemOriginator(congress=ctx.congress, item=item, person=person, is_lead=i == 0)
        for i, person in enumerate(row.deputies)
    ]
    clocks = plan.clocks
    lead = None
    if kind == Kind.LETTER:
        clocks.append(
            _clock(
                item,
                None,
                Purpose.REGISTER,
                spec.clock(Purpose.REGISTER),
                row.submitted_on,
                due,
                item.registered_on,
            )
        )
        clocks.append(
            _clock(
                item,
                None,
                Purpose.HANDLE,
                spec.clock(Purpose.HANDLE),
                item.registered_on or row.submitted_on,
                due,
                row.replied_on,
            )
        )
        item.state = kinds.ACCEPTED
    if row.assigned_on and row.lead_unit:
        lead = Assignment(
            congress=ctx.congress,
            item=item,
            unit=row.lead_unit,
            role=Assignment.Role.LEAD,
            assigned_on=row.assigned_on,
            accepted_on=row.assigned_on,
        )
        plan.assignments.append(lead)
        for unit in row.co_units:
            if unit is not None and unit != row.lead_unit:
                co = Assignment(
                    congress=ctx.congress,
                    item=item,
                    unit=unit,
                    role=Assignment.Role.CO,
                    assigned_on=row.assigned_on,
                    accepted_on=row.assigned_on,
                )
                plan.assignments.append(co)
                if Purpose.CO_OPINION in spec.clocks:
                    clocks.append(
                        _clock(
                            item,
                            co,
                            Purpose.CO_OPINION,
                            spec.clock(Purpose.CO_OPINION),
                            row.assigned_on,
                            due,
                            row.replied_on,
                        )
                    )
        if kind != Kind.LETTER:
            key = "reply_hard" if row.hard and "reply_hard" in spec.clocks else Purpose.REPLY
            clocks.append(
                _clock(
                    item, lead, Purpose.REPLY, spec.clock(key), row.assigned_on, due, row.replied_on
                )
            )
            item.state = kinds.ASSIGNED
    if row.replied_on:
        reply = Reply(
            congress=ctx.congress,
            item=item,
            assignment=None if kind == Kind.LETTER else lead,
            round=1,
            text=_("(imported)"),
            reply_class=row.reply_class,
            signed_by=row.lead_unit.name if row.lead_unit else "",
            sent_on=row.replied_on,
            submitted_by=by,
        )
        plan.replies.append(reply)
        item.state = kinds.ANSWERED if kind == Kind.LETTER else kinds.REPLIED
        if kind != Kind.LETTER and row.deputies and Purpose.EVALUATION_FORM in spec.clocks:
            clocks.append(
                _clock(
                    item,
                    None,
                    Purpose.EVALUATION_FORM,
                    spec.clock(Purpose.EVALUATION_FORM),
                    row.replied_on,
                    due,
                    row.evaluated_on,
                )
            )
    if row.evaluation and row.evaluated_on and row.deputies:
        plan.evaluations.append(
            Evaluation(
                congress=ctx.congress,
                item=item,
                person=row.deputies[0],
                round=1,
                value=row.evaluation,
                evaluated_on=row.evaluated_on,
            )
        )
        if row.evaluation == EvaluationValue.UNSATISFIED and not row.closed_on and lead:
            item.round = 2
            item.state = kinds.REHANDLING
            clocks.append(
                _clock(
                    item,
                    lead,
                    Purpose.REHANDLE,
                    spec.clock(Purpose.REHANDLE),
                    row.evaluated_on,
                    due,
                    None,
                    round_=2,
                )
            )
        else:
            item.state = kinds.CLOSED
            item.closed_on = row.evaluated_on
    if row.closed_on:
        item.state = kinds.CLOSED
        item.closed_on = row.closed_on
    plan.events.append(
        TimelineEvent(
            congress=ctx.congress,
            item=item,
            actor=by if getattr(by, "pk", None) else None,
            action="import",
            to_state=item.state,
            note=_("Imported from a spreadsheet"),
        )
    )
    return plan
