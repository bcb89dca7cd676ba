"""Follow-up after a meeting (跟蹤服務): minutes, decisions and resolutions, members'
deliberation remarks per agenda item, review opinions compiled from the remarks.

Review opinions go to casework through ``handoff.review_opinion_hand_off``; each decision or
resolution becomes an implementation item through ``handoff.decision_hand_off``. Services
take keyword-only arguments, run in one transaction and record the acting user.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxing.core.errors import BusinessError
from sanxing.gatherings import handoff
from sanxing.gatherings.models import (
    AgendaItem,
    Decision,
    Gathering,
    Minutes,
    Remark,
    ReviewOpinionRecord,
)
from sanxing.people.models import Organisation, Person


def _by(obj: Any, user: Any) -> Any:
    obj._history_user = user
    return obj


def _refs(results: Iterable[Any]) -> str:
    return ", ".join(str(getattr(r, "reference", None) or r) for r in results)[:300]


def _units_of(congress_id: int, units: Sequence[Organisation]) -> list[Organisation]:
    units = list(units)
    if any(u.congress_id != congress_id for u in units):
        raise BusinessError(_("Choose a body of this congress."), field="units")
    return units


def minutes_save(*, gathering: Gathering, text: str, by: Any) -> Minutes:
    if not text.strip():
        raise BusinessError(_("Enter the minutes."), field="text")
    with transaction.atomic():
        minutes = Minutes.objects.select_for_update().filter(gathering=gathering).first()
        if minutes is None:
            minutes = Minutes(congress_id=gathering.congress_id, gathering=gathering, text="")
        elif minutes.approved_at is not None:
            raise BusinessError(_("The minutes are approved and can no longer be changed."))
        else:
            minutes.version += 1
        minutes.text = text.strip()
        _by(minutes, by).save()
        return minutes


def minutes_approve(*, minutes: Minutes, by: Any) -> Minutes:
    with transaction.atomic():
        current = Minutes.objects.select_for_update().get(pk=minutes.pk)
        if current.approved_at is None:
            current.approved_at = timezone.now()
            current.version += 1
            _by(current, by).save(update_fields=["approved_at", "version", "updated_at"])
        return current


def decision_record(
    *,
    gathering: Gathering,
    text: str,
    kind: str = Decision.Kind.DECISION,
    agenda_item: AgendaItem | None = None,
    units: Sequence[Organisation] = (),
    by: Any,
) -> Decision:
    """Record a decision or resolution; when an engine receives decisions it is handed off at
    once in the same transaction (a failing sink rolls the record back too)."""
    if kind not in Decision.Kind.values:
        raise BusinessError(_("Choose decision or resolution."), field="kind")
    if not text.strip():
        raise BusinessError(_("Enter the decision."), field="text")
    if agenda_item is not None and agenda_item.gathering_id != gathering.pk:
        raise BusinessError(_("Choose an item of this meeting's agenda."), field="agenda_item")
    units = _units_of(gathering.congress_id, units)
    with transaction.atomic():
        decision = Decision(
            congress_id=gathering.congress_id,
            gathering=gathering,
            agenda_item=agenda_item,
            kind=kind,
            text=text.strip(),
        )
        _by(decision, by).save()
        decision.units.set(units)
        if handoff.has_decision_sink():
            decision = decision_hand_off(decision=decision, by=by)
        return decision


def decision_hand_off(*, decision: Decision, by: Any) -> Decision:
    """Hand a decision on for implementation (again refused once it was handed off)."""
    with transaction.atomic():
        current = Decision.objects.select_for_update().get(pk=decision.pk)
        if current.handed_off_at is not None:
            raise BusinessError(_("This decision was already handed off for implementation."))
        results = handoff.decision_hand_off(decision=current, by=by)
        current.handed_off_at = timezone.now()
        current.handed_off_refs = _refs(results)
        current.version += 1
        _by(current, by).save(
            update_fields=["handed_off_at", "handed_off_refs", "version", "updated_at"]
        )
        return current


def remark_add(
    *,
    item: AgendaItem,
    person: Person,
    text: str,
    at: dt.datetime | None = None,
    by: Any,
) -> Remark:
    """A deliberation remark by someone on the meeting's roster."""
    if item.withdrawn_at is not None:
        raise BusinessError(_("This item was withdrawn."))
    if not text.strip():
        raise BusinessError(_("Enter the remark."), field="text")
    if not item.gathering.roster.filter(person=person).exists():
        raise BusinessError(_("Only someone on the roster speaks on the agenda."), field="person")
    with transaction.atomic():
        remark = Remark(
            congress_id=item.congress_id,
            agenda_item=item,
            person=person,
            text=text.strip(),
            made_at=at or timezone.now(),
        )
        _by(remark, by).save()
        return remark


def compile_remarks(remarks: Iterable[Remark]) -> str:
    """The review opinion's text: each remark on its own line with its speaker."""
    return "\n".join(f"{r.person.name}：{r.text}" for r in remarks)


def review_opinion_compile(
    *,
    item: AgendaItem,
    title: str,
    units: Sequence[Organisation],
    remarks: Sequence[Remark] | None = None,
    preface: str = "",
    by: Any,
) -> ReviewOpinionRecord:
    """Compile a review opinion from the remarks on ``item`` (all of them unless chosen) and
    hand it to casework; the record keeps what was sent and the items casework created."""
    chosen = list(remarks) if remarks is not None else list(item.remarks.select_related("person"))
    if not chosen:
        raise BusinessError(_("Choose at least one remark."), field="remarks")
    if any(r.agenda_item_id != item.pk for r in chosen):
        raise BusinessError(_("Choose remarks made on this item."), field="remarks")
    content = "\n\n".join(p for p in (preface.strip(), compile_remarks(chosen)) if p)
    with transaction.atomic():
        results = handoff.review_opinion_hand_off(
            item=item, title=title, content=content, units=units, by=by
        )
        record = ReviewOpinionRecord(
            congress_id=item.congress_id,
            agenda_item=item,
            title=title.strip(),
            content=content,
            handed_off_at=timezone.now(),
            handed_off_refs=_refs(results),
        )
        _by(record, by).save()
        record.remarks.set(chosen)
        record.units.set(units)
        return record
