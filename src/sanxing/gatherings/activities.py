"""Activities of the committee (law-enforcement inspections, inspection visits,
evaluations): participants (members and invited deputies, on the roster), the itinerary,
findings and the report, and the review opinions that follow (handed to casework through
the report's agenda item, like a meeting's)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sanxing.core.errors import BusinessError
from sanxing.gatherings import handoff, services
from sanxing.gatherings.kinds import EVALUATION, INSPECTION, INSPECTION_VISIT
from sanxing.gatherings.models import (
    ActivityReport,
    AgendaItem,
    Gathering,
    ItineraryStop,
    ReviewOpinionRecord,
    RosterEntry,
)
from sanxing.people.models import Organisation, Person

ACTIVITY_KINDS = {INSPECTION, INSPECTION_VISIT, EVALUATION}
PARTICIPANT_CAPACITIES = (
    RosterEntry.Capacity.VOTING_MEMBER,
    RosterEntry.Capacity.INVITED_DEPUTY,
    RosterEntry.Capacity.STAFF,
)


def is_activity(gathering: Gathering) -> bool:
    return gathering.kind in ACTIVITY_KINDS


def _activity(gathering: Gathering) -> None:
    if not is_activity(gathering):
        raise BusinessError(_("This is not an inspection, visit or evaluation."))


def _by(obj: Any, user: Any) -> Any:
    obj._history_user = user
    return obj


def participant_add(*, activity: Gathering, person: Person, capacity: str, by: Any) -> RosterEntry:
    """A member (voting member) or an invited deputy joins the activity."""
    _activity(activity)
    if capacity not in PARTICIPANT_CAPACITIES:
        raise BusinessError(_("Choose member, invited deputy or staff."), field="capacity")
    return services.roster_add(gathering=activity, person=person, capacity=capacity, by=by)


def itinerary_stop_add(
    *, activity: Gathering, day: dt.date, place: str, host: str = "", note: str = "", by: Any
) -> ItineraryStop:
    _activity(activity)
    if not place.strip():
        raise BusinessError(_("Enter the place."), field="place")
    first = timezone.localtime(activity.starts_at).date()
    last = timezone.localtime(activity.ends_at).date()
    if not first <= day <= last:
        raise BusinessError(
            _("The stop must fall within the activity (%(first)s to %(last)s).")
            % {"first": first.isoformat(), "last": last.isoformat()},
            field="day",
        )
    with transaction.atomic():
        stop = ItineraryStop(
            congress_id=activity.congress_id,
            gathering=activity,
            day=day,
            place=place.strip(),
            host=host.strip(),
            note=note.strip(),
        )
        _by(stop, by).save()
        return stop


def report_save(*, activity: Gathering, findings: str, report: str, by: Any) -> ActivityReport:
    """Write (or correct) the findings and the report; the first save enters the report as
    an agenda item of the activity, through which its review opinions leave."""
    _activity(activity)
    if not findings.strip() and not report.strip():
        raise BusinessError(_("Write the findings or the report."), field="findings")
    with transaction.atomic():
        current = ActivityReport.objects.select_for_update().filter(gathering=activity).first()
        if current is None:
            item = services.agenda_item_add(
                gathering=activity,
                title=(
                    _("Report of the %(kind)s: %(title)s")
                    % {
                        "kind": activity.kind_label,
                        "title": activity.title,
                    }
                )[:300],
                kind=AgendaItem.Kind.REPORT,
                by=by,
            )
            current = ActivityReport(
                congress_id=activity.congress_id, gathering=activity, agenda_item=item
            )
        else:
            current.version += 1
        current.findings = findings.strip()
        current.report = report.strip()
        _by(current, by).save()
        return current


def review_opinion_hand_off(
    *,
    activity: Gathering,
    title: str,
    content: str,
    units: Sequence[Organisation],
    by: Any,
) -> ReviewOpinionRecord:
    """The review opinion that follows the activity's report, handed to casework."""
    _activity(activity)
    report = ActivityReport.objects.filter(gathering=activity).select_related("agenda_item").first()
    if report is None:
        raise BusinessError(_("Write the report before handing on its review opinions."))
    with transaction.atomic():
        results = handoff.review_opinion_hand_off(
            item=report.agenda_item, title=title, content=content, units=units, by=by
        )
        record = ReviewOpinionRecord(
            congress_id=activity.congress_id,
            agenda_item=report.agenda_item,
            title=title.strip(),
            content=content.strip(),
            handed_off_at=timezone.now(),
            handed_off_refs=", ".join(str(getattr(r, "reference", None) or r) for r in results)[
                :300
            ],
        )
        _by(record, by).save()
        record.units.set(units)
        return record
