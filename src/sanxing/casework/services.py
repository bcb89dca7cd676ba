"""Every business step of casework: one function per step, keyword-only, one transaction,
history with the acting user, a timeline row. Bad input raises a translated BusinessError
(or NotPermitted) before anything is written, so nothing is ever half-done."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanxing.casework import kinds
from sanxing.casework.access import handles_unit, is_office_for
from sanxing.casework.kinds import EvaluationValue, Kind, Purpose, spec_for
from sanxing.casework.models import (
    Assignment,
    Clock,
    ContactRecord,
    Evaluation,
    Item,
    ItemAttachment,
    ItemOriginator,
    Milestone,
    ProgressReport,
    Reply,
    State,
    SupervisionLog,
    TimelineEvent,
    Transition,
    UnitSetting,
    Workflow,
)
from sanxing.core.errors import BusinessError, NotPermitted, StaleEdit
from sanxing.documents import attachments as files_
from sanxing.people.access import roles_in_force, viewer_for
from sanxing.people.models import Congress, Organisation, Person, Role

TRACKING_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
TRACKING_LENGTH = 12  # about 59 bits: not guessable, easy to read out on the phone


# --- plumbing --------------------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


def _history_user(obj: Any, by: Any) -> Any:
    obj._history_user = by
    return obj


def _save(obj: Any, by: Any, update_fields: Sequence[str] | None = None) -> Any:
    _history_user(obj, by)
    if update_fields is not None:
        obj.save(update_fields=[*update_fields, "updated_at"])
    else:
        obj.save()
    return obj


def _create(model: Any, by: Any, /, **fields: Any) -> Any:
    obj = model(**fields)
    return _save(obj, by)


def workflow_for(congress: Congress, kind: str) -> Workflow:
    """The congress's workflow for a kind, seeded from the registry on first use."""
    workflow = Workflow.objects.filter(congress=congress, kind=kind).first()
    if workflow is not None:
        return workflow
    spec = spec_for(kind)
    with transaction.atomic():
        workflow = Workflow.objects.create(congress=congress, kind=kind)
        states = {}
        for order, (code, _label, initial, final) in enumerate(spec.states):
            states[code] = State.objects.create(
                workflow=workflow, code=code, is_initial=initial, is_final=final, sort_order=order
            )
        for source, target, action in spec.transitions:
            Transition.objects.create(
                workflow=workflow,
                action=action,
                from_state=states[source],
                to_state=states[target],
            )
    return workflow


def allowed_actions(item: Item) -> set[str]:
    """The actions the item's workflow allows from its current state."""
    workflow = workflow_for(item.congress, item.kind)
    return set(
        Transition.objects.filter(workflow=workflow, from_state__code=item.state).values_list(
            "action", flat=True
        )
    )


def _event(item: Item, *, action: str, by: Any, note: str = "", before: str = "") -> None:
    TimelineEvent.objects.create(
        congress_id=item.congress_id,
        item=item,
        actor=by if getattr(by, "pk", None) else None,
        action=action,
        from_state=before,
        to_state=item.state if before else "",
        note=note,
    )


def _move(item: Item, *, action: str, to: str, by: Any, note: str = "") -> None:
    """Change state along a transition of the workflow, or refuse."""
    workflow = workflow_for(item.congress, item.kind)
    if not Transition.objects.filter(
        workflow=workflow, action=action, from_state__code=item.state, to_state__code=to
    ).exists():
        raise BusinessError(
            _("This item is “%(state)s”: that step is not possible now.")
            % {"state": item.state_label},
            code="wrong_state",
        )
    before = item.state
    item.state = to
    item.version += 1
    _save(item, by, ["state", "version"])
    _event(item, action=action, by=by, note=note, before=before)


def _lock(item: Item) -> Item:
    """Re-read the item under a lock: every check and write works on the current row."""
    return Item.objects.select_for_update().select_related("congress").get(pk=item.pk)


def _check_version(item: Item, version: int | None) -> None:
    if version is not None and item.version != version:
        raise StaleEdit(
            _(
                "Someone else saved this item after you opened it. "
                "Reload the page to see their changes, then make yours again."
            )
        )


def _require_office(by: Any, congress_id: int) -> None:
    if not is_office_for(by, congress_id):
        raise NotPermitted(_("Only the office can do this."))


def _deadline(start: dt.date, period: str, extend_by: int = 0) -> tuple[dt.date, bool]:
    from sanxing.workcal.periods import compute_deadline

    deadline = compute_deadline(start=start, period=period, extend_by=extend_by)
    return deadline.due, deadline.provisional


def _start_clock(
    item: Item,
    *,
    purpose: str,
    start: dt.date,
    by: Any,
    assignment: Assignment | None = None,
    rule_key: str | None = None,
    round: int = 1,
    due_on: dt.date | None = None,
) -> Clock:
    spec = item.spec
    rule = spec.clock(rule_key or purpose)
    if due_on is None:
        due, provisional = _deadline(start, rule.period)
    else:
        due, provisional = due_on, False
    clock = _create(
        Clock,
        by,
        congress_id=item.congress_id,
        item=item,
        assignment=assignment,
        purpose=purpose,
        round=round,
        period=rule.period if due_on is None else "",
        rule_code=rule.code,
        article=_official(rule.article),
        started_on=start,
        due_on=due,
        provisional=provisional,
    )
    return clock


