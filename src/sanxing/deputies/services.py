"""Business writes for the rotation: confirm the invitations, answer them, invite the next.

Each invitation puts the deputy on the meeting's roster as an invited deputy (列席, without a
vote) through gatherings' services, and sends the deputy an invitation notice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanxing.core.errors import BusinessError
from sanxing.core.services import record_soft_delete
from sanxing.deputies import selectors
from sanxing.deputies.models import Invitation, Rotation
from sanxing.gatherings import services as gatherings_services
from sanxing.gatherings.kinds import COMMITTEE_MEETING
from sanxing.gatherings.models import Gathering, RosterEntry
from sanxing.people.models import Person


def _by(obj: Any, user: Any) -> Any:
    obj._history_user = user
    return obj


def _open(gathering: Gathering, now: dt.datetime) -> None:
    if gathering.kind != COMMITTEE_MEETING:
        raise BusinessError(_("Deputies are invited in rotation to committee meetings only."))
    if gathering.status == Gathering.Status.CANCELLED:
        raise BusinessError(_("This meeting was cancelled."), code="cancelled")
    if now >= gathering.starts_at:
        raise BusinessError(
            _("The meeting has started; invitations can no longer be sent or answered."),
            code="too_late",
        )


def already_confirmed(rotation: Rotation) -> BusinessError:
    who = rotation.confirmed_by
    name = "—" if who is None else who.person.name if who.person is not None else str(who)
    when = timezone.localtime(rotation.confirmed_at).strftime("%Y-%m-%d %H:%M")
    return BusinessError(
        _(
            "The deputies for this meeting were already confirmed by %(name)s at %(when)s; "
            "reload the page to see them."
        )
        % {"name": name, "when": when},
        code="already_confirmed",
    )


ANSWER_PERIOD = "3wd"


def answer_deadline(sent_on: dt.date, meeting_day: dt.date) -> tuple[dt.date, str]:
    """When the deputy should answer, with the rule that gave the date: the office's period
    (``DEPUTIES_ANSWER_PERIOD``, 3 working days) counted by the working calendar, or the day
    before the meeting if that comes first."""
    from django.conf import settings

    from sanxing.workcal.periods import compute_deadline

    period = getattr(settings, "DEPUTIES_ANSWER_PERIOD", ANSWER_PERIOD)
    deadline = compute_deadline(start=sent_on, period=period)
    eve = meeting_day - dt.timedelta(days=1)
    if deadline.due > eve:
        return max(eve, sent_on), _("the day before the meeting")
    return deadline.due, _("%(period)s after the invitation (%(rule)s)") % {
        "period": deadline.period.describe(),
        "rule": deadline.rule_display,
    }


def _invite(
    *,
    rotation: Rotation,
    gathering: Gathering,
    person: Person,
    counts: tuple[int, int],
    chosen_by_office: bool,
    replaces: Invitation | None,
    by: Any,
    now: dt.datetime,
) -> Invitation:
    answer_by, answer_rule = answer_deadline(
        timezone.localtime(now).date(), timezone.localtime(gathering.starts_at).date()
    )
    existing = gathering.roster.filter(person=person).first()
    if existing is None:
        gatherings_services.roster_add(
            gathering=gathering,
            person=person,
            capacity=RosterEntry.Capacity.INVITED_DEPUTY,
            note=_("invited in rotation"),
            by=by,
        )
    invitation = Invitation(
        congress_id=gathering.congress_id,
        rotation=rotation,
        gathering=gathering,
        person=person,
        prior_invitations=counts[0],
        prior_attendances=counts[1],
        chosen_by_office=chosen_by_office,
        replaces=replaces,
        answer_by=answer_by,
        answer_rule=answer_rule[:200],
    )
    _by(invitation, by).save()
    _notify_invited(invitation)
    return invitation


def _notify_invited(invitation: Invitation) -> None:
    from django.contrib.auth import get_user_model

    from sanxing.notify.services import notice_send

    g = invitation.gathering
    users = get_user_model().objects.filter(person_id=invitation.person_id, is_active=True)
    when = timezone.localtime(g.starts_at).strftime("%Y-%m-%d %H:%M")
    notice_send(
        recipients=users,
        kind="deputies_invitation",
        title=format_lazy(gettext_lazy("Invitation to attend: {title}"), title=g.title),
        body=format_lazy(
            gettext_lazy(
                "You are invited to attend {title} without a vote, {when}, {place}. "
                "Please accept or decline."
            ),
            title=g.title,
            when=when,
            place=g.place,
        ),
        url=reverse("deputies:invitation", args=[invitation.pk]),
        dedupe_key=f"deputies-invitation:{invitation.pk}",
    )


def rotation_confirm(
    *,
    gathering: Gathering,
    person_ids: Sequence[int],
    seats: int,
    by: Any,
    proposed_ids: Sequence[int] = (),
    now: dt.datetime | None = None,
) -> Rotation:
    """Confirm the deputies to invite: each goes on the roster as an invited deputy and is
    sent an invitation. ``proposed_ids`` are those the system proposed (the others were
    chosen by the office). A second confirmation of the same meeting is refused."""
    now = now or timezone.now()
    ids = list(dict.fromkeys(int(pid) for pid in person_ids))
    if not ids:
        raise BusinessError(_("Choose at least one deputy to invite."), field="person_ids")
    if seats < 1 or seats > selectors.MAX_SEATS:
        raise BusinessError(
            _("Invite between 1 and %(n)s deputies.") % {"n": selectors.MAX_SEATS},
            field="seats",
        )
    if len(ids) > seats:
        raise BusinessError(
            _("%(n)s deputies chosen for %(seats)s places.") % {"n": len(ids), "seats": seats},
            field="person_ids",
        )
    with transaction.atomic():
        current = Gathering.objects.select_for_update().get(pk=gathering.pk)
        _open(current, now)
        earlier = selectors.rotation_of(current)
        if earlier is not None:
            raise already_confirmed(earlier)
        eligible = selectors.eligible_deputies(current)
        left_out = selectors.proposal(current, seats=seats).left_out
        bad = [pid for pid in ids if pid not in eligible or pid in left_out]
        if bad:
            raise BusinessError(
                _("Choose deputies in office on the meeting day who are not committee members."),
                field="person_ids",
            )
        term = selectors.term_of(current)
        attendances = selectors.attendance_counts(term, ids) if term else {}
        invitations = selectors.invitation_counts(term) if term else {}
        rotation = Rotation(
            congress_id=current.congress_id,
            gathering=current,
            term=term,
            seats=seats,
            confirmed_by=by,
            confirmed_at=now,
        )
        try:
            with transaction.atomic():
                _by(rotation, by).save()
        except IntegrityError:
            raise already_confirmed(selectors.rotation_of(current) or rotation) from None
        persons = Person.objects.in_bulk(ids)
        proposed = set(proposed_ids)
        for pid in ids:
            _invite(
                rotation=rotation,
                gathering=current,
                person=persons[pid],
                counts=(invitations.get(pid, 0), attendances.get(pid, 0)),
                chosen_by_office=bool(proposed) and pid not in proposed,
                replaces=None,
                by=by,
                now=now,
            )
        return rotation


def invitation_respond(
    *,
    invitation: Invitation,
    accept: bool,
    reason: str = "",
    by: Any,
    now: dt.datetime | None = None,
) -> Invitation:
    """The deputy accepts or declines. Declining takes the deputy off the roster and tells
    the office, which may invite the next in rotation."""
    now = now or timezone.now()
    with transaction.atomic():
        current = Invitation.objects.select_for_update().get(pk=invitation.pk)
        gathering = Gathering.objects.get(pk=current.gathering_id)
        _open(gathering, now)
        if current.status != Invitation.Status.INVITED:
            raise BusinessError(
                _("This invitation was already answered: %(status)s.")
                % {"status": current.get_status_display()},
                code="already_answered",
            )
        current.status = Invitation.Status.ACCEPTED if accept else Invitation.Status.DECLINED
        current.responded_at = now
        current.decline_reason = "" if accept else reason.strip()[:300]
        current.version += 1
        _by(current, by).save(
            update_fields=["status", "responded_at", "decline_reason", "version", "updated_at"]
        )
        if not accept:
            entry = gathering.roster.filter(
                person_id=current.person_id, capacity=RosterEntry.Capacity.INVITED_DEPUTY
            ).first()
            if entry is not None:
                record_soft_delete(obj=entry, by=by)
            _notify_declined(current)
        return current


def _notify_declined(invitation: Invitation) -> None:
    from sanxing.notify.services import notice_send

    rotation = Rotation.objects.select_related("confirmed_by").get(pk=invitation.rotation_id)
    if rotation.confirmed_by is None:
        return
    notice_send(
        recipients=[rotation.confirmed_by],
        kind="deputies_declined",
        title=format_lazy(
            gettext_lazy("{name} declined: {title}"),
            name=invitation.person.name,
            title=invitation.gathering.title,
        ),
        body=gettext_lazy("Invite the next deputy in rotation from the meeting's rotation page."),
        url=reverse("deputies:rotation", args=[invitation.gathering_id]),
        dedupe_key=f"deputies-declined:{invitation.pk}",
    )


def rotation_invite_next(
    *,
    rotation: Rotation,
    by: Any,
    person: Person | None = None,
    now: dt.datetime | None = None,
) -> Invitation:
    """Invite one more deputy after a decline: the next in rotation, or the office's
    choice. Refused when every place is taken."""
    now = now or timezone.now()
    with transaction.atomic():
        gathering = Gathering.objects.select_for_update().get(pk=rotation.gathering_id)
        _open(gathering, now)
        current = Rotation.objects.get(pk=rotation.pk)
        live = current.invitations.exclude(status=Invitation.Status.DECLINED).count()
        if live >= current.seats:
            raise BusinessError(
                _("Every place is taken: %(n)s deputies invited.") % {"n": live},
                code="full",
            )
        prop = selectors.proposal(gathering, seats=current.seats - live)
        if person is None:
            if not prop.chosen:
                raise BusinessError(_("No other deputy is left to invite."), code="none_left")
            pick = prop.chosen[0]
            chosen_by_office = False
        else:
            found = [c for c in [*prop.chosen, *prop.alternatives] if c.person_id == person.pk]
            if not found:
                raise BusinessError(
                    _("Choose a deputy who may still be invited to this meeting."),
                    field="person_id",
                )
            pick = found[0]
            chosen_by_office = True
        declined = (
            current.invitations.filter(status=Invitation.Status.DECLINED)
            .order_by("-responded_at", "-pk")
            .first()
        )
        return _invite(
            rotation=current,
            gathering=gathering,
            person=Person.objects.get(pk=pick.person_id),
            counts=(pick.invitations, pick.attendances),
            chosen_by_office=chosen_by_office,
            replaces=declined,
            by=by,
            now=now,
        )
