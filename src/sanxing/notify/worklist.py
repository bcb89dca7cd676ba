"""The home page's work list: recent unread notices.

The shell (``sanxing.web.worklist``) registers sources ``(user, today) -> Iterable[WorkItem]``.
To keep notify independent of web, this returns plain dicts with WorkItem's fields
(title, url, due_on, rule, kind); the shell wraps them: ``WorkItem(**d)``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from sanxing.notify.selectors import notices_visible_to

HOME_LIMIT = 5


def unread_for_home(user: Any, today: dt.date) -> list[dict[str, Any]]:
    notices = (
        notices_visible_to(user)
        .filter(read_at__isnull=True)
        .order_by("-urgent", "-created_at", "-pk")[:HOME_LIMIT]
    )
    return [
        {
            "title": notice.title,
            # Through the notice's page, so opening it from home marks it read.
            "url": reverse("notify:detail", args=[notice.pk]),
            "due_on": None,
            "rule": "",
            "kind": f"notice:{notice.kind}",
        }
        for notice in notices
    ]
