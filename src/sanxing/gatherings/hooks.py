"""How gatherings plug into the shell and the other engines (called from ``ready``):
navigation, the home page's work list, calendar recomputation and the periodic chase of
late preparation tasks. Each import is guarded so a half-built neighbour never stops us."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

log = logging.getLogger(__name__)


def _is_office(user: Any) -> bool:
    from sanxing.gatherings.selectors import can_manage

    return can_manage(user)


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def work_items(user: Any, today: dt.date) -> Iterator[Any]:
    """Open checklist tasks owned by the user, and meetings in the next 14 days (2 queries)."""
    from sanxing.gatherings.selectors import my_gatherings_ahead, my_open_tasks
    from sanxing.web.worklist import WorkItem

    for task in my_open_tasks(user).filter(due_on__lte=today + dt.timedelta(days=30)):
        yield WorkItem(
            title=f"{task.title} · {task.gathering.title}",
            url=reverse("gatherings:checklist", args=[task.gathering_id]),
            due_on=task.due_on,
            rule=task.rule,
            kind=_("Meeting preparation"),
        )
    for g in my_gatherings_ahead(user, today, days=14):
        yield WorkItem(
            title=g.title,
            url=reverse("gatherings:detail", args=[g.pk]),
            due_on=timezone.localtime(g.starts_at).date(),
            rule=_("meeting day"),
            kind=_("Meeting"),
        )


def chase_late_tasks(now: dt.datetime) -> str:
    """Remind owners of preparation tasks that are past due, once a day per task."""
    from sanxing.gatherings.models import ChecklistTask
    from sanxing.notify.services import notice_send

    today = timezone.localdate(now)
    sent = 0
    late = ChecklistTask.objects.filter(
        done_at__isnull=True, due_on__lt=today, owner__isnull=False
    ).select_related("owner", "gathering")
    for task in late:
        sent += len(
            notice_send(
                recipients=[task.owner],
                kind="gathering_task_late",
                title=_("A meeting preparation task is late"),
                body=f"{task.title} · {task.gathering.title} · {task.due_on.isoformat()}",
                url=reverse("gatherings:checklist", args=[task.gathering_id]),
                dedupe_key=f"gathering-task-late:{task.pk}:{today.isoformat()}",
            )
        )
    return f"{sent} reminders"


def connect() -> None:
    try:
        from sanxing.web.navigation import register_nav

        register_nav("service", _("Meetings and activities"), "gatherings:list", _signed_in, 20)
        register_nav("service", _("Plan a meeting"), "gatherings:plan", _is_office, 21)
        register_nav("service", _("Meeting templates"), "gatherings:templates", _is_office, 22)
        register_nav("office", _("My calendar"), "gatherings:my_calendar", _signed_in, 30)
    except ImportError:  # pragma: no cover
        log.warning("web navigation not available")
    try:
        from sanxing.web.worklist import register

        register(work_items)
    except ImportError:  # pragma: no cover
        log.warning("web worklist not available")
    try:
        from sanxing.gatherings.services import checklist_recompute
        from sanxing.workcal.hooks import register_recomputer

        register_recomputer(checklist_recompute)
    except ImportError:  # pragma: no cover
        log.warning("workcal hooks not available")
    try:
        from sanxing.notify.periodic import register_periodic

        register_periodic("gatherings.chase_late_tasks", chase_late_tasks)
    except ImportError:  # pragma: no cover
        log.warning("notify periodic not available")
