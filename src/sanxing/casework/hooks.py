"""How casework plugs into the other engines at start-up: the calendar's recomputation, the
periodic reminder job, the navigation and the home page's work list. Each is guarded, so a
missing piece of the shell never stops the app."""

from __future__ import annotations

import logging

from django.utils.translation import gettext_lazy as _

log = logging.getLogger(__name__)


def connect() -> None:
    from sanxing.casework import (
        access,
        reminders,
        satisfaction,  # defines SatisfactionVote (its model)
        services,
        worklist,
    )

    try:
        from sanxing.workcal.hooks import register_recomputer
    except ImportError:  # pragma: no cover - the calendar engine is part of the foundation
        log.warning("sanxing.workcal.hooks missing: deadlines are not recomputed")
    else:
        register_recomputer(services.recompute_open_clocks)

    try:
        from sanxing.notify.periodic import register_periodic
    except ImportError:  # pragma: no cover
        log.warning("sanxing.notify.periodic missing: no casework reminders")
    else:
        register_periodic("casework.reminders", reminders.reminders_job)
        register_periodic("casework.letters_lapsed", services.letters_close_lapsed_job)
        register_periodic("casework.escalations", reminders.escalations_job)

    try:
        from sanxing.gatherings.handoff import register_sink
    except ImportError:  # pragma: no cover
        log.warning("sanxing.gatherings.handoff missing: review opinions are entered by hand")
    else:
        register_sink(services.review_opinion_receive)

    try:
        from sanxing.gatherings.handoff import register_decision_sink
    except ImportError:  # pragma: no cover
        log.warning("sanxing.gatherings.handoff missing: decisions are entered by hand")
    else:
        register_decision_sink(services.decision_receive)

    try:
        from sanxing.gatherings.handoff import register_subject_link, register_vote_listener
    except ImportError:  # pragma: no cover
        log.warning("sanxing.gatherings.handoff missing: no satisfaction votes")
    else:
        register_vote_listener(satisfaction.vote_closed_receive)
        register_subject_link(satisfaction.SUBJECT_PREFIX, satisfaction.subject_link)

    try:
        from sanxing.web.navigation import register_nav
        from sanxing.web.worklist import register
    except ImportError:  # pragma: no cover
        log.warning("sanxing.web navigation/worklist missing")
    else:
        register_nav("service", _("Casework desk"), "casework:desk", permission=access.can_use_desk)
        register_nav(
            "service", _("My unit's items"), "casework:unit", permission=access.can_use_unit_portal
        )
        register_nav(
            "service",
            _("My suggestions"),
            "casework:mine",
            permission=access.can_use_deputy_view,
        )
        register_nav(
            "service",
            _("Implementation progress"),
            "casework:implementation_desk",
            permission=access.can_use_desk,
        )
        register_nav(
            "service", _("Handling rates"), "casework:rates", permission=access.can_use_desk
        )
        register_nav(
            "service",
            _("Published replies"),
            "casework:public",
            permission=lambda user: True,
        )
        register(worklist.casework_work)
