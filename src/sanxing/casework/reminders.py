"""Reminders before each due date and notices after it (the periodic job
``casework.reminders``). Each notice carries a dedupe key made of the clock, its due date and
the step, so however often the job runs a person gets each reminder once; an extension moves
the due date and so allows a fresh reminder."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from sanxing.casework.kinds import Purpose, rule_article
from sanxing.casework.models import Clock
from sanxing.people.access import roles_in_force
from sanxing.people.models import Organisation, Role, User

# Days before the due date on which to remind.
REMIND_DAYS = (7, 1)
# Clocks a unit must meet; the others are the office's own.
UNIT_PURPOSES = (Purpose.REPLY, Purpose.REHANDLE, Purpose.CO_OPINION, Purpose.COMMITMENT)
OFFICE_PURPOSES = (Purpose.REGISTER, Purpose.HANDLE, Purpose.REVIEW)


def _unit_users(unit_ids: set[int], today: dt.date) -> dict[int, list[User]]:
    users: dict[int, list[User]] = defaultdict(list)
    roles = Role.objects.filter(
        roles_in_force(today),
        organisation_id__in=unit_ids,
        kind__in=[Role.Kind.HANDLER, Role.Kind.UNIT_HEAD],
        person__user__is_active=True,
    ).select_related("person__user")
    for role in roles:
        users[role.organisation_id].append(role.person.user)
    return users


def _office_users(congress_ids: set[int], today: dt.date) -> dict[int, list[User]]:
    users: dict[int, list[User]] = defaultdict(list)
    roles = Role.objects.filter(
        roles_in_force(today),
        organisation__congress_id__in=congress_ids,
        organisation__kind=Organisation.Kind.OFFICE_BODY,
        kind=Role.Kind.STAFF,
        person__user__is_active=True,
    ).select_related("person__user", "organisation")
    for role in roles:
        users[role.organisation.congress_id].append(role.person.user)
    return users


def due_reminders(today: dt.date) -> list[tuple[Clock, str]]:
    """The clocks to remind about today, with the step: ``due-7``, ``due-1`` or ``overdue``."""
    soon = [today + dt.timedelta(days=n) for n in REMIND_DAYS]
    clocks = (
        Clock.objects.filter(
            stopped_on__isnull=True,
            purpose__in=[*UNIT_PURPOSES, *OFFICE_PURPOSES],
            item__deleted_at__isnull=True,
        )
        .filter(Q(due_on__in=soon) | Q(due_on__lt=today))
        .select_related("item", "assignment__unit")
        .order_by("due_on", "pk")
    )
    result = []
    for clock in clocks:
        days = (clock.due_on - today).days
        result.append((clock, "overdue" if days < 0 else f"due-{days}"))
    return result


def send_reminders(*, today: dt.date | None = None) -> int:
    from sanxing.notify.services import notice_send

    today = today or timezone.localdate()
    pending = due_reminders(today)
    unit_ids = {c.assignment.unit_id for c, _s in pending if c.assignment is not None}
    units = _unit_users(unit_ids, today)
    office = _office_users({c.congress_id for c, _s in pending}, today)
    sent = 0
    for clock, step in pending:
        item = clock.item
        recipients: list[Any] = []
        if clock.purpose in UNIT_PURPOSES and clock.assignment is not None:
            recipients += units.get(clock.assignment.unit_id, [])
        if clock.purpose in OFFICE_PURPOSES or step == "overdue":
            recipients += office.get(clock.congress_id, [])
        if step == "overdue":
            title = format_lazy(
                _("Overdue since {due}: {ref} {title} ({purpose})"),
                due=clock.due_on.isoformat(),
                ref=item.reference,
                title=item.title,
                purpose=clock.get_purpose_display(),
            )
        else:
            title = format_lazy(
                _("Due on {due}: {ref} {title} ({purpose})"),
                due=clock.due_on.isoformat(),
                ref=item.reference,
                title=item.title,
                purpose=clock.get_purpose_display(),
            )
        body = format_lazy(
            _("Rule: {article}"), article=rule_article(clock.rule_code) or clock.article
        )
        created = notice_send(
            recipients=recipients,
            kind="casework.deadline",
            title=title,
            body=body,
            url=reverse("casework:item", args=[item.pk]),
            dedupe_key=f"casework:clock:{clock.pk}:{clock.due_on.isoformat()}:{step}",
            urgent=step == "overdue",
        )
        sent += len(created)
    return sent


def escalate_after_days() -> int:
    """Days overdue after which a unit's deadline is escalated (``CASEWORK_ESCALATE_AFTER_DAYS``)."""
    from django.conf import settings

    return int(getattr(settings, "CASEWORK_ESCALATE_AFTER_DAYS", 7))


def _user_of(person: Any) -> Any:
    try:
        user = person.user
    except Exception:  # no account
        return None
    return user if user is not None and user.is_active else None


def send_escalations(*, today: dt.date | None = None) -> int:
    """A unit's deadline overdue by ``escalate_after_days()`` or more: a notice to the office
    and to the item's supervising leader, once per clock and due date (an extension moves
    the due date and so allows a new escalation if that one is missed too)."""
    from sanxing.notify.services import notice_send

    today = today or timezone.localdate()
    limit = today - dt.timedelta(days=escalate_after_days())
    clocks = list(
        Clock.objects.filter(
            stopped_on__isnull=True,
            purpose__in=UNIT_PURPOSES,
            due_on__lte=limit,
            item__deleted_at__isnull=True,
        )
        .select_related("item__supervising_leader", "assignment__unit")
        .order_by("due_on", "pk")
    )
    office = _office_users({c.congress_id for c in clocks}, today)
    sent = 0
    for clock in clocks:
        item = clock.item
        recipients = list(office.get(clock.congress_id, []))
        leader = _user_of(item.supervising_leader) if item.supervising_leader_id else None
        if leader is not None and leader not in recipients:
            recipients.append(leader)
        created = notice_send(
            recipients=recipients,
            kind="casework.escalation",
            title=format_lazy(
                _("Escalated, {days} days overdue: {ref} {title} ({unit}, {purpose})"),
                days=(today - clock.due_on).days,
                ref=item.reference,
                title=item.title,
                unit=clock.assignment.unit.name if clock.assignment else "—",
                purpose=clock.get_purpose_display(),
            ),
            body=format_lazy(
                _("Due on {due}. Rule: {article}"),
                due=clock.due_on.isoformat(),
                article=rule_article(clock.rule_code) or clock.article,
            ),
            url=reverse("casework:item", args=[item.pk]),
            dedupe_key=f"casework:escalate:{clock.pk}:{clock.due_on.isoformat()}",
            urgent=True,
        )
        sent += len(created)
    return sent


def escalations_job(now: dt.datetime) -> str:
    sent = send_escalations(today=timezone.localdate(now))
    return f"{sent} escalation notices"


def reminders_job(now: dt.datetime) -> str:
    sent = send_reminders(today=timezone.localdate(now))
    return f"{sent} notices"
