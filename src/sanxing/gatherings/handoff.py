"""The hand-off of review opinions (審議意見) from a meeting to the casework engine.

After the Standing Committee considers a special work report or an inspection report, its
members' opinions are compiled into a review opinion that the office assigns to the handling
units with a clock (監督法 Arts. 17, 37, 50). The gatherings engine does not import casework
(shared/DESIGN.md: engines depend only on people and workcal); casework registers a *sink*
at start-up and receives each hand-off::

    from sanxing.gatherings.handoff import register_sink

    def receive(opinion, by):
        return item_submit(congress=..., kind="review_opinion", title=opinion.title, ...)

    register_sink(receive)

Decisions and resolutions leave the same way: each becomes an implementation item in the
engine that registers ``register_decision_sink(fn)``, with ``fn(decision, by)`` receiving a
``DecisionForImplementation``. Without a decision sink a decision is recorded and waits; the
follow-up page hands it off once one is registered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxing.core.errors import BusinessError
from sanxing.gatherings.models import AgendaItem
from sanxing.people.models import Organisation


@dataclass(frozen=True)
class ReviewOpinion:
    congress_id: int
    gathering_id: int
    agenda_item_id: int
    title: str
    content: str
    handling_unit_ids: tuple[int, ...]
    considered_on: dt.date


Sink = Callable[[ReviewOpinion, Any], Any]

_sinks: list[Sink] = []


def register_sink(fn: Sink) -> Sink:
    if fn not in _sinks:
        _sinks.append(fn)
    return fn


def unregister_sink(fn: Sink) -> None:
    if fn in _sinks:
        _sinks.remove(fn)


def review_opinion_hand_off(
    *,
    item: AgendaItem,
    title: str,
    content: str,
    units: Sequence[Organisation],
    by: Any,
) -> list[Any]:
    """Hand a compiled review opinion on an agenda item to every registered sink, in one
    transaction (a sink that fails rolls all back). Returns what the sinks returned."""
    if not _sinks:
        raise BusinessError(_("No engine receives review opinions yet."), code="no_sink")
    if item.withdrawn_at is not None:
        raise BusinessError(_("This item was withdrawn."))
    if not title.strip():
        raise BusinessError(_("Enter a title."), field="title")
    if not content.strip():
        raise BusinessError(_("Enter the review opinion."), field="content")
    if not units:
        raise BusinessError(_("Choose at least one handling unit."), field="units")
    if any(u.congress_id != item.congress_id for u in units):
        raise BusinessError(_("Choose a body of this congress."), field="units")
    opinion = ReviewOpinion(
        congress_id=item.congress_id,
        gathering_id=item.gathering_id,
        agenda_item_id=item.pk,
        title=title.strip(),
        content=content.strip(),
        handling_unit_ids=tuple(u.pk for u in units),
        considered_on=timezone.localtime(item.gathering.starts_at).date(),
    )
    with transaction.atomic():
        return [sink(opinion, by) for sink in list(_sinks)]


# --- decisions and resolutions → implementation items ----------------------------------------


@dataclass(frozen=True)
class DecisionForImplementation:
    """A decision or resolution of a meeting, handed on to become an implementation item
    (督辦落實事項). ``kind`` is ``"decision"`` or ``"resolution"``."""

    congress_id: int
    gathering_id: int
    agenda_item_id: int | None
    decision_id: int
    kind: str
    title: str
    text: str
    unit_ids: tuple[int, ...]
    decided_on: dt.date


_decision_sinks: list[Sink] = []


def register_decision_sink(fn: Callable[[DecisionForImplementation, Any], Any]) -> Any:
    """Register ``fn(decision, by)`` to receive every decision handed off (casework does this
    in its AppConfig.ready); returns ``fn`` so it can be used as a decorator."""
    if fn not in _decision_sinks:
        _decision_sinks.append(fn)  # type: ignore[arg-type]
    return fn


def unregister_decision_sink(fn: Callable[[DecisionForImplementation, Any], Any]) -> None:
    if fn in _decision_sinks:
        _decision_sinks.remove(fn)  # type: ignore[arg-type]


def has_decision_sink() -> bool:
    return bool(_decision_sinks)


def decision_hand_off(*, decision: Any, by: Any) -> list[Any]:
    """Hand a recorded decision (``sanxing.gatherings.models.Decision``) to every registered
    decision sink, in one transaction. Returns what the sinks returned."""
    if not _decision_sinks:
        raise BusinessError(
            _("No engine receives decisions for implementation yet."), code="no_sink"
        )
    if not decision.text.strip():
        raise BusinessError(_("Enter the decision."), field="text")
    units = list(decision.units.all())
    if any(u.congress_id != decision.congress_id for u in units):
        raise BusinessError(_("Choose a body of this congress."), field="units")
    gathering = decision.gathering
    payload = DecisionForImplementation(
        congress_id=decision.congress_id,
        gathering_id=gathering.pk,
        agenda_item_id=decision.agenda_item_id,
        decision_id=decision.pk,
        kind=decision.kind,
        title=f"{gathering.title} · {decision.get_kind_display()}"[:200],
        text=decision.text.strip(),
        unit_ids=tuple(u.pk for u in units),
        decided_on=timezone.localtime(gathering.starts_at).date(),
    )
    with transaction.atomic():
        return [sink(payload, by) for sink in list(_decision_sinks)]  # type: ignore[arg-type]