def _official(text: Any) -> str:
    """The legal basis as stored: in the deployment's language, whoever's session it is."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


def _stop_clocks(clocks: Iterable[Clock], *, on: dt.date, by: Any) -> None:
    for clock in clocks:
        if clock.stopped_on is not None:
            continue
        clock.stopped_on = max(on, clock.started_on)
        clock.elapsed_days = (clock.stopped_on - clock.started_on).days
        clock.version += 1
        _save(clock, by, ["stopped_on", "elapsed_days", "version"])


def _open_clocks(item: Item, purpose: str, **filters: Any):
    return Clock.objects.filter(item=item, purpose=purpose, stopped_on__isnull=True, **filters)


def _not_before(day: dt.date, earliest: dt.date | None, message: str, field: str) -> None:
    if earliest is not None and day < earliest:
        raise BusinessError(message, field=field, code="date_order")


def _not_future(day: dt.date, field: str) -> None:
    if day > _today():
        raise BusinessError(_("This date is in the future."), field=field, code="future")


def check_files(files: Iterable[Any]) -> list[files_.CheckedFile]:
    """Uploaded files (Django ``UploadedFile``, ``(name, bytes)`` pairs or already checked)
    checked against the attachment limits before anything is written."""
    checked = []
    for f in files or ():
        if isinstance(f, files_.CheckedFile):
            checked.append(f)
        elif isinstance(f, tuple):
            checked.append(files_.check_upload(f[0], f[1]))
        else:
            checked.append(files_.check_uploaded_file(f))
    return checked


def _attach(
    item: Item,
    checked: Sequence[files_.CheckedFile],
    *,
    by: Any,
    written: list[Any],
    reply: Reply | None = None,
) -> list[ItemAttachment]:
    links = []
    for f in checked:
        attachment = files_.store(congress_id=item.congress_id, checked=f, by=by, written=written)
        links.append(
            _create(
                ItemAttachment,
                by,
                congress_id=item.congress_id,
                item=item,
                reply=reply,
                attachment=attachment,
            )
        )
    return links


def item_attach(*, item: Item, files: Sequence[Any], by: Any) -> list[ItemAttachment]:
    """The office adds files to an item (a letter's enclosures scanned later, say)."""
    _require_office(by, item.congress_id)
    checked = check_files(files)
    if not checked:
        raise BusinessError(_("Choose a file to attach."), field="files")
    with files_.removed_on_error() as written, transaction.atomic():
        item = _lock(item)
        links = _attach(item, checked, by=by, written=written)
        _event(item, action="attach", by=by, note="、".join(f.name for f in checked))
        return links


def reply_attach(*, reply: Reply, files: Sequence[Any], by: Any) -> list[ItemAttachment]:
    """Add files to a reply: by a handler of the replying unit (or the office for its own
    answer to a letter) while the reply is not yet approved and sent on."""
    if reply.assignment_id is not None:
        _require_handler(by, reply.assignment)  # type: ignore[arg-type]
    else:
        _require_office(by, reply.congress_id)
    checked = check_files(files)
    if not checked:
        raise BusinessError(_("Choose a file to attach."), field="files")
    with files_.removed_on_error() as written, transaction.atomic():
        item = _lock(reply.item)
        links = _attach(item, checked, by=by, written=written, reply=reply)
        _event(item, action="attach", by=by, note="、".join(f.name for f in checked))
        return links


# --- items: submit, register, return ---------------------------------------------------------


def item_submit(
    *,
    congress: Congress,
    kind: str,
    title: str,
    content: str,
    topic: str = kinds.Topic.OTHER,
    channel: str = kinds.Channel.BETWEEN_SESSIONS,
    submitted_on: dt.date | None = None,
    deputies: Sequence[Person],
    lead: Person | None = None,
    is_hard: bool = False,
    public_disclosure_agreed: bool = False,
    by: Any,
) -> Item:
    """A suggestion (or motion, review opinion, decision) arrives: entered by the office or
    online by a deputy who is among its originators."""
    if kind == Kind.LETTER:
        raise BusinessError(_("Letters are received with their writer's details."), field="kind")
    if kind not in kinds.SPECS:
        raise BusinessError(_("Unknown kind of item."), field="kind")
    v = viewer_for(by)
    deputies = list({p.pk: p for p in deputies}.values())
    if not is_office_for(by, congress.pk) and not (
        v.person_id and v.person_id in {p.pk for p in deputies}
    ):
        raise NotPermitted(_("Only the office or one of its deputies can submit this item."))
    title = (title or "").strip()
    if not title:
        raise BusinessError(_("Enter a title."), field="title")
    if kind in (Kind.SUGGESTION, Kind.MOTION) and not deputies:
        raise BusinessError(_("Choose at least one deputy."), field="deputies")
    if kind == Kind.MOTION and len(deputies) < kinds.motion_min_deputies():
        raise BusinessError(
            _(
                "A motion needs at least %(n)d deputies (Local Organisation Law Art. 22); "
                "with fewer it can be submitted as a suggestion."
            )
            % {"n": kinds.motion_min_deputies()},
            field="deputies",
        )
    if any(p.congress_id != congress.pk for p in deputies):
        raise BusinessError(_("A deputy is not of this congress."), field="deputies")
    lead = lead or (deputies[0] if deputies else None)
    if lead is not None and lead.pk not in {p.pk for p in deputies}:
        raise BusinessError(_("The lead deputy must be one of the deputies."), field="lead")
    submitted_on = submitted_on or _today()
    _not_future(submitted_on, "submitted_on")
    if topic not in kinds.Topic.values:
        raise BusinessError(_("Choose a topic from the list."), field="topic")
    if channel not in kinds.Channel.values:
        raise BusinessError(_("Choose how the item arrived."), field="channel")
    with transaction.atomic():
        item = _create(
            Item,
            by,
            congress=congress,
            kind=kind,
            year=submitted_on.year,
            title=title,
            content=content or "",
            topic=topic,
            channel=channel,
            submitted_on=submitted_on,
            state=spec_for(kind).initial_state,
            is_hard=is_hard,
            public_disclosure_agreed=public_disclosure_agreed,
        )
        for person in deputies:
            _create(
                ItemOriginator,
                by,
                congress=congress,
                item=item,
                person=person,
                is_lead=lead is not None and person.pk == lead.pk,
            )
        _event(item, action="submit", by=by)
        return item


def _next_number(item: Item) -> int:
    top = Item.all_objects.filter(
        congress_id=item.congress_id, kind=item.kind, year=item.year
    ).aggregate(top=Max("number"))["top"]
    return (top or 0) + 1


def item_register(
    *,
    item: Item,
    by: Any,
    on: dt.date | None = None,
    topic: str | None = None,
    is_hard: bool | None = None,
    version: int | None = None,
) -> Item:
    """The office reviews a submitted item and registers it (立案), giving it its number."""
    _require_office(by, item.congress_id)
    on = on or _today()
    _not_future(on, "on")
    _not_before(
        on,
        item.submitted_on,
        _("An item cannot be registered before it was submitted."),
        "on",
    )
    if topic is not None and topic not in kinds.Topic.values:
        raise BusinessError(_("Choose a topic from the list."), field="topic")
    with transaction.atomic():
        item = _lock(item)
        _check_version(item, version)
        if topic is not None:
            item.topic = topic
        if is_hard is not None:
            item.is_hard = is_hard
        item.number = _next_number(item)
        item.registered_on = on
        _save(item, by, ["topic", "is_hard", "number", "registered_on"])
        _move(item, action="register", to=kinds.REGISTERED, by=by)
        return item


RESUBMIT_WINDOW = dt.timedelta(minutes=10)


def _recent_duplicate(
    *,
    congress: Congress,
    kind: str,
    title: str,
    content: str,
    submitted_on: dt.date | None,
    deputies: Sequence[Person],
    by: Any,
) -> Item | None:
    """The same item entered by the same user a moment ago (a form sent twice)."""
    if not getattr(by, "pk", None):
        return None
    candidates = Item.objects.filter(
        congress=congress,
        kind=kind,
        title=(title or "").strip(),
        content=content or "",
        submitted_on=submitted_on or _today(),
        timeline__action="submit",
        timeline__actor=by,
        timeline__at__gte=timezone.now() - RESUBMIT_WINDOW,
    ).distinct()
    wanted = {p.pk for p in deputies}
    for candidate in candidates.order_by("-pk"):
        people = set(
            ItemOriginator.objects.filter(item=candidate).values_list("person_id", flat=True)
        )
        if people == wanted:
            return candidate
    return None


def item_enter(
    *, register: bool = False, registered_on: dt.date | None = None, **fields: Any
) -> Item:
    """Submit an item and, when the office says so, register it at once: one transaction, so
    a refused registration leaves no submitted item behind. The same form sent again within
    a few minutes by the same user returns the item it created instead of a second one."""
    congress: Congress = fields["congress"]
    by = fields["by"]
    with transaction.atomic():
        # Serialise entries of one congress, so two quick submissions cannot both miss the
        # other one.
        Congress.objects.select_for_update().filter(pk=congress.pk).first()
        item = _recent_duplicate(
            congress=congress,
            kind=fields["kind"],
            title=fields["title"],
            content=fields.get("content", ""),
            submitted_on=fields.get("submitted_on"),
            deputies=list(fields.get("deputies", [])),
            by=by,
        )
        if item is None:
            item = item_submit(**fields)
        if register and item.state == spec_for(item.kind).initial_state and item.number is None:
            item = item_register(item=item, by=by, on=registered_on)
        return item


def item_return_to_originator(
    *, item: Item, reason: str, by: Any, version: int | None = None
) -> Item:
    """The office does not register the item and tells the deputy why."""
    _require_office(by, item.congress_id)
    reason = (reason or "").strip()
    if not reason:
        raise BusinessError(_("Say why the item is returned."), field="reason")
    with transaction.atomic():
        item = _lock(item)
        _check_version(item, version)
        item.return_reason = reason
        _save(item, by, ["return_reason"])
        _move(item, action="return", to=kinds.RETURNED, by=by, note=reason)
        return item


def item_mark_key_supervised(
    *, item: Item, leader: Person, by: Any, note: str = "", on: dt.date | None = None
) -> Item:
    """The directors' meeting makes the item a key supervised item (重點督辦) with a leader."""
    _require_office(by, item.congress_id)
    if (
        leader.congress_id != item.congress_id
        or not Role.objects.filter(
            roles_in_force(on), person=leader, kind__in=Role.LEADER_KINDS
        ).exists()
    ):
        raise BusinessError(
            _("The supervising leader must be a director, deputy director or secretary-general."),
            field="leader",
        )
    with transaction.atomic():
        item = _lock(item)
        item.is_key_supervised = True
        item.supervising_leader = leader
        item.version += 1
        _save(item, by, ["is_key_supervised", "supervising_leader", "version"])
        _event(
            item,
            action="key_supervised",
            by=by,
            note=_("Supervising leader: %(name)s") % {"name": leader.name}
            + (f" · {note}" if note else ""),
        )
        return item


MOTION_DECISIONS = {
    "agenda": kinds.ON_AGENDA,
    "refer": kinds.REFERRED,
    "convert": kinds.CONVERTED,
}


def motion_decide(
    *, motion: Item, decision: str, by: Any, note: str = "", on: dt.date | None = None
) -> Item:
    """Record the presidium's decision on a motion. "convert" creates the linked suggestion,
    registered the same day and ready to assign (Local Organisation Law Art. 22)."""
    _require_office(by, motion.congress_id)
    if motion.kind != Kind.MOTION:
        raise BusinessError(_("Only a motion gets the presidium's decision."))
    if decision not in MOTION_DECISIONS:
        raise BusinessError(_("Choose the presidium's decision."), field="decision")
    on = on or _today()
    _not_future(on, "on")
    _not_before(on, motion.submitted_on, _("The decision cannot be before the motion."), "on")
    with transaction.atomic():
        motion = _lock(motion)
        if motion.number is None:
            motion.number = _next_number(motion)
            motion.registered_on = on
        motion.closed_on = on
        _save(motion, by, ["number", "registered_on", "closed_on"])
        _move(motion, action="decide", to=MOTION_DECISIONS[decision], by=by, note=note)
        if decision != "convert":
            return motion
        suggestion = _create(
            Item,
            by,
            congress_id=motion.congress_id,
            kind=Kind.SUGGESTION,
            year=on.year,
            title=motion.title,
            content=motion.content,
            topic=motion.topic,
            channel=motion.channel,
            submitted_on=on,
            state=kinds.SUBMITTED,
            related_item=motion,
        )
        for originator in motion.originators.all():
            _create(
                ItemOriginator,
                by,
                congress_id=motion.congress_id,
                item=suggestion,
                person_id=originator.person_id,
                is_lead=originator.is_lead,
            )
        _event(
            suggestion,
            action="submit",
            by=by,
            note=_("From motion %(ref)s") % {"ref": motion.reference},
        )
        suggestion.number = _next_number(suggestion)
        suggestion.registered_on = on
        _save(suggestion, by, ["number", "registered_on"])
        _move(suggestion, action="register", to=kinds.REGISTERED, by=by)
        return motion


# --- assignment --------------------------------------------------------------------------------


def _check_units(item: Item, units: Sequence[Organisation]) -> None:
    for unit in units:
        if unit.congress_id != item.congress_id or unit.kind != Organisation.Kind.HANDLING_UNIT:
            raise BusinessError(
                _("%(unit)s is not a handling unit of this congress.") % {"unit": unit.name},
                field="units",
            )


def check_assignment(
    *,
    item: Item,
    lead_unit: Organisation | None,
    co_units: Sequence[Organisation] = (),
    on: dt.date,
    is_hard: bool | None = None,
) -> None:
    """Every check of ``item_assign`` without writing anything (for "check your answers")."""
    _not_future(on, "on")
    co_units = list({u.pk: u for u in co_units}.values())
    units = ([lead_unit] if lead_unit else []) + co_units
    if not units:
        raise BusinessError(_("Choose the lead unit."), field="lead_unit")
    if lead_unit is not None and lead_unit.pk in {u.pk for u in co_units}:
        raise BusinessError(_("The lead unit cannot also be a co-handling unit."), field="co_units")
    _check_units(item, units)
    earliest = item.registered_on or item.submitted_on
    _not_before(
        on,
        earliest,
        _("The assignment date cannot be before the item was registered (%(day)s).")
        % {"day": earliest.isoformat()},
        "on",
    )
    active = Assignment.objects.filter(item=item, withdrawn_on__isnull=True)
    has_lead = active.filter(role=Assignment.Role.LEAD).exists()
    if lead_unit is None and not has_lead:
        raise BusinessError(_("Choose the lead unit."), field="lead_unit")
    if lead_unit is not None and has_lead:
        raise BusinessError(_("This item already has a lead unit."), field="lead_unit")
    already = set(active.filter(unit__in=units).values_list("unit__name", flat=True))
    if already:
        raise BusinessError(
            _("Already assigned to: %(units)s.") % {"units": "、".join(sorted(already))},
            field="co_units",
        )
    if "assign" not in allowed_actions(item):
        raise BusinessError(
            _("This item is “%(state)s”: that step is not possible now.")
            % {"state": item.state_label},
            code="wrong_state",
        )


def preview_deadlines(
    *, item: Item, on: dt.date, is_hard: bool | None = None, with_co_units: bool = True
) -> list[dict]:
    """The due dates an assignment on ``on`` would set, for the confirmation page."""
    spec = item.spec
    hard = item.is_hard if is_hard is None else is_hard
    rows = []
    for purpose in (Purpose.REPLY, Purpose.RETURN_WINDOW, Purpose.CO_OPINION):
        if purpose not in spec.clocks or (purpose == Purpose.CO_OPINION and not with_co_units):
            continue
        key = (
            "reply_hard"
            if purpose == Purpose.REPLY and hard and "reply_hard" in spec.clocks
            else purpose
        )
        rule = spec.clock(key)
        due, provisional = _deadline(on, rule.period)
        rows.append(
            {
                "purpose": Purpose(purpose).label,
                "period": rule.period,
                "due_on": due,
                "article": str(rule.article),
                "provisional": provisional,
            }
        )
    if item.kind == Kind.LETTER:
        # The handling clock started at acceptance and runs on: shown, not restarted.
        handle = _open_clocks(item, Purpose.HANDLE).order_by("pk").first()
        if handle is not None:
            rows.append(
                {
                    "purpose": _("%(purpose)s (running since acceptance)")
                    % {"purpose": Purpose(Purpose.HANDLE).label},
                    "period": handle.period,
                    "due_on": handle.due_on,
                    "article": handle.article_display,
                    "provisional": handle.provisional,
                }
            )
    return rows


def item_assign(
    *,
    item: Item,
    lead_unit: Organisation | None,
    co_units: Sequence[Organisation] = (),
    by: Any,
    on: dt.date | None = None,
    is_hard: bool | None = None,
    version: int | None = None,
) -> list[Assignment]:
    """Send the item to a lead unit and co-handling units (交辦), starting their clocks:
    the reply (3 months, 6 when hard: 代表法 Art. 51), each unit's window to ask to return
    it (5 working days) and each co-handling unit's opinion to the lead (1 month)."""
    _require_office(by, item.congress_id)
    on = on or _today()
    co_units = list({u.pk: u for u in co_units}.values())
    with transaction.atomic():
        item = _lock(item)
        _check_version(item, version)
        check_assignment(item=item, lead_unit=lead_unit, co_units=co_units, on=on)
        if is_hard is not None and is_hard != item.is_hard:
            item.is_hard = is_hard
            _save(item, by, ["is_hard"])
        created = []
        spec = item.spec
        for unit, role in [(lead_unit, Assignment.Role.LEAD)] + [
            (u, Assignment.Role.CO) for u in co_units
        ]:
            if unit is None:
                continue
            assignment = _create(
                Assignment,
                by,
                congress_id=item.congress_id,
                item=item,
                unit=unit,
                role=role,
                assigned_on=on,
            )
            created.append(assignment)
            if Purpose.RETURN_WINDOW in spec.clocks:
                _start_clock(
                    item, purpose=Purpose.RETURN_WINDOW, start=on, by=by, assignment=assignment
                )
            if role == Assignment.Role.LEAD and Purpose.REPLY in spec.clocks:
                _start_clock(
                    item,
                    purpose=Purpose.REPLY,
                    start=on,
                    by=by,
                    assignment=assignment,
                    rule_key="reply_hard" if item.is_hard and "reply_hard" in spec.clocks else None,
                    round=item.round,
                )
            if role == Assignment.Role.CO and Purpose.CO_OPINION in spec.clocks:
                _start_clock(
                    item, purpose=Purpose.CO_OPINION, start=on, by=by, assignment=assignment
                )
        names = "、".join(f"{a.unit.name}（{a.get_role_display()}）" for a in created)
        if item.kind == Kind.LETTER:
            _move(item, action="assign", to=kinds.ACCEPTED, by=by, note=names)
        else:
            _move(item, action="assign", to=kinds.ASSIGNED, by=by, note=names)
        return created


class BulkAssignmentError(BusinessError):
    """Some of the selected items cannot be assigned: ``problems`` names each one and why."""

    def __init__(self, problems: Sequence[tuple[Item, BusinessError]]) -> None:
        self.problems = [(item, f"{item.reference}: {error.message}") for item, error in problems]
        first = problems[0][1]
        message = (
            self.problems[0][1]
            if len(problems) == 1
            else _("%(count)d of the selected items cannot be assigned: %(problems)s")
            % {"count": len(problems), "problems": "；".join(m for _i, m in self.problems)}
        )
        super().__init__(
            message,
            field=first.field if len(problems) == 1 else "items",
            code=first.code if len(problems) == 1 else "items_not_assignable",
        )


def _bulk_is_hard(item: Item, is_hard: bool | None) -> bool | None:
    """ "Hard" (six months to reply) is for the kinds with such a clock; a letter keeps its
    60-day handling period (信訪工作條例 Art. 34) whatever the batch says."""
    return is_hard if "reply_hard" in item.spec.clocks else None


def _check_one_for_bulk(
    item: Item,
    *,
    lead_unit: Organisation,
    co_units: Sequence[Organisation],
    on: dt.date,
    is_hard: bool | None,
) -> None:
    if item.kind == Kind.LETTER and item.state == kinds.RECEIVED:
        raise BusinessError(
            _(
                "This letter has not been accepted yet: accept it (受理) on its page first, "
                "then assign it."
            ),
            code="wrong_state",
        )
    check_assignment(
        item=item,
        lead_unit=lead_unit,
        co_units=co_units,
        on=on,
        is_hard=_bulk_is_hard(item, is_hard),
    )


def check_bulk_assignment(
    *,
    items: Sequence[Item],
    lead_unit: Organisation | None,
    co_units: Sequence[Organisation] = (),
    on: dt.date,
    is_hard: bool | None = None,
) -> None:
    """Every check of ``items_assign`` for each item; one error naming every item that
    cannot be assigned and why (``BulkAssignmentError.problems``)."""
    if not items:
        raise BusinessError(_("Select at least one item."), field="items")
    if lead_unit is None:
        raise BusinessError(_("Choose the lead unit."), field="lead_unit")
    problems: list[tuple[Item, BusinessError]] = []
    for item in items:
        try:
            _check_one_for_bulk(
                item, lead_unit=lead_unit, co_units=co_units, on=on, is_hard=is_hard
            )
        except BusinessError as error:
            problems.append((item, error))
    if problems:
        raise BulkAssignmentError(problems)


def items_assign(
    *,
    items: Sequence[Item],
    lead_unit: Organisation | None,
    co_units: Sequence[Organisation] = (),
    by: Any,
    on: dt.date | None = None,
    is_hard: bool | None = None,
) -> list[Assignment]:
    """Bulk assignment from the desk: several items (registered suggestions, review opinions,
    …, and accepted letters) to one set of units, all or nothing. Each starts the clocks a
    single assignment starts: for a suggestion the reply (3 or 6 months), the return window
    and the co-handlers' opinion; for a letter each unit's 5-working-day window to object
    (信訪工作條例 Art. 23) while the 60-day handling clock runs on from acceptance (Art. 34)."""
    if items:
        _require_office(by, items[0].congress_id)
    on = on or _today()
    check_bulk_assignment(
        items=items, lead_unit=lead_unit, co_units=co_units, on=on, is_hard=is_hard
    )
    created: list[Assignment] = []
    with transaction.atomic():
        for item in items:
            try:
                created += item_assign(
                    item=item,
                    lead_unit=lead_unit,
                    co_units=co_units,
                    by=by,
                    on=on,
                    is_hard=_bulk_is_hard(item, is_hard),
                )
            except BusinessError as error:
                raise BulkAssignmentError([(item, error)]) from None
    return created


def _require_handler(by: Any, assignment: Assignment) -> None:
    if not handles_unit(by, assignment.unit_id):
        raise NotPermitted(
            _("Only a handler of %(unit)s can do this.") % {"unit": assignment.unit.name}
        )


def _lock_assignment(assignment: Assignment) -> Assignment:
    current = (
        Assignment.objects.select_for_update().select_related("item", "unit").get(pk=assignment.pk)
    )
    if current.withdrawn_on is not None:
        raise BusinessError(_("This assignment was withdrawn."), code="withdrawn")
    return current


def assignment_accept(*, assignment: Assignment, by: Any, on: dt.date | None = None) -> Assignment:
    _require_handler(by, assignment)
    on = on or _today()
    with transaction.atomic():
        assignment = _lock_assignment(assignment)
        if assignment.accepted_on is not None:
            raise BusinessError(_("This assignment is already accepted."))
        if assignment.return_decision == Assignment.ReturnDecision.PENDING:
            raise BusinessError(_("You have asked to return this item; wait for the office."))
        _not_before(
            on, assignment.assigned_on, _("Acceptance cannot be before the assignment."), "on"
        )
        assignment.accepted_on = on
        assignment.version += 1
        _save(assignment, by, ["accepted_on", "version"])
        _stop_clocks(
            _open_clocks(assignment.item, Purpose.RETURN_WINDOW, assignment=assignment),
            on=on,
            by=by,
        )
        _event(assignment.item, action="accept", by=by, note=assignment.unit.name)
        return assignment


def assignment_request_return(
    *, assignment: Assignment, reason: str, by: Any, on: dt.date | None = None
) -> Assignment:
    """The unit says the item is outside its remit, within its window (5 working days)."""
    _require_handler(by, assignment)
    on = on or _today()
    reason = (reason or "").strip()
    if not reason:
        raise BusinessError(_("Say why the item is outside your unit's remit."), field="reason")
    with transaction.atomic():
        assignment = _lock_assignment(assignment)
        if assignment.accepted_on is not None:
            raise BusinessError(_("You have accepted this item; ask the office instead."))
        if assignment.return_decision == Assignment.ReturnDecision.PENDING:
            raise BusinessError(_("You have already asked to return this item."))
        window = _open_clocks(assignment.item, Purpose.RETURN_WINDOW, assignment=assignment).first()
        if window is None or on > window.due_on:
            raise BusinessError(
                _("The time to ask for a return has passed; contact the office."),
                code="window_closed",
            )
        assignment.return_requested_on = on
        assignment.return_reason = reason
        assignment.return_decision = Assignment.ReturnDecision.PENDING
        assignment.version += 1
        _save(
            assignment,
            by,
            ["return_requested_on", "return_reason", "return_decision", "version"],
        )
        _stop_clocks([window], on=on, by=by)
        _event(
            assignment.item,
            action="request_return",
            by=by,
            note=f"{assignment.unit.name}: {reason}",
        )
        return assignment


def assignment_decide_return(
    *, assignment: Assignment, approve: bool, by: Any, note: str = "", on: dt.date | None = None
) -> Assignment:
    """The office approves (the unit is withdrawn; assign another) or refuses a return."""
    _require_office(by, assignment.congress_id)
    on = on or _today()
    with transaction.atomic():
        assignment = _lock_assignment(assignment)
        if assignment.return_decision != Assignment.ReturnDecision.PENDING:
            raise BusinessError(_("There is no request to return this item."))
        if approve:
            assignment.return_decision = Assignment.ReturnDecision.APPROVED
            assignment.withdrawn_on = max(on, assignment.assigned_on)
            _stop_clocks(
                Clock.objects.filter(assignment=assignment, stopped_on__isnull=True),
                on=on,
                by=by,
            )
        else:
            assignment.return_decision = Assignment.ReturnDecision.REFUSED
        assignment.version += 1
        _save(assignment, by, ["return_decision", "withdrawn_on", "version"])
        _event(
            assignment.item,
            action="return_approved" if approve else "return_refused",
            by=by,
            note=f"{assignment.unit.name}" + (f": {note}" if note else ""),
        )
        return assignment


def contact_record(
    *,
    assignment: Assignment,
    contacted_on: dt.date,
    method: str,
    note: str = "",
    by: Any,
) -> ContactRecord:
    """The unit records that it contacted the deputy (before replying)."""
    _require_handler(by, assignment)
    if method not in ContactRecord.Method.values:
        raise BusinessError(_("Choose how the deputy was contacted."), field="method")
    _not_future(contacted_on, "contacted_on")
    _not_before(
        contacted_on,
        assignment.assigned_on,
        _("The contact cannot be before the assignment."),
        "contacted_on",
    )
    with transaction.atomic():
        assignment = _lock_assignment(assignment)
        record = _create(
            ContactRecord,
            by,
            congress_id=assignment.congress_id,
            item=assignment.item,
            assignment=assignment,
            contacted_on=contacted_on,
            method=method,
            note=note,
            recorded_by=by,
        )
        _event(assignment.item, action="contact", by=by, note=assignment.unit.name)
        return record


# --- replies and evaluations -----------------------------------------------------------------


def reply_submit(
    *,
    assignment: Assignment,
    text: str,
    reply_class: str = "",
    signed_by: str,
    sent_on: dt.date | None = None,
    committed_on: dt.date | None = None,
    files: Sequence[Any] = (),
    by: Any,
) -> Reply:
    """A unit's handler submits the reply letter (lead unit, with its class) or the
    co-handling unit's opinion. The lead's reply stops the reply clock and starts the
    deputy's satisfaction-form clock."""
    _require_handler(by, assignment)
    sent_on = sent_on or _today()
    text = (text or "").strip()
    signed_by = (signed_by or "").strip()
    if not text:
        raise BusinessError(_("Enter the reply."), field="text")
    if not signed_by:
        raise BusinessError(_("Enter who signed the reply."), field="signed_by")
    _not_future(sent_on, "sent_on")
    _not_before(
        sent_on, assignment.assigned_on, _("The reply cannot be before the assignment."), "sent_on"
    )
    is_lead = assignment.role == Assignment.Role.LEAD
    spec = spec_for(assignment.item.kind)
    if is_lead:
        if reply_class not in dict(spec.reply_classes):
            raise BusinessError(_("Choose the class of the reply."), field="reply_class")
        if reply_class in spec.planned_classes and committed_on is None:
            raise BusinessError(
                _("For a reply being solved or planned, enter the promised date."),
                field="committed_on",
            )
        if committed_on is not None and committed_on <= sent_on:
            raise BusinessError(
                _("The promised date must be after the reply."), field="committed_on"
            )
    else:
        reply_class, committed_on = "", None
    checked = check_files(files)
    with files_.removed_on_error() as written, transaction.atomic():
        assignment = _lock_assignment(assignment)
        item = _lock(assignment.item)
        if assignment.return_decision == Assignment.ReturnDecision.PENDING:
            raise BusinessError(_("You have asked to return this item; wait for the office."))
        # A unit's reply on a letter is its proposal to the office, which answers the writer.
        waiting = (
            (kinds.ACCEPTED,) if item.kind == Kind.LETTER else (kinds.ASSIGNED, kinds.REHANDLING)
        )
        if is_lead and item.state not in waiting:
            raise BusinessError(
                _("This item is “%(state)s”: it is not waiting for a reply.")
                % {"state": item.state_label},
                code="wrong_state",
            )
        if Reply.objects.filter(assignment=assignment, round=item.round).exists():
            raise BusinessError(_("Your unit has already replied in this round."))
        reply = _create(
            Reply,
            by,
            congress_id=item.congress_id,
            item=item,
            assignment=assignment,
            round=item.round,
            text=text,
            reply_class=reply_class,
            committed_on=committed_on,
            signed_by=signed_by,
            sent_on=sent_on,
            submitted_by=by,
        )
        _attach(item, checked, by=by, written=written, reply=reply)
        if assignment.accepted_on is None:
            assignment.accepted_on = sent_on
            _save(assignment, by, ["accepted_on"])
        _stop_clocks(
            _open_clocks(item, Purpose.RETURN_WINDOW, assignment=assignment), on=sent_on, by=by
        )
        if reply_needs_approval(assignment.unit_id):
            reply.approval = Reply.Approval.PENDING
            _save(reply, by, ["approval"])
            _event(item, action="reply_pending", by=by, note=assignment.unit.name)
            _notify_unit_heads(item, assignment, by=by)
            return reply
        _reply_takes_effect(item, assignment, reply, by=by)
        return reply


def _reply_takes_effect(item: Item, assignment: Assignment, reply: Reply, *, by: Any) -> None:
    """What a sent reply does: stops the unit's clocks, starts the promised-date and the
    satisfaction-form clocks, moves the item."""
    spec = item.spec
    sent_on = reply.sent_on
    if assignment.role != Assignment.Role.LEAD:
        _stop_clocks(
            _open_clocks(item, Purpose.CO_OPINION, assignment=assignment), on=sent_on, by=by
        )
        _event(item, action="co_opinion", by=by, note=assignment.unit.name)
        return
    label = spec.reply_class_label(reply.reply_class)
    if item.kind == Kind.LETTER:
        _event(item, action="unit_reply", by=by, note=f"{assignment.unit.name} · {label}")
        return
    _stop_clocks(
        Clock.objects.filter(
            item=item,
            assignment=assignment,
            purpose__in=[Purpose.REPLY, Purpose.REHANDLE],
            stopped_on__isnull=True,
        ),
        on=sent_on,
        by=by,
    )
    if reply.committed_on is not None:
        _start_clock(
            item,
            purpose=Purpose.COMMITMENT,
            start=sent_on,
            by=by,
            assignment=assignment,
            rule_key=Purpose.COMMITMENT if Purpose.COMMITMENT in spec.clocks else Purpose.REPLY,
            round=item.round,
            due_on=reply.committed_on,
        )
    if Purpose.EVALUATION_FORM in spec.clocks and item.originators.exists():
        _start_clock(item, purpose=Purpose.EVALUATION_FORM, start=sent_on, by=by, round=item.round)
    _move(item, action="reply", to=kinds.REPLIED, by=by, note=f"{assignment.unit.name} · {label}")


# --- approval of replies by the unit's head (when the unit is configured so) -------------------


def reply_needs_approval(unit_id: int) -> bool:
    return UnitSetting.objects.filter(unit_id=unit_id, reply_needs_approval=True).exists()


def is_unit_head(user: Any, unit_id: int, on: dt.date | None = None) -> bool:
    person_id = viewer_for(user).person_id
    if not person_id:
        return False
    return Role.objects.filter(
        roles_in_force(on or _today()),
        person_id=person_id,
        organisation_id=unit_id,
        kind=Role.Kind.UNIT_HEAD,
    ).exists()


def _notify_unit_heads(item: Item, assignment: Assignment, *, by: Any) -> None:
    from django.urls import reverse
    from django.utils.text import format_lazy
    from django.utils.translation import gettext_lazy

    from sanxing.notify.services import notice_send

    heads = [
        role.person.user
        for role in Role.objects.filter(
            roles_in_force(_today()),
            organisation_id=assignment.unit_id,
            kind=Role.Kind.UNIT_HEAD,
            person__user__is_active=True,
        ).select_related("person__user")
    ]
    notice_send(
        recipients=heads,
        kind="casework.reply_approval",
        title=format_lazy(
            gettext_lazy("A reply awaits your approval: {ref} {title}"),
            ref=item.reference,
            title=item.title,
        ),
        url=reverse("casework:item", args=[item.pk]),
    )


def _pending_reply(reply: Reply, by: Any) -> tuple[Reply, Item, Assignment]:
    if reply.assignment_id is None or not is_unit_head(by, reply.assignment.unit_id):  # type: ignore[union-attr]
        raise NotPermitted(_("Only the head of the unit can approve or send back its replies."))
    reply = Reply.objects.select_for_update().get(pk=reply.pk)
    item = _lock(reply.item)
    assignment = _lock_assignment(reply.assignment)  # type: ignore[arg-type]
    if reply.approval != Reply.Approval.PENDING:
        raise BusinessError(_("This reply is not waiting for approval."), code="wrong_state")
    return reply, item, assignment


def reply_approve(*, reply: Reply, by: Any, on: dt.date | None = None) -> Reply:
    """The unit's head approves the reply: it is sent, dated the day of approval, and only
    now counts (clocks stop, the deputy is asked to evaluate)."""
    on = on or _today()
    with transaction.atomic():
        reply, item, assignment = _pending_reply(reply, by)
        if assignment.role == Assignment.Role.LEAD:
            waiting = (
                (kinds.ACCEPTED,)
                if item.kind == Kind.LETTER
                else (kinds.ASSIGNED, kinds.REHANDLING)
            )
            if item.state not in waiting:
                raise BusinessError(
                    _("This item is “%(state)s”: it is not waiting for a reply.")
                    % {"state": item.state_label},
                    code="wrong_state",
                )
        reply.approval = Reply.Approval.APPROVED
        reply.approved_by = by
        reply.sent_on = max(on, reply.sent_on)
        _save(reply, by, ["approval", "approved_by", "sent_on"])
        _event(item, action="reply_approved", by=by, note=assignment.unit.name)
        _reply_takes_effect(item, assignment, reply, by=by)
        return reply


def reply_send_back(*, reply: Reply, reason: str, by: Any) -> Reply:
    """The unit's head sends the reply back to the handler with a reason; the handler
    drafts it again (the sent-back draft is kept in the history)."""
    reason = (reason or "").strip()
    if not reason:
        raise BusinessError(_("Say what should change."), field="reason")
    with transaction.atomic():
        reply, item, assignment = _pending_reply(reply, by)
        reply.approval = Reply.Approval.SENT_BACK
        reply.sent_back_reason = reason
        reply.deleted_at = timezone.now()
        reply.deleted_by = by
        _save(reply, by, ["approval", "sent_back_reason", "deleted_at", "deleted_by"])
        _event(item, action="reply_sent_back", by=by, note=f"{assignment.unit.name}: {reason}")
        return reply


def commitment_report(
    *, assignment: Assignment, note: str, by: Any, on: dt.date | None = None
) -> Clock:
    """The unit reports that a class-B commitment was carried out (山東 Art. 18; 浙江 Art. 20):
    the promised-date clock stops, on time or late."""
    _require_handler(by, assignment)
    on = on or _today()
    _not_future(on, "on")
    note = (note or "").strip()
    if not note:
        raise BusinessError(_("Say what was done."), field="note")
    with transaction.atomic():
        clock = (
            Clock.objects.select_for_update()
            .filter(assignment=assignment, purpose=Purpose.COMMITMENT, stopped_on__isnull=True)
            .order_by("due_on")
            .first()
        )
        if clock is None:
            raise BusinessError(_("There is no open commitment to report on."))
        _not_before(on, clock.started_on, _("The report cannot be before the reply."), "on")
        _stop_clocks([clock], on=on, by=by)
        _event(assignment.item, action="commitment_report", by=by, note=note)
        return clock


def evaluation_submit(
    *,
    item: Item,
    value: str,
    comment: str = "",
    by: Any,
    on: dt.date | None = None,
) -> Evaluation:
    """The originating deputy evaluates the reply. 不滿意 in the first round sends the item
    back to the lead unit with a re-handling clock (1 month) for a second reply."""
    person_id = viewer_for(by).person_id
    if not person_id or not ItemOriginator.objects.filter(item=item, person_id=person_id).exists():
        raise NotPermitted(_("Only a deputy who submitted this item can evaluate its reply."))
    if value not in EvaluationValue.values:
        raise BusinessError(
            _("Choose satisfied, basically satisfied or unsatisfied."), field="value"
        )
    comment = (comment or "").strip()
    if value == EvaluationValue.UNSATISFIED and not comment:
        raise BusinessError(_("Say why you are not satisfied."), field="comment")
    on = on or _today()
    _not_future(on, "on")
    with transaction.atomic():
        item = _lock(item)
        if item.state != kinds.REPLIED:
            raise BusinessError(
                _("This item is “%(state)s”: there is no reply to evaluate.")
                % {"state": item.state_label},
                code="wrong_state",
            )
        last_reply = (
            Reply.objects.filter(item=item, round=item.round, assignment__role="lead")
            .order_by("-sent_on")
            .first()
        )
        _not_before(
            on,
            last_reply.sent_on if last_reply else None,
            _("The evaluation cannot be before the reply."),
            "on",
        )
        try:
            with transaction.atomic():
                evaluation = _create(
                    Evaluation,
                    by,
                    congress_id=item.congress_id,
                    item=item,
                    person_id=person_id,
                    round=item.round,
                    value=value,
                    comment=comment,
                    evaluated_on=on,
                )
        except IntegrityError:
            raise BusinessError(_("This reply has already been evaluated.")) from None
        _stop_clocks(_open_clocks(item, Purpose.EVALUATION_FORM), on=on, by=by)
        label = EvaluationValue(value).label
        if value == EvaluationValue.UNSATISFIED and item.round == 1:
            item.round = 2
            _save(item, by, ["round"])
            _move(item, action="evaluate", to=kinds.REHANDLING, by=by, note=f"{label}: {comment}")
            lead = Assignment.objects.filter(
                item=item, role=Assignment.Role.LEAD, withdrawn_on__isnull=True
            ).first()
            if lead is not None:
                _start_clock(
                    item,
                    purpose=Purpose.REHANDLE,
                    start=on,
                    by=by,
                    assignment=lead,
                    round=2,
                )
        else:
            item.closed_on = on
            _save(item, by, ["closed_on"])
            _move(
                item, action="evaluate", to=kinds.CLOSED, by=by, note=f"{label} {comment}".strip()
            )
        return evaluation


def item_close(*, item: Item, by: Any, note: str = "", on: dt.date | None = None) -> Item:
    """The office closes a replied item whose satisfaction form never came back (or a letter
    whose writer asked for no review). Every channel records the same reason on the timeline,
    in the deployment's language rather than the clerk's."""
    _require_office(by, item.congress_id)
    on = on or _today()
    note = (note or "").strip() or _official(
        gettext_lazy("No review was requested")
        if item.kind == Kind.LETTER
        else gettext_lazy("Satisfaction form not returned")
    )
    with transaction.atomic():
        item = _lock(item)
        item.closed_on = on
        _save(item, by, ["closed_on"])
        _move(item, action="close", to=kinds.CLOSED, by=by, note=note)
        _stop_clocks(_open_clocks(item, Purpose.EVALUATION_FORM), on=on, by=by)
        _stop_clocks(_open_clocks(item, Purpose.REVIEW_REQUEST), on=on, by=by)
        return item


def supervision_log_add(
    *,
    item: Item,
    method: str,
    note: str,
    by: Any,
    on: dt.date | None = None,
    assignment: Assignment | None = None,
) -> SupervisionLog:
    """The office records a chase (督辦)."""
    _require_office(by, item.congress_id)
    on = on or _today()
    _not_future(on, "on")
    note = (note or "").strip()
    if method not in SupervisionLog.Method.values:
        raise BusinessError(_("Choose how the unit was chased."), field="method")
    if not note:
        raise BusinessError(_("Say what was done."), field="note")
    if assignment is not None and assignment.item_id != item.pk:
        raise BusinessError(_("That unit is not assigned this item."), field="assignment")
    with transaction.atomic():
        log = _create(
            SupervisionLog,
            by,
            congress_id=item.congress_id,
            item=item,
            assignment=assignment,
            on=on,
            method=method,
            note=note,
            by=by,
        )
        _event(item, action="supervise", by=by, note=note)
        return log


# --- letters and visits (信訪) -----------------------------------------------------------------


def _tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


def letter_receive(
    *,
    congress: Congress,
    channel: str,
    petitioner_name: str,
    title: str,
    content: str,
    received_on: dt.date | None = None,
    petitioner_phone: str = "",
    petitioner_id_number: str = "",
    petitioner_address: str = "",
    petitioner_email: str = "",
    topic: str = kinds.Topic.OTHER,
    files: Sequence[Any] = (),
    by: Any,
) -> Item:
    """A letter or visit arrives: registered with a 15-day clock (信訪工作條例 Art. 22, 23) and
    a tracking code for the writer. A repeat from the same writer about an open letter is
    linked to it."""
    _require_office(by, congress.pk)
    received_on = received_on or _today()
    _not_future(received_on, "received_on")
    petitioner_name = (petitioner_name or "").strip()
    title = (title or "").strip()
    if not petitioner_name:
        raise BusinessError(_("Enter the writer's name."), field="petitioner_name")
    if not title:
        raise BusinessError(_("Enter a title."), field="title")
    if channel not in (
        kinds.Channel.LETTER,
        kinds.Channel.VISIT,
        kinds.Channel.EMAIL,
        kinds.Channel.WEB,
        kinds.Channel.PHONE,
    ):
        raise BusinessError(_("Choose how the letter arrived."), field="channel")
    if topic not in kinds.Topic.values:
        raise BusinessError(_("Choose a topic from the list."), field="topic")
    checked = check_files(files)
    with files_.removed_on_error() as written, transaction.atomic():
        same_writer = Q(petitioner_name=petitioner_name) & (
            (Q(petitioner_id_number=petitioner_id_number) & ~Q(petitioner_id_number=""))
            | (Q(petitioner_phone=petitioner_phone) & ~Q(petitioner_phone=""))
        )
        earlier = (
            Item.objects.filter(congress=congress, kind=Kind.LETTER, topic=topic)
            .filter(same_writer)
            .exclude(state__in=spec_for(Kind.LETTER).final_states)
            .order_by("submitted_on", "pk")
            .first()
        )
        for _attempt in range(5):
            code = _tracking_code()
            if not Item.all_objects.filter(tracking_code=code).exists():
                break
        item = _create(
            Item,
            by,
            congress=congress,
            kind=Kind.LETTER,
            year=received_on.year,
            title=title,
            content=content or "",
            topic=topic,
            channel=channel,
            submitted_on=received_on,
            state=kinds.RECEIVED,
            petitioner_name=petitioner_name,
            petitioner_phone=petitioner_phone,
            petitioner_id_number=petitioner_id_number,
            petitioner_address=petitioner_address,
            petitioner_email=petitioner_email,
            tracking_code=code,
            related_item=earlier,
        )
        _start_clock(item, purpose=Purpose.REGISTER, start=received_on, by=by)
        _attach(item, checked, by=by, written=written)
        note = _("Repeat of %(ref)s") % {"ref": earlier.reference} if earlier else ""
        _event(item, action="receive", by=by, note=note)
        return item


def letter_receive_by_mail(
    *,
    mailbox: Any,
    sender_name: str,
    sender_email: str,
    subject: str,
    text: str,
    files: Sequence[Any] = (),
) -> Item:
    """Mail to a published mailbox (the inbound gateway, not a person, acts): a letter
    received by e-mail with its attachments, and a notice to the office's staff."""
    from sanxing.casework.reminders import _office_users
    from sanxing.notify.services import notice_send

    received_on = _today()
    name = (sender_name or "").strip() or (sender_email or "").split("@")[0] or "?"
    title = (subject or "").strip()[:200] or _("(no subject)")
    checked = check_files(files)
    with files_.removed_on_error() as written, transaction.atomic():
        congress = Congress.objects.get(pk=mailbox.congress_id)
        earlier = (
            Item.objects.filter(congress=congress, kind=Kind.LETTER, petitioner_email=sender_email)
            .exclude(petitioner_email="")
            .exclude(state__in=spec_for(Kind.LETTER).final_states)
            .order_by("submitted_on", "pk")
            .first()
        )
        item = _create(
            Item,
            None,
            congress=congress,
            kind=Kind.LETTER,
            year=received_on.year,
            title=title,
            content=text or "",
            channel=kinds.Channel.EMAIL,
            submitted_on=received_on,
            state=kinds.RECEIVED,
            petitioner_name=name[:60],
            petitioner_email=(sender_email or "")[:254],
            tracking_code=_new_tracking_code(),
            related_item=earlier,
        )
        _start_clock(item, purpose=Purpose.REGISTER, start=received_on, by=None)
        _attach(item, checked, by=None, written=written)
        note = _("By e-mail to %(address)s") % {"address": mailbox.address}
        if earlier:
            note += " · " + _("Repeat of %(ref)s") % {"ref": earlier.reference}
        _event(item, action="receive", by=None, note=note)
        office = _office_users({congress.pk}, received_on).get(congress.pk, [])
        from django.urls import reverse
        from django.utils.text import format_lazy

        notice_send(
            recipients=office,
            kind="casework.mailin",
            title=format_lazy(
                gettext_lazy("A letter arrived by e-mail to {address}: {title}"),
                address=mailbox.address,
                title=title,
            ),
            body=format_lazy(gettext_lazy("From {name}. Register it within 15 days."), name=name),
            url=reverse("casework:item", args=[item.pk]),
            dedupe_key=f"casework:mailin:{item.pk}",
        )
        return item


def _new_tracking_code() -> str:
    for _attempt in range(5):
        code = _tracking_code()
        if not Item.all_objects.filter(tracking_code=code).exists():
            break
    return code


def letter_accept(*, item: Item, by: Any, on: dt.date | None = None) -> Item:
    """The office accepts the letter (受理): numbered, with the 60-day handling clock (Art. 34)."""
    _require_office(by, item.congress_id)
    on = on or _today()
    _not_future(on, "on")
    _not_before(on, item.submitted_on, _("Acceptance cannot be before receipt."), "on")
    with transaction.atomic():
        item = _lock(item)
        if item.state != kinds.RECEIVED:
            raise BusinessError(_("This letter is not waiting to be accepted."), code="wrong_state")
        item.number = _next_number(item)
        item.registered_on = on
        _save(item, by, ["number", "registered_on"])
        _stop_clocks(_open_clocks(item, Purpose.REGISTER), on=on, by=by)
        _start_clock(item, purpose=Purpose.HANDLE, start=on, by=by)
        _move(item, action="accept", to=kinds.ACCEPTED, by=by)
        return item


def letter_redirect(*, item: Item, note: str, by: Any, on: dt.date | None = None) -> Item:
    """The matter is for another authority: the writer is told where to go."""
    _require_office(by, item.congress_id)
    on = on or _today()
    note = (note or "").strip()
    if not note:
        raise BusinessError(_("Say where the writer should go."), field="note")
    with transaction.atomic():
        item = _lock(item)
        _stop_clocks(_open_clocks(item, Purpose.REGISTER), on=on, by=by)
        item.closed_on = on
        _save(item, by, ["closed_on"])
        _move(item, action="redirect", to=kinds.REDIRECTED, by=by, note=note)
        return item


def letter_extend(*, item: Item, days: int, reason: str, approved_by: Any, by: Any) -> Clock:
    """Extend the handling clock, at most 30 days in all, with approval (Art. 34)."""
    _require_office(by, item.congress_id)
    reason = (reason or "").strip()
    if not reason:
        raise BusinessError(_("Say why more time is needed; the writer is told."), field="reason")
    if approved_by is None or not is_office_for(approved_by, item.congress_id):
        raise BusinessError(_("Choose who approved the extension."), field="approved_by")
    with transaction.atomic():
        clock = (
            Clock.objects.select_for_update()
            .filter(item=item, purpose=Purpose.HANDLE, stopped_on__isnull=True)
            .first()
        )
        if clock is None:
            raise BusinessError(_("This letter has no open handling period to extend."))
        if days < 1 or clock.extended_days + days > kinds.LETTER_MAX_EXTENSION_DAYS:
            raise BusinessError(
                _("An extension is 1 to %(max)d days in all; %(used)d already used.")
                % {"max": kinds.LETTER_MAX_EXTENSION_DAYS, "used": clock.extended_days},
                field="days",
            )
        clock.extended_days += days
        clock.due_on, clock.provisional = _deadline(
            clock.started_on, clock.period, clock.extended_days + clock.paused_days
        )
        clock.version += 1
        _save(clock, by, ["extended_days", "due_on", "provisional", "version"])
        _event(
            item,
            action="extend",
            by=by,
            note=_("%(days)d days, approved by %(name)s: %(reason)s")
            % {"days": days, "name": approved_by.get_full_name() or approved_by, "reason": reason},
        )
        return clock


def letter_answer(
    *,
    item: Item,
    outcome: str,
    text: str,
    signed_by: str,
    by: Any,
    sent_on: dt.date | None = None,
) -> Reply:
    """The written answer with its outcome (支持 / 解釋說明 / 不予支持, Art. 32); the writer may
    ask for a review within 30 days (Art. 35)."""
    _require_office(by, item.congress_id)
    sent_on = sent_on or _today()
    spec = spec_for(Kind.LETTER)
    if outcome not in dict(spec.reply_classes):
        raise BusinessError(_("Choose the outcome."), field="outcome")
    text, signed_by = (text or "").strip(), (signed_by or "").strip()
    if not text:
        raise BusinessError(_("Enter the reply."), field="text")
    if not signed_by:
        raise BusinessError(_("Enter who signed the reply."), field="signed_by")
    _not_future(sent_on, "sent_on")
    with transaction.atomic():
        item = _lock(item)
        _not_before(
            sent_on, item.registered_on, _("The answer cannot be before acceptance."), "sent_on"
        )
        reply = _create(
            Reply,
            by,
            congress_id=item.congress_id,
            item=item,
            round=item.round,
            text=text,
            reply_class=outcome,
            signed_by=signed_by,
            sent_on=sent_on,
            submitted_by=by,
        )
        _stop_clocks(_open_clocks(item, Purpose.HANDLE), on=sent_on, by=by)
        _start_clock(item, purpose=Purpose.REVIEW_REQUEST, start=sent_on, by=by)
        _move(item, action="answer", to=kinds.ANSWERED, by=by, note=spec.reply_class_label(outcome))
        return reply


def letter_request_review(*, item: Item, reason: str, by: Any, on: dt.date | None = None) -> Item:
    """The writer asks for a review (複查) within 30 days; the office decides in 30 days."""
    _require_office(by, item.congress_id)
    on = on or _today()
    reason = (reason or "").strip()
    if not reason:
        raise BusinessError(_("Enter the writer's reasons."), field="reason")
    with transaction.atomic():
        item = _lock(item)
        window = _open_clocks(item, Purpose.REVIEW_REQUEST).first()
        if window is None or on > window.due_on:
            raise BusinessError(_("The 30 days to ask for a review have passed."), field="on")
        _stop_clocks([window], on=on, by=by)
        item.round = 2
        _save(item, by, ["round"])
        _start_clock(item, purpose=Purpose.REVIEW, start=on, by=by, round=2)
        _move(item, action="request_review", to=kinds.UNDER_REVIEW, by=by, note=reason)
        return item


def letter_review_decide(
    *, item: Item, outcome: str, text: str, signed_by: str, by: Any, sent_on: dt.date | None = None
) -> Reply:
    _require_office(by, item.congress_id)
    sent_on = sent_on or _today()
    spec = spec_for(Kind.LETTER)
    if outcome not in dict(spec.reply_classes):
        raise BusinessError(_("Choose the outcome."), field="outcome")
    if not (text or "").strip():
        raise BusinessError(_("Enter the reply."), field="text")
    with transaction.atomic():
        item = _lock(item)
        reply = _create(
            Reply,
            by,
            congress_id=item.congress_id,
            item=item,
            round=2,
            text=text.strip(),
            reply_class=outcome,
            signed_by=signed_by or "",
            sent_on=sent_on,
            submitted_by=by,
        )
        _stop_clocks(_open_clocks(item, Purpose.REVIEW), on=sent_on, by=by)
        _start_clock(item, purpose=Purpose.RE_REVIEW_REQUEST, start=sent_on, by=by, round=2)
        _move(
            item,
            action="decide_review",
            to=kinds.REVIEWED,
            by=by,
            note=spec.reply_class_label(outcome),
        )
        return reply


def letter_request_re_review(
    *, item: Item, reason: str, by: Any, on: dt.date | None = None
) -> Item:
    """The writer asks for re-review (複核) within 30 days of the review decision; it is
    decided in 30 days, hearing time not counted (信訪工作條例 Art. 36)."""
    _require_office(by, item.congress_id)
    on = on or _today()
    _not_future(on, "on")
    reason = (reason or "").strip()
    if not reason:
        raise BusinessError(_("Enter the writer's reasons."), field="reason")
    with transaction.atomic():
        item = _lock(item)
        window = _open_clocks(item, Purpose.RE_REVIEW_REQUEST).first()
        if window is None:
            raise BusinessError(
                _("This letter is not waiting for a re-review request."), code="wrong_state"
            )
        if on > window.due_on:
            raise BusinessError(_("The 30 days to ask for a re-review have passed."), field="on")
        _not_before(on, window.started_on, _("The request cannot be before the review."), "on")
        _stop_clocks([window], on=on, by=by)
        _start_clock(item, purpose=Purpose.RE_REVIEW, start=on, by=by, round=2)
        _move(item, action="request_re_review", to=kinds.UNDER_RE_REVIEW, by=by, note=reason)
        return item


def letter_hearing(*, item: Item, days: int, note: str, by: Any) -> Clock:
    """A hearing during re-review: its days are not counted, so the re-review is due that
    many days later (Art. 36; RULES.md §1.7, through ``extend_by``)."""
    _require_office(by, item.congress_id)
    note = (note or "").strip()
    if days is None or days < 1 or days > 366:
        raise BusinessError(_("Enter how many days the hearing took."), field="days")
    with transaction.atomic():
        item = _lock(item)
        clock = (
            Clock.objects.select_for_update()
            .filter(item=item, purpose=Purpose.RE_REVIEW, stopped_on__isnull=True)
            .first()
        )
        if clock is None:
            raise BusinessError(
                _("Only a re-review under way can hold a hearing."), code="wrong_state"
            )
        clock.paused_days += days
        clock.due_on, clock.provisional = _deadline(
            clock.started_on, clock.period, clock.extended_days + clock.paused_days
        )
        clock.version += 1
        _save(clock, by, ["paused_days", "due_on", "provisional", "version"])
        _event(
            item,
            action="hearing",
            by=by,
            note=_("%(days)d days not counted; due on %(due)s. %(note)s")
            % {"days": days, "due": clock.due_on.isoformat(), "note": note},
        )
        return clock


def letter_re_review_decide(
    *, item: Item, outcome: str, text: str, signed_by: str, by: Any, sent_on: dt.date | None = None
) -> Reply:
    """The re-review decision (複核意見): final; the letter is closed."""
    _require_office(by, item.congress_id)
    sent_on = sent_on or _today()
    spec = spec_for(Kind.LETTER)
    if outcome not in dict(spec.reply_classes):
        raise BusinessError(_("Choose the outcome."), field="outcome")
    text, signed_by = (text or "").strip(), (signed_by or "").strip()
    if not text:
        raise BusinessError(_("Enter the reply."), field="text")
    if not signed_by:
        raise BusinessError(_("Enter who signed the reply."), field="signed_by")
    _not_future(sent_on, "sent_on")
    with transaction.atomic():
        item = _lock(item)
        clock = _open_clocks(item, Purpose.RE_REVIEW).first()
        if item.state != kinds.UNDER_RE_REVIEW or clock is None:
            raise BusinessError(_("This letter is not under re-review."), code="wrong_state")
        _not_before(
            sent_on, clock.started_on, _("The decision cannot be before the request."), "sent_on"
        )
        reply = _create(
            Reply,
            by,
            congress_id=item.congress_id,
            item=item,
            round=2,
            text=text,
            reply_class=outcome,
            signed_by=signed_by,
            sent_on=sent_on,
            submitted_by=by,
        )
        _stop_clocks([clock], on=sent_on, by=by)
        item.closed_on = sent_on
        _save(item, by, ["closed_on"])
        _move(
            item,
            action="decide_re_review",
            to=kinds.CLOSED,
            by=by,
            note=spec.reply_class_label(outcome),
        )
        return reply


def letters_close_lapsed(*, today: dt.date | None = None) -> int:
    """The periodic job: a letter whose window to ask for review (or re-review) has passed
    with no request is closed, on the day after the window, with a timeline entry.
    Idempotent: a closed letter has no open window left, and each letter is re-checked
    under a lock."""
    today = today or _today()
    windows = (
        Clock.objects.filter(
            purpose__in=[Purpose.REVIEW_REQUEST, Purpose.RE_REVIEW_REQUEST],
            stopped_on__isnull=True,
            due_on__lt=today,
            item__kind=Kind.LETTER,
            item__deleted_at__isnull=True,
        )
        .values_list("item_id", flat=True)
        .distinct()
    )
    closed = 0
    for item_id in list(windows):
        with transaction.atomic():
            item = Item.objects.select_for_update().select_related("congress").get(pk=item_id)
            window = (
                Clock.objects.select_for_update()
                .filter(
                    item=item,
                    purpose__in=[Purpose.REVIEW_REQUEST, Purpose.RE_REVIEW_REQUEST],
                    stopped_on__isnull=True,
                    due_on__lt=today,
                )
                .first()
            )
            if window is None or item.state not in (kinds.ANSWERED, kinds.REVIEWED):
                continue
            _stop_clocks([window], on=window.due_on, by=None)
            item.closed_on = window.due_on
            _save(item, None, ["closed_on"])
            note = (
                _("No re-review was asked for by %(due)s.")
                if window.purpose == Purpose.RE_REVIEW_REQUEST
                else _("No review was asked for by %(due)s.")
            ) % {"due": window.due_on.isoformat()}
            _move(item, action="close", to=kinds.CLOSED, by=None, note=note)
            closed += 1
    return closed


def letters_close_lapsed_job(now: dt.datetime) -> str:
    return f"{letters_close_lapsed(today=timezone.localdate(now))} letters closed"


# --- review opinions handed off by a committee meeting ------------------------------------------


def review_opinion_receive(opinion: Any, by: Any) -> Item:
    """The sink for ``sanxing.gatherings.handoff``: the review opinion compiled after a
    Standing Committee meeting becomes an item, registered and assigned to its units with the
    reply clock (監督法 Arts. 17, 37, 50; 3 months by default)."""
    congress = Congress.objects.get(pk=opinion.congress_id)
    units = list(Organisation.objects.filter(congress=congress, pk__in=opinion.handling_unit_ids))
    units.sort(key=lambda u: list(opinion.handling_unit_ids).index(u.pk))
    if not units:
        raise BusinessError(_("Choose the lead unit."), field="units")
    today = _today()
    submitted_on = min(opinion.considered_on, today)
    with transaction.atomic():
        item = item_submit(
            congress=congress,
            kind=Kind.REVIEW_OPINION,
            title=opinion.title,
            content=opinion.content,
            submitted_on=submitted_on,
            deputies=[],
            by=by,
        )
        item.origin_ref = f"gatherings.agenda_item:{opinion.agenda_item_id}"
        _save(item, by, ["origin_ref"])
        item = item_register(item=item, by=by, on=today)
        item_assign(item=item, lead_unit=units[0], co_units=units[1:], by=by, on=today)
        item.refresh_from_db()
        return item


# --- decisions and resolutions handed off by a meeting -----------------------------------------


def decision_receive(decision: Any, by: Any) -> Item:
    """The decision sink for ``sanxing.gatherings.handoff``: a decision or resolution of a
    meeting becomes an implementation item (督辦落實事項), registered at once and assigned to
    the units it names (the first leads, the others co-handle). A decision naming no unit is
    registered only; the office assigns it later. Handed off again, the item already made
    is returned."""
    origin_ref = f"gatherings.decision:{decision.decision_id}"
    congress = Congress.objects.get(pk=decision.congress_id)
    order = list(decision.unit_ids)
    units = sorted(
        Organisation.objects.filter(congress=congress, pk__in=order),
        key=lambda u: order.index(u.pk),
    )
    today = _today()
    with transaction.atomic():
        existing = Item.objects.filter(congress=congress, origin_ref=origin_ref).first()
        if existing is not None:
            return existing
        item = item_submit(
            congress=congress,
            kind=Kind.IMPLEMENTATION,
            title=decision.title,
            content=decision.text,
            submitted_on=min(decision.decided_on, today),
            deputies=[],
            by=by,
        )
        item.origin_ref = origin_ref
        _save(item, by, ["origin_ref"])
        item = item_register(item=item, by=by, on=today)
        if units:
            item_assign(item=item, lead_unit=units[0], co_units=units[1:], by=by, on=today)
            item.refresh_from_db()
        return item


# --- implementation items: milestones and progress ---------------------------------------------


def _require_implementation(item: Item) -> None:
    if item.kind != Kind.IMPLEMENTATION:
        raise BusinessError(
            _("Only a resolution or instruction to implement has milestones and progress."),
            code="wrong_kind",
        )
    if not item.is_open:
        raise BusinessError(_("This item is closed."), code="wrong_state")


def _active_assignments(item: Item) -> list[Assignment]:
    return list(
        Assignment.objects.filter(item=item, withdrawn_on__isnull=True).select_related("unit")
    )


def _lead_or_office(item: Item, by: Any) -> None:
    if is_office_for(by, item.congress_id):
        return
    units = viewer_for(by).unit_ids
    if any(
        a.role == Assignment.Role.LEAD and a.unit_id in units for a in _active_assignments(item)
    ):
        return
    raise NotPermitted(_("Only the office or the lead unit can do this."))


def milestone_add(*, item: Item, title: str, due_on: dt.date | None, by: Any) -> Milestone:
    """The office or the lead unit plans a step of the implementation."""
    _lead_or_office(item, by)
    title = (title or "").strip()
    if not title:
        raise BusinessError(_("Enter what the milestone is."), field="title")
    if len(title) > 200:
        raise BusinessError(_("Keep the milestone to 200 characters."), field="title")
    if due_on is None:
        raise BusinessError(_("Enter the date the milestone is due."), field="due_on")
    with transaction.atomic():
        item = _lock(item)
        _require_implementation(item)
        _not_before(
            due_on,
            item.registered_on or item.submitted_on,
            _("The milestone cannot be due before the item was registered."),
            "due_on",
        )
        last = Milestone.objects.filter(item=item).aggregate(m=Max("order"))["m"]
        milestone = _create(
            Milestone,
            by,
            congress_id=item.congress_id,
            item=item,
            title=title,
            due_on=due_on,
            order=(last or 0) + 1,
        )
        _event(item, action="milestone_add", by=by, note=title)
        return milestone


def milestone_complete(*, milestone: Milestone, by: Any, on: dt.date | None = None) -> Milestone:
    """The office or the lead unit marks a milestone done."""
    item = milestone.item
    _lead_or_office(item, by)
    on = on or _today()
    _not_future(on, "on")
    with transaction.atomic():
        item = _lock(item)
        _require_implementation(item)
        milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if milestone.done_on is not None:
            raise BusinessError(_("This milestone is already done."), code="already_done")
        milestone.done_on = on
        milestone.version += 1
        _save(milestone, by, ["done_on", "version"])
        _event(item, action="milestone_done", by=by, note=milestone.title)
        return milestone


def latest_progress(item: Item) -> ProgressReport | None:
    return ProgressReport.objects.filter(item=item).order_by("-reported_on", "-pk").first()


def progress_report(
    *,
    item: Item,
    percent: Any,
    text: str,
    by: Any,
    reason: str = "",
    on: dt.date | None = None,
) -> ProgressReport:
    """A handler of an assigned unit, or the office, reports how far the implementation has
    come. The percent may go back only with a reason."""
    office = is_office_for(by, item.congress_id)
    units = viewer_for(by).unit_ids
    mine = [a for a in _active_assignments(item) if a.unit_id in units]
    if not office and not mine:
        raise NotPermitted(_("Only the office or an assigned unit can report progress."))
    on = on or _today()
    _not_future(on, "on")
    text = (text or "").strip()
    reason = (reason or "").strip()
    try:
        value = int(percent)
    except (TypeError, ValueError):
        value = -1
    if isinstance(percent, bool) or not 0 <= value <= 100:
        raise BusinessError(_("Enter a percent from 0 to 100."), field="percent")
    if not text:
        raise BusinessError(_("Say what was done."), field="text")
    assignment = sorted(mine, key=lambda a: a.role != Assignment.Role.LEAD)[0] if mine else None
    with transaction.atomic():
        item = _lock(item)
        _require_implementation(item)
        last = latest_progress(item)
        if last is not None:
            _not_before(on, last.reported_on, _("A report cannot be before the last one."), "on")
            if value < last.percent and not reason:
                raise BusinessError(
                    _("The progress was %(last)s%%: say why it goes back.")
                    % {"last": last.percent},
                    field="reason",
                    code="backwards",
                )
        report = _create(
            ProgressReport,
            by,
            congress_id=item.congress_id,
            item=item,
            assignment=assignment,
            percent=value,
            text=text,
            reason=reason,
            reported_on=on,
            reported_by=by,
        )
        note = f"{value}% · {text}" + (f" ({reason})" if reason else "")
        if assignment is not None:
            note = f"{assignment.unit.name}: {note}"
        _event(item, action="progress", by=by, note=note)
        return report


# --- the calendar changed ----------------------------------------------------------------------


def recompute_open_clocks(
    *, start: dt.date, end: dt.date, reason: str = "", calendar: Any = None, by: Any = None
) -> int:
    """Registered with workcal: count every open clock whose window meets [start, end] again
    with the new calendar and record each change on the item's timeline."""
    from sanxing.workcal.periods import compute_deadline

    changed = 0
    clocks = (
        Clock.objects.filter(stopped_on__isnull=True, started_on__lte=end, due_on__gte=start)
        .exclude(period="")
        .select_related("item")
    )
    for clock in clocks:
        deadline = compute_deadline(
            start=clock.started_on,
            period=clock.period,
            calendar=calendar,
            extend_by=clock.extended_days + clock.paused_days,
        )
        if deadline.due == clock.due_on and deadline.provisional == clock.provisional:
            continue
        before = clock.due_on
        clock.due_on, clock.provisional = deadline.due, deadline.provisional
        clock.version += 1
        _save(clock, by, ["due_on", "provisional", "version"])
        if before != clock.due_on:
            _event(
                clock.item,
                action="recompute",
                by=by,
                note=f"{clock.get_purpose_display()}: {before.isoformat()} → "
                f"{clock.due_on.isoformat()} ({reason})",
            )
        changed += 1
    return changed
