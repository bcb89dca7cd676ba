"""How the rotation plugs into the shell (called from ``ready``): the menu and the home
page's work list (a deputy's unanswered invitations)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

log = logging.getLogger(__name__)


def _office(user: Any) -> bool:
    from sanxing.deputies.selectors import can_run_rotation

    return can_run_rotation(user)


def _deputy(user: Any) -> bool:
    from sanxing.people.access import viewer_for

    return viewer_for(user).is_deputy


def work_items(user: Any, today: dt.date) -> Iterator[Any]:
    """The deputy's invitations still to answer (1 query)."""
    from sanxing.deputies.models import Invitation
    from sanxing.people.access import viewer_for
    from sanxing.web.worklist import WorkItem

    v = viewer_for(user)
    if v.person_id is None or not v.is_deputy:
        return
    for inv in Invitation.objects.filter(
        person_id=v.person_id,
        status=Invitation.Status.INVITED,
        gathering__starts_at__gte=timezone.now(),
    ).select_related("gathering"):
        yield WorkItem(
            title=inv.gathering.title,
            url=reverse("deputies:invitation", args=[inv.pk]),
            due_on=inv.answer_by or timezone.localtime(inv.gathering.starts_at).date(),
            rule=inv.answer_rule or _("meeting day"),
            kind=_("Invitation to attend"),
        )


def connect() -> None:
    try:
        from sanxing.web.navigation import register_nav

        register_nav("service", _("Deputies attending meetings"), "deputies:index", _office, 25)
        register_nav("service", _("Attendance coverage"), "deputies:coverage", _office, 26)
        register_nav("service", _("My invitations"), "deputies:mine", _deputy, 27)
    except ImportError:  # pragma: no cover
        log.warning("web navigation not available")
    try:
        from sanxing.gatherings.kinds import COMMITTEE_MEETING
        from sanxing.gatherings.links import register_gathering_link

        register_gathering_link(
            _("Deputies attending in rotation"),
            lambda g: reverse("deputies:rotation", args=[g.pk]),
            lambda g: g.kind == COMMITTEE_MEETING and g.status != "cancelled",
        )
    except ImportError:  # pragma: no cover
        log.warning("gatherings links not available")
    try:
        from sanxing.web.worklist import register

        register(work_items)
    except ImportError:  # pragma: no cover
        log.warning("web worklist not available")
